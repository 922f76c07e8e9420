import Foundation
import Testing
import FHECore

@Suite struct UniformQuantizerTests {
    /// Round trip error stays within half a step, and integers stay in the options' range.
    @Test(arguments: [4, 8, 16, 20], [(false, false), (true, false), (true, true)])
    func roundTripWithinHalfAScale(bits: Int, flags: (Bool, Bool)) {
        let options = QuantizationOptions(bits: bits, isSigned: flags.0, isSymmetric: flags.1)
        var generator = SystemRandomNumberGenerator()
        let x = (0..<500).map { _ in Double.random(in: -3.7...5.1, using: &generator) }
        let q = UniformQuantizer(options: options, rmin: x.min()!, rmax: x.max()!)
        let ints = q.quantize(x)
        #expect(ints.allSatisfy { $0 >= options.minInteger && $0 <= options.maxInteger })
        let back = q.dequantize(ints)
        for (a, b) in zip(x, back) { #expect(abs(a - b) <= q.scale / 2 + 1e-12) }
    }

    /// Concrete ML's documented example: 7-bit unsigned on [−2, 2] → zero point 26·(4/127)... exactly rint(2/scale).
    @Test func signedOffsetLivesInTheZeroPoint() {
        let unsigned = UniformQuantizer(options: QuantizationOptions(bits: 7), rmin: -2, rmax: 2)
        #expect(unsigned.zeroPoints == [64])  // rint(2 / (4/127)) = rint(63.5) = 64 (half to even)
        let signed = UniformQuantizer(options: QuantizationOptions(bits: 7, isSigned: true), rmin: -2, rmax: 2)
        #expect(signed.zeroPoints == [0])  // 64 − 64
        #expect(signed.quantize(-2) == -64 && signed.quantize(2) == 63)
        let s3 = UniformQuantizer(options: QuantizationOptions(bits: 3, isSigned: true), rmin: 0, rmax: 7)
        #expect(s3.scale == 1 && s3.zeroPoints == [-4] && s3.quantize(0) == -4 && s3.quantize(7) == 3)
    }

    @Test func symmetricScaleUsesHalfTheLevels() {
        let q = UniformQuantizer(options: QuantizationOptions(bits: 8, isSigned: true, isSymmetric: true), rmin: -0.5, rmax: 1.27)
        #expect(abs(q.scale - 1.27 / 127) < 1e-15 && q.zeroPoints == [0])
        #expect(q.quantize(1.27) == 127 && q.quantize(-1.27) == -127)
    }

    @Test func degenerateRanges() {
        let constant = UniformQuantizer(options: QuantizationOptions(bits: 8, isSigned: true), rmin: 3, rmax: 3)
        #expect(constant.scale == 3 && constant.zeroPoints == [0] && constant.quantize(3) == 1)
        #expect(constant.options.offset == 0)
        let zero = UniformQuantizer(options: QuantizationOptions(bits: 8), rmin: 0, rmax: 0)
        #expect(zero.scale == 1 && zero.quantize(0) == 0 && zero.dequantize(0) == 0)
    }

    @Test func roundsHalfToEven() {
        let q = UniformQuantizer(options: QuantizationOptions(bits: 8), scale: 1, zeroPoints: [0])
        #expect(q.quantize([0.5, 1.5, 2.5, 3.5, 254.5]) == [0, 2, 2, 4, 254])
        #expect(q.quantize([-0.5, 300]) == [0, 255])  // clipped
    }

    @Test func vectorZeroPointsPerElement() {
        let q = UniformQuantizer(options: QuantizationOptions(bits: 16, isSigned: true), scale: 0.5, zeroPoints: [1.5, -2])
        #expect(q.dequantize([3, 3, 4, 4]) == [0.75, 2.5, 1.25, 3])
    }

    @Test func qatKeepsGivenScale() {
        let q = UniformQuantizer(options: QuantizationOptions(bits: 3, isSigned: true, isQAT: true), rmin: -1, rmax: 1, qatScale: 0.25)
        #expect(q.scale == 0.25 && q.zeroPoints == [0] && q.quantize(0.9) == 3 && q.quantize(-2) == -4)
        let narrow = UniformQuantizer(options: QuantizationOptions(bits: 3, isSigned: true, isQAT: true, isNarrow: true),
                                      scale: 0.25, zeroPoints: [0])
        #expect(narrow.quantize(-2) == -3)
    }
}
