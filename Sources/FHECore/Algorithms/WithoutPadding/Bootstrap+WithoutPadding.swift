// The programmable bootstrap without padding (WoP-PBS) of a large-precision input: bit extraction, circuit
// bootstrapping, vertical packing (Bergerat et al., "Parameter Optimization and Larger Precision for (T)FHE",
// J. Cryptology 2023, "WoP-PBS"; docs/LARGE-PRECISION.md#the-wop-pbs).

/// Caller-owned working memory of a WoP-PBS: the PBS scratch of the base set and the vertical packing's.
public final class WoPScratch {
    /// Buffers of the bit extraction's and the circuit bootstrap's PBS.
    let bootstrap: BootstrapScratch
    /// Buffers of the vertical packing's external products (circuit-bootstrap gadget).
    let packing: BootstrapScratch
    /// A lockstep batch for the circuit bootstrap's independent PBS, which then read each bootstrap-key GGSW
    /// once per batch instead of once per PBS (`Bootstrap.blindRotate`).
    let batch: [BootstrapScratch]

    /// Buffers for `parameters`.
    public init(parameters: WoPParameters) {
        let single = BootstrapScratch(parameters: parameters.base)
        bootstrap = single
        packing = BootstrapScratch(parameters: parameters.packingScratchParameters, plan: single.plan)
        batch = (0..<BootstrapScratch.preferredBatchSize(parameters.base)).map { _ in
            BootstrapScratch(parameters: parameters.base, plan: single.plan)
        }
    }
}

extension Bootstrap {
    /// f(m) for each table, from a big-key LWE of a p-bit m (two's complement allowed; see
    /// `BitExtraction.extract`): LWEs under the big key of `tables[t][m mod 2^p]` (torus plaintexts, any encoding).
    /// Several tables of one input share its bits and GGSWs, which are most of the cost.
    public static func withoutPadding(
        _ input: LWECiphertext, bits p: Int, tables: [[UInt64]], keys: WoPEvaluationKeys, scratch: WoPScratch
    ) -> [LWECiphertext] {
        let base = keys.parameters.base
        let big = base.bigLWEDimension
        precondition(input.lweDimension == big, "WoP-PBS input has \(input.lweDimension), the big key is \(big)")
        let smallSize = base.lweDimension.lweSize
        var bits = [UInt64](repeating: 0, count: p * smallSize)
        input.data.withUnsafeBufferPointer { i in
            bits.withUnsafeMutableBufferPointer {
                BitExtraction.extract(i.baseAddress!, bits: p, keys: keys.base, scratch: scratch.bootstrap, into: $0.baseAddress!)
            }
        }
        return lookUp(bits: bits, count: p, tables: tables, keys: keys, scratch: scratch)
    }

    /// f(x) for each table, from the CRT blocks of x (`encoding`; block i an LWE under the big key of
    /// ⌊r_i·2^64/m_i⌋): LWEs of `tables[t][encoding.index(x)]` (`CRTEncoding.table` builds them: CRT blocks of the
    /// result to chain lookups, or any other encoding). Each block is offset so that the extraction's rounding is
    /// the floor `index` uses, then its b_i bits are extracted.
    public static func withoutPadding(
        blocks: [LWECiphertext], encoding: CRTEncoding, tables: [[UInt64]], keys: WoPEvaluationKeys, scratch: WoPScratch
    ) -> [LWECiphertext] {
        let big = keys.parameters.base.bigLWEDimension
        precondition(blocks.count == encoding.moduli.count, "\(blocks.count) blocks for \(encoding.moduli.count) moduli")
        precondition(blocks.allSatisfy { $0.lweDimension == big }, "WoP-PBS blocks must be under the big key \(big)")
        let smallSize = keys.parameters.base.lweDimension.lweSize
        let s = encoding.indexBits
        var bits = [UInt64](repeating: 0, count: s * smallSize)
        bits.withUnsafeMutableBufferPointer { out in
            // The index's bits most significant first: the last block's first, block 0's last.
            var position = s
            for (i, block) in blocks.enumerated() {
                let b = encoding.blockBits[i]
                position -= b
                var shifted = block
                shifted.data[big.rawValue] = shifted.data[big.rawValue] &- encoding.extractionOffset(block: i)
                shifted.data.withUnsafeBufferPointer {
                    BitExtraction.extract($0.baseAddress!, bits: b, lowestBit: 64 - b, keys: keys.base, scratch: scratch.bootstrap,
                                          into: out.baseAddress! + position * smallSize)
                }
            }
        }
        return lookUp(bits: bits, count: s, tables: tables, keys: keys, scratch: scratch)
    }

    /// Circuit bootstrap of `count` extracted bits (most significant first), then one vertical packing per table.
    private static func lookUp(
        bits: [UInt64], count p: Int, tables: [[UInt64]], keys: WoPEvaluationKeys, scratch: WoPScratch
    ) -> [LWECiphertext] {
        let base = keys.parameters.base
        let big = base.bigLWEDimension
        let k1 = base.glweDimension.glweSize
        let n = base.polynomialSize.rawValue
        let ggswWords = keys.parameters.circuitBootstrap.levelCount.rawValue * k1 * k1 * n
        let ggsws = AlignedBuffer<Double>(count: p * ggswWords) { out in
            bits.withUnsafeBufferPointer {
                CircuitBootstrap.bootstrap($0.baseAddress!, count: p, keys: keys, scratches: scratch.batch[...],
                                           plan: scratch.bootstrap.plan, into: out)
            }
        }
        return tables.map { table in
            var output = LWECiphertext(lweDimension: big)
            output.data.withUnsafeMutableBufferPointer { o in
                withExtendedLifetime(ggsws) {
                    VerticalPacking.lookup(table: table, ggsws: ggsws.baseAddress, count: p, ggswWords: ggswWords,
                                           scratch: scratch.packing, into: o.baseAddress!)
                }
            }
            return output
        }
    }
}
