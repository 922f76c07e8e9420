import Testing
@testable import FHECore

@Suite struct SignedDecomposerTests {
    // Check values of TFHE-rs' decomposer (`core_crypto/commons/math/decomposition`), digits listed here
    // level 1 first (docs/ALGORITHMS.md#decomposition).
    @Test(arguments: [
        (UInt64(0x1234_5678_9ABC_DEF0), 8, 3, [Int64(86), 52, 18], UInt64(0x1234_5600_0000_0000)),
        (0xDEAD_BEEF_CAFE_BABE, 3, 5, [-1, 3, -3, 0, -1], 0xDEAE_0000_0000_0000),
        (0xFFFF_FFFF_FFFF_FFFF, 4, 4, [0, 0, 0, 0], 0),
        (0x8000_0000_0000_0000, 23, 1, [4_194_304], 0x8000_0000_0000_0000),
        (0x7FF0_0000_0000_0000, 15, 2, [0, 16376], 0x7FF0_0000_0000_0000),
    ])
    func referenceVectors(x: UInt64, baseLog: Int, levels: Int, digitsHighLevelFirst: [Int64], recomposed: UInt64) {
        let d = SignedDecomposer(DecompositionParameters(baseLog: baseLog, levelCount: levels))
        let digits = d.decompose(x)
        #expect(Array(digits.reversed()) == digitsHighLevelFirst)
        #expect(d.recompose(digits) == recomposed)
        #expect(d.closestRepresentable(x) == recomposed)
    }

    @Test(arguments: [(23, 1), (15, 2), (3, 5), (4, 4), (11, 3), (1, 20)])
    func randomValuesRecomposeToRoundedValueWithBalancedDigits(baseLog: Int, levels: Int) {
        let d = SignedDecomposer(DecompositionParameters(baseLog: baseLog, levelCount: levels))
        var rng = SystemRandomNumberGenerator()
        let halfBase = Int64(1) << (baseLog - 1)
        var digits = [Int64](repeating: 0, count: levels)
        for _ in 0..<20_000 {
            let x = rng.next() as UInt64
            digits.withUnsafeMutableBufferPointer { d.decompose(x, into: $0.baseAddress!) }
            #expect(digits.allSatisfy { abs($0) <= halfBase })
            #expect(d.recompose(digits) == d.closestRepresentable(x))
            // Rounding error at most half of the last level's weight.
            let error = Int64(bitPattern: x &- d.recompose(digits))
            #expect(error.magnitude <= UInt64(1) << UInt64(63 - baseLog * levels))
        }
        // The vectorized polynomial path (level-major) agrees with the per-value reference.
        var xs: [UInt64] = [0, UInt64.max, 1 << 63, (1 << 63) - 1]
        for _ in 0..<4096 { xs.append(rng.next()) }
        var out = [Int64](repeating: 0, count: xs.count * levels)
        xs.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { d.decomposePolynomial(i.baseAddress!, count: xs.count, into: $0.baseAddress!) } }
        for c in 0..<xs.count {
            let expected: [Int64] = d.decompose(xs[c])
            let got: [Int64] = (0..<levels).map { out[$0 * xs.count + c] }
            #expect(got == expected)
        }
    }
}
