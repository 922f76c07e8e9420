import Testing
@testable import FHECore

/// The CMUX's fused first half (rotated difference, decomposition, fold and twist in one pass, transforms in place)
/// against the step-by-step pipeline it replaced.
@Suite struct ExternalProductTests {
    /// The kernels' rotated difference reads X^p·x − x eight coefficients at a time, including the block that
    /// straddles the wrap, for powers on both sides of N, on every instruction set this machine runs.
    @Test(arguments: [16, 64, 2048], InstructionSet.supported)
    func rotatedDifferenceMatchesRotateThenSubtract(n: Int, isa: InstructionSet) {
        let plan = FFTPlan(polynomialSize: PolynomialSize(n), instructionSet: isa)
        var rng = SystemRandomNumberGenerator()
        let x = (0..<n).map { _ in rng.next() as UInt64 }
        let powers = [0, 1, 7, 8, 9, n / 2, n - 1, n, n + 3, n + 8, 2 * n - 1] + (0..<8).map { _ in Int.random(in: 0..<(2 * n)) }
        for power in powers {
            var rotated = [UInt64](repeating: 0, count: n)
            x.withUnsafeBufferPointer { i in
                rotated.withUnsafeMutableBufferPointer { NegacyclicPolynomial.rotate(i.baseAddress!, by: power, count: n, into: $0.baseAddress!) }
            }
            var got = [UInt64](repeating: 0, count: n)
            x.withUnsafeBufferPointer { i in
                got.withUnsafeMutableBufferPointer { rotatedDifference(i.baseAddress!, power: power, into: $0.baseAddress!, plan: plan) }
            }
            #expect(got == zip(rotated, x).map { $0 &- $1 }, "\(isa) N=\(n) power \(power)")
        }
    }

    /// The digit transforms `transformRotatedDifference` leaves in the scratch are bit for bit those of rotating,
    /// subtracting, decomposing and transforming each digit polynomial (`forwardInteger`): the same twist and
    /// the same passes, only without the intermediate buffers. One level (k = 3, N = 512; k = 1, N = 8192, with
    /// wide passes) and two levels (k = 1, N = 2048), on every instruction set this machine runs.
    @Test(arguments: [(3, 512, 18, 1), (1, 8192, 22, 1), (1, 2048, 15, 2)], InstructionSet.supported)
    func fusedTransformsMatchTheStepByStepPipeline(shape: (Int, Int, Int, Int), isa: InstructionSet) {
        let (k, n, beta, l) = shape
        let parameters = ParameterSet(
            lweDimension: 16, glweDimension: k, polynomialSize: n, pbs: (l, beta), ks: (3, 4),
            lweNoiseStandardDeviation: 0x1p-30, glweNoiseStandardDeviation: 0x1p-50, isInsecureTestSet: true)
        let plan = FFTPlan(polynomialSize: parameters.polynomialSize, instructionSet: isa)
        let scratch = BootstrapScratch(parameters: parameters, plan: plan)
        let decomposer = SignedDecomposer(parameters.pbsDecomposition)
        var rng = SystemRandomNumberGenerator()
        let k1 = k + 1
        for j in 0..<(k1 * n) { scratch.accumulator[j] = rng.next() }
        let power = Int.random(in: 1..<(2 * n))
        ExternalProduct.transformRotatedDifference(power: power, glweSize: k1, decomposer: decomposer, scratch: scratch)
        var rotated = [UInt64](repeating: 0, count: n)
        var digits = [Int64](repeating: 0, count: l * n)
        var expected = [Double](repeating: 0, count: n)
        var mismatches = 0
        for r in 0..<k1 {
            let acc = scratch.accumulator + r * n
            rotated.withUnsafeMutableBufferPointer { NegacyclicPolynomial.rotate(acc, by: power, count: n, into: $0.baseAddress!) }
            for c in 0..<n { rotated[c] = rotated[c] &- acc[c] }
            rotated.withUnsafeBufferPointer { i in
                digits.withUnsafeMutableBufferPointer { decomposer.decomposePolynomial(i.baseAddress!, count: n, into: $0.baseAddress!) }
            }
            for level in 0..<l {
                digits.withUnsafeBufferPointer { d in
                    expected.withUnsafeMutableBufferPointer { plan.forwardInteger(d.baseAddress! + level * n, into: $0.baseAddress!) }
                }
                let row = scratch.fourierDigits + (level * k1 + r) * n
                for c in 0..<n where row[c].bitPattern != expected[c].bitPattern { mismatches += 1 }
            }
        }
        #expect(mismatches == 0, "\(isa) k=\(k) N=\(n) l=\(l) power \(power): \(mismatches) Fourier values differ")
    }
}
