// The Concrete noise model (docs/NOISE.md): output variance of every step of the KS-PBS atomic
// pattern, in torus units (a modular variance V_mod is V_mod / q², q = 2^64).
import Foundation

/// Noise formulas of TFHE with binary keys and q = 2^64 (docs/NOISE.md). Every variance is in
/// torus units. The formulas keep the term order of Concrete's noise model so that the parameter
/// search, which compares variances, makes the same choices as Concrete's optimizer.
public enum NoiseModel {
    /// log2 q, the ciphertext modulus.
    public static let log2CiphertextModulus = 64
    /// Mantissa bits of the f64 FFT (Concrete's `fft_precision`, docs/NOISE.md#fft-error).
    public static let fftPrecision = 53

    /// q² as a double (exact: a power of two).
    @usableFromInline static let squaredModulus = exp2(Double(2 * log2CiphertextModulus))

    /// Converts a modular variance (integers mod q) to torus units.
    @inlinable
    public static func torusVariance(fromModular modularVariance: Double) -> Double {
        modularVariance / squaredModulus
    }

    /// Converts a torus variance to modular units (integers mod q).
    @inlinable
    public static func modularVariance(fromTorus variance: Double) -> Double {
        variance * squaredModulus
    }

    /// Var(s) of a uniform binary key coefficient, in torus units (1/4 modular).
    @usableFromInline static var binaryKeyVariance: Double { torusVariance(fromModular: 1.0 / 4.0) }
    /// E(s)² of a uniform binary key coefficient, in torus units ((1/2)² modular).
    @usableFromInline static var binaryKeySquaredMean: Double { torusVariance(fromModular: 0.25) }

    // MARK: - Fresh encryption and linear operations (docs/NOISE.md#linear-operations)

    /// Variance of a fresh encryption under a key of dimension `dimension` (k·N for a GLWE key) with
    /// the minimal noise of the 128-bit curve, which is what Concrete uses (docs/NOISE.md#fresh-encryption).
    public static func freshEncryptionVariance(dimension: Int) -> Double {
        SecurityCurve.minimalVariance(dimension: dimension)
    }

    /// Variance of Σ w_i·c_i for independent ciphertexts c_i of variance V_i and clear integer weights
    /// (docs/NOISE.md#linear-operations): Σ w_i²·V_i. Sums, differences and negations are the weights ±1.
    public static func linearCombinationVariance(weights: [Int64], variances: [Double]) -> Double {
        precondition(weights.count == variances.count,
                     "linear combination: \(weights.count) weights for \(variances.count) variances")
        var sum = 0.0
        for (weight, variance) in zip(weights, variances) {
            let w = Double(weight)
            sum += w * w * variance
        }
        return sum
    }

    /// Variance of a dot product with squared 2-norm `squaredNorm` (ν² = Σ w²) over inputs that all
    /// have variance `variance` (docs/NOISE.md#linear-operations): ν²·V.
    public static func linearCombinationVariance(squaredNorm: Double, variance: Double) -> Double {
        precondition(squaredNorm >= 0, "a squared 2-norm is never negative, got \(squaredNorm)")
        return squaredNorm * variance
    }
}
