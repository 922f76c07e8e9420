// Caller-owned working memory of keyswitch + PBS: nothing is allocated inside the hot loop.

/// Buffers for one keyswitch + programmable bootstrap at a time; one per thread.
public final class BootstrapScratch {
    /// The parameter set the buffers are sized for.
    public let parameters: ParameterSet
    /// FFT plan for N.
    public let plan: FFTPlan
    /// The small ciphertext of the PBS-only entry point (n+1 words; batches keyswitch into their own buffer).
    let small: UnsafeMutablePointer<UInt64>
    /// Modulus-switched small ciphertext (n+1 values in [0, 2N)).
    let switched: UnsafeMutablePointer<Int>
    /// The accumulator GLWE ((k+1)·N words).
    let accumulator: UnsafeMutablePointer<UInt64>
    /// Fourier transforms of all digit polynomials of one external product, in GGSW row order (l·(k+1)·N doubles).
    let fourierDigits: UnsafeMutablePointer<Double>
    /// The external product's Fourier sums, one per output polynomial ((k+1)·N doubles; a split key's rests add
    /// (k+1)·N more), which `ExternalProduct.finish` transforms back. Over the first digit transforms when one pass
    /// computes them all (k + 1 ≤ 2 outputs, one key part: each point's digits are read before its sums are
    /// stored), so the sums take lines already in cache instead of a buffer of their own
    /// (docs/PERFORMANCE.md#tuning-choices-in-the-engine); `fourierAccumulator` otherwise.
    let fourierSums: UnsafeMutablePointer<Double>
    /// The sums' own buffer where they need one (`fourierAccumulatorPolynomials`), else empty.
    private let fourierAccumulator: UnsafeMutablePointer<Double>

    /// Buffers sized for `parameters`, with `plan` (immutable, so scratches may share one) or a new one.
    public init(parameters: ParameterSet, plan: FFTPlan? = nil) {
        self.parameters = parameters
        let plan = plan ?? FFTPlan(polynomialSize: parameters.polynomialSize)
        precondition(plan.polynomialSize == parameters.polynomialSize.rawValue,
                     "FFT plan for N = \(plan.polynomialSize), parameters have N = \(parameters.polynomialSize)")
        self.plan = plan
        let n = parameters.lweDimension.lweSize
        let glwe = parameters.glweDimension.glweSize * parameters.polynomialSize.rawValue
        // Cache-line aligned: the kernels move 8-lane vectors through every buffer (AlignedBuffer.swift).
        small = allocateAligned(UInt64.self, count: n)
        switched = allocateAligned(Int.self, count: n)
        accumulator = allocateAligned(UInt64.self, count: glwe)
        fourierDigits = allocateAligned(Double.self, count: parameters.pbsDecomposition.levelCount.rawValue * glwe)
        let ownPolynomials = Self.fourierAccumulatorPolynomials(parameters)
        fourierAccumulator = allocateAligned(Double.self, count: ownPolynomials * parameters.polynomialSize.rawValue)
        fourierSums = ownPolynomials == 0 ? fourierDigits : fourierAccumulator
    }

    /// Polynomials of `fourierAccumulator`: none when the sums go over the digit transforms (k + 1 ≤ 2 outputs, one
    /// key part; `fourierSums`), (k + 1)·parts otherwise.
    static func fourierAccumulatorPolynomials(_ parameters: ParameterSet) -> Int {
        let k1 = parameters.glweDimension.glweSize
        return k1 <= 2 && parameters.fourierPrecision == .standard ? 0 : k1 * parameters.fourierPrecision.keyParts
    }

    deinit {
        small.deallocate()
        switched.deallocate()
        accumulator.deallocate()
        fourierDigits.deallocate()
        fourierAccumulator.deallocate()
    }
}
