// Modulus-switch noise, docs/NOISE.md#modulus-switch (Concrete `modulus_switching.rs`; TFHE-rs
// `centered_mean_shifted_modulus_switch.rs` for the centered variant).
import Foundation

extension NoiseModel {
    /// V_MS of the plain switch from q to 2N of an LWE of dimension `lweDimension` under a binary key
    /// (docs/NOISE.md#modulus-switch): (1/12 + n/24)/(2N)² + (n/48 − 1/12)/q². This is what Concrete and the optimizer use.
    public static func modulusSwitchVariance(lweDimension: LWEDimension, polynomialSize: PolynomialSize) -> Double {
        modulusSwitchVariance(lweDimension: lweDimension.rawValue, log2PolynomialSize: polynomialSize.log2)
    }

    /// Plain modulus switch variance with raw dimensions, for the parameter search's inner loop.
    package static func modulusSwitchVariance(lweDimension n: Int, log2PolynomialSize: Int) -> Double {
        let twoN = exp2(Double(log2PolynomialSize + 1))
        let dimension = Double(n)
        return (1.0 / 12 + dimension / 24) / (twoN * twoN) + torusVariance(fromModular: -1.0 / 12 + dimension / 48)
    }

    /// V_MS of TFHE-rs' centered (mean-shifted) switch (docs/NOISE.md#modulus-switch): n·(1/(24q²) + 1/(48(2N)²)). It halves
    /// the dominant term of the plain switch; Concrete does not use it.
    public static func centeredModulusSwitchVariance(lweDimension: LWEDimension, polynomialSize: PolynomialSize) -> Double {
        let twoN = Double(2 * polynomialSize.rawValue)
        return Double(lweDimension.rawValue) * (1 / (24 * squaredModulus) + 1 / (48 * twoN * twoN))
    }

    /// V_MS (plain) of a parameter set: the small LWE (n) switched to 2N.
    public static func modulusSwitchVariance(for parameters: ParameterSet) -> Double {
        modulusSwitchVariance(lweDimension: parameters.lweDimension, polynomialSize: parameters.polynomialSize)
    }
}
