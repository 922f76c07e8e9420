// From p_error to a maximal variance and back, docs/NOISE.md#failure-probability (Concrete
// `noise_estimator/error.rs`). A p-bit message has 1 padding bit and Δ = 2^(63 − p); decryption
// fails when |noise| ≥ Δ/2, i.e. 2^(−p−2) on the torus.
import Foundation

extension NoiseModel {
    /// κ = √2·erfc⁻¹(p_error): the number of standard deviations a centred Gaussian must exceed, in
    /// absolute value, with probability p_error (docs/NOISE.md#failure-probability).
    public static func kappa(errorProbability: Double) -> Double {
        precondition(errorProbability > 0 && errorProbability < 1, "p_error must be in (0, 1), got \(errorProbability)")
        return ErrorFunction.inverseComplementary(errorProbability) * 2.0.squareRoot()
    }

    /// The failure bound 2^(−p−2) (torus) of a p-bit message with one padding bit (docs/NOISE.md#failure-probability).
    public static func failureBound(precision: Int) -> Double {
        precondition(precision >= 0, "precision must be ≥ 0 bits, got \(precision)")
        return exp2(Double(-precision - 2))
    }

    /// V_max(p, p_error) = 2^(−2p−4)/κ²: the largest variance a p-bit TLU input may have for failure
    /// probability p_error (docs/NOISE.md#failure-probability). Computed in modular units as Concrete does, for identical rounding.
    public static func maximalVariance(precision: Int, errorProbability: Double) -> Double {
        precondition(precision >= 0, "precision must be ≥ 0 bits, got \(precision)")
        let fatalModular = exp2(Double(log2CiphertextModulus - precision - 2))
        let safeSigma = fatalModular / kappa(errorProbability: errorProbability)
        return torusVariance(fromModular: safeSigma * safeSigma)
    }

    /// p_error(V) = erfc(2^(−p−2)/(√2·√V)): the probability that a p-bit value with noise variance
    /// `variance` decrypts (or bootstraps) wrongly (docs/NOISE.md#failure-probability).
    public static func errorProbability(precision: Int, variance: Double) -> Double {
        precondition(variance > 0, "variance must be positive, got \(variance)")
        return erfc(failureBound(precision: precision) / (2.0.squareRoot() * variance.squareRoot()))
    }

    /// p_error of a variance `variance` measured against the bound `maximalVariance` set for κ:
    /// erfc(κ·√(V_max/V)/√2), the form Concrete's optimizer prints (docs/NOISE.md#failure-probability).
    public static func errorProbability(kappa: Double, maximalVariance: Double, variance: Double) -> Double {
        let sigmaScale = maximalVariance.squareRoot() * kappa / variance.squareRoot()
        return erfc(sigmaScale / 2.0.squareRoot())
    }
}
