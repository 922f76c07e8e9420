// Vertical packing: a lookup table of 2^S entries read at the index the GGSWs of S bits encrypt, by a CMUX tree
// over its polynomials and a blind rotation inside the selected one (Chillotti, Gama, Georgieva, Izabachène,
// "TFHE: Fast Fully Homomorphic Encryption over the Torus", J. Cryptology 2020, "vertical packing").

/// Vertical packing on circuit-bootstrapped GGSWs.
enum VerticalPacking {
    /// The LWE (k·N + 1 words, big key) of `table[x]`, where x is the S-bit index whose bits the Fourier GGSWs at
    /// `ggsws` encrypt (GGSW 0 the most significant, `ggswWords` doubles apart) into `output`.
    ///
    /// Entry x sits at coefficient x mod N of polynomial x div N. The top bits pick the polynomial by a tree of
    /// CMUXes (the lowest of them first, pairing neighbours); the others rotate it by X^(−2^j) for bit j, so that
    /// coefficient 0 holds the entry. `scratch` carries the circuit-bootstrap gadget (`WoPParameters`).
    static func lookup(
        table: [UInt64], ggsws: UnsafePointer<Double>, count s: Int, ggswWords: Int, scratch: BootstrapScratch,
        into output: UnsafeMutablePointer<UInt64>
    ) {
        let parameters = scratch.parameters
        let n = parameters.polynomialSize.rawValue
        let k = parameters.glweDimension.rawValue
        let k1 = k + 1
        let glweWords = k1 * n
        precondition(table.count == 1 << s, "a \(s)-bit table has \(1 << s) entries, got \(table.count)")
        let polynomialCount = max(1, table.count / n)
        let treeDepth = polynomialCount.trailingZeroBitCount
        let decomposer = SignedDecomposer(parameters.pbsDecomposition)
        let l = decomposer.levelCount
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: polynomialCount * glweWords + glweWords) { buffer in
            let nodes = buffer.baseAddress!, difference = nodes + polynomialCount * glweWords
            // Trivial GLWEs: zero mask, the table's polynomials as bodies.
            nodes.update(repeating: 0, count: polynomialCount * glweWords)
            table.withUnsafeBufferPointer { t in
                for p in 0..<polynomialCount {
                    (nodes + p * glweWords + k * n).update(from: t.baseAddress! + p * n, count: min(n, table.count - p * n))
                }
            }
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: l * n) { digits in
                var width = polynomialCount
                for level in 0..<treeDepth {
                    let ggsw = ggsws + (treeDepth - 1 - level) * ggswWords
                    width /= 2
                    for i in 0..<width {
                        let c0 = nodes + 2 * i * glweWords, c1 = c0 + glweWords
                        for w in 0..<glweWords { difference[w] = c1[w] &- c0[w] }
                        for r in 0..<k1 {
                            decomposer.decomposePolynomial(difference + r * n, count: n, into: digits.baseAddress!)
                            for j in 0..<l {
                                scratch.plan.forwardInteger(digits.baseAddress! + j * n, into: scratch.fourierDigits + (j * k1 + r) * n)
                            }
                        }
                        scratch.accumulator.update(from: c0, count: glweWords)
                        cmuxEnd(ggsw: ggsw, scratch: scratch)
                        (nodes + i * glweWords).update(from: scratch.accumulator, count: glweWords)
                    }
                }
            }
            scratch.accumulator.update(from: nodes, count: glweWords)
        }
        for j in 0..<(s - treeDepth) {
            ExternalProduct.transformRotatedDifference(power: 2 * n - (1 << j), glweSize: k1, decomposer: decomposer, scratch: scratch)
            cmuxEnd(ggsw: ggsws + (s - 1 - j) * ggswWords, scratch: scratch)
        }
        SampleExtraction.extractConstant(scratch.accumulator, glweDimension: k, polynomialSize: n, into: output)
    }

    /// ACC += GGSW ⊡ (the difference whose digit transforms are in `scratch.fourierDigits`).
    private static func cmuxEnd(ggsw: UnsafePointer<Double>, scratch: BootstrapScratch) {
        let k1 = scratch.parameters.glweDimension.glweSize
        var active = 0
        ExternalProduct.accumulateBatch(ggsw: ggsw, glweSize: k1, levelCount: scratch.parameters.pbsDecomposition.levelCount.rawValue,
                                        precision: .standard, scratches: [scratch][...], active: &active, activeCount: 1)
        ExternalProduct.finish(glweSize: k1, precision: .standard, scratch: scratch)
    }
}
