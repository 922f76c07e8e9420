import Foundation
// Figures the parameter search and the reports need: TLU counts, precisions and 2-norms.

/// The TLUs of one operation, as the parameter optimizer sees them.
public struct TLUGroup: Sendable, Equatable, Codable {
    /// The operation's label and mnemonic.
    public var label: String
    /// Bit-width of the TLU inputs (the PBS precision).
    public var precision: Int
    /// Largest squared 2-norm of the clear weights of the linear combination of fresh ciphertexts (inputs
    /// or PBS outputs, each counted with variance 1) that feeds one TLU of the group.
    public var maxNormSquared: Double
    /// Number of TLUs (per sample).
    public var count: Int
}

extension Circuit {
    /// For every value, the largest squared 2-norm ν² of the linear combination of fresh ciphertexts
    /// it is made of (inputs and PBS outputs count 1; clear values 0): `NoiseWeights` with both
    /// sources counted alike.
    public func normSquared() -> [Double] {
        let weights = NoiseWeights(self)
        return zip(weights.fresh, weights.bootstrapped).map { $0 + $1 }
    }

    /// TLUs per operation: tables, products (2 per scalar product), max-pool comparisons, and the
    /// exact-rounding bit extractions (one per removed bit and element). Clear operations have none.
    public func tluGroups() -> [TLUGroup] {
        let nu = normSquared()
        var groups = [TLUGroup]()
        for op in operations where self[op.result].isEncrypted {
            let input = op.operands.first.map { self[$0] }
            switch op.kind {
            case .tableLookup:
                groups.append(TLUGroup(label: op.label, precision: input!.bitWidth, maxNormSquared: nu[op.operands[0].rawValue],
                                       count: input!.elementCount))
            case .multiply, .matMulEncrypted:
                // (a + b) and (a − b) feed the square tables: one more bit than the wider operand.
                let a = self[op.operands[0]], b = self[op.operands[1]]
                let products: Int
                if case .multiply = op.kind { products = a.elementCount } else {
                    products = self[op.result].elementCount * a.shape.last!
                }
                let sum = IntegerRange(min: a.range.min + min(b.range.min, -b.range.max), max: a.range.max + max(b.range.max, -b.range.min))
                groups.append(TLUGroup(label: op.label, precision: sum.bitWidth,
                                       maxNormSquared: nu[op.operands[0].rawValue] + nu[op.operands[1].rawValue], count: 2 * products))
            case .maxPool(let g, _):
                let diff = IntegerRange(min: input!.range.min - input!.range.max, max: input!.range.max - input!.range.min)
                groups.append(TLUGroup(label: op.label, precision: diff.bitWidth, maxNormSquared: 2 * nu[op.operands[0].rawValue],
                                       count: self[op.result].elementCount * (g.kernelShape.reduce(1, *) - 1)))
            case .round(let lsbs, .exact) where lsbs > 0:
                // Each removed bit is one bit-extraction PBS on a 1-bit (no padding) input after a clear
                // multiplication by up to 2^p, which multiplies the noise (reference/tfhe.md §5.10).
                let p = Double(input!.bitWidth)
                groups.append(TLUGroup(label: op.label + "/round", precision: 1,
                                       maxNormSquared: nu[op.operands[0].rawValue] * pow(2, 2 * p), count: input!.elementCount * lsbs))
            default:
                continue
            }
        }
        return groups
    }

    /// Total TLUs per sample.
    public var tluCount: Int { tluGroups().reduce(0) { $0 + $1.count } }

    /// TLUs per sample; with `tablesOnly`, only table lookups (no products, max-pool or rounding PBS).
    public func tluCount(tablesOnly: Bool) -> Int {
        guard tablesOnly else { return tluCount }
        return operations.reduce(0) { n, op in
            if case .tableLookup = op.kind, self[op.result].isEncrypted { return n + self[op.operands[0]].elementCount }
            return n
        }
    }

    /// The widest TLU input in bits (0 without TLUs).
    public var maxTLUPrecision: Int { tluGroups().map(\.precision).max() ?? 0 }
}

