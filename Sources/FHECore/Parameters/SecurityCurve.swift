import Foundation

// The 128-bit security curve of Concrete (docs/PARAMETERS.md#security-curve): minimal Gaussian noise for an LWE
// of a given dimension, q = 2^64, binary secret keys.

/// Minimal noise per LWE dimension for a security level, in torus units.
public enum SecurityCurve {
    /// log2 q.
    public static let log2Modulus = 64.0
    /// Curve line for 128-bit security (MATZOV cost model, Concrete `curves_gen.rs`).
    public static let slope128 = -0.025696778711484593
    public static let bias128 = 2.675931372549016
    /// Below this dimension no noise is secure.
    public static let minimalDimension = 450

    /// log2 of the minimal standard deviation (torus) for an LWE of dimension `dimension`,
    /// or `log2Modulus` (i.e. impossible) when the dimension is below the curve's minimum.
    public static func minimalLog2StandardDeviation(dimension: Int) -> Double {
        guard dimension >= minimalDimension else { return log2Modulus }
        return max(slope128 * Double(dimension) + bias128, 2 - log2Modulus)
    }

    /// Minimal standard deviation (torus) for dimension `dimension` at 128-bit security.
    public static func minimalStandardDeviation(dimension: Int) -> Double {
        exp2(minimalLog2StandardDeviation(dimension: dimension))
    }

    /// Minimal variance (torus) for dimension `dimension` at 128-bit security.
    public static func minimalVariance(dimension: Int) -> Double {
        exp2(2 * minimalLog2StandardDeviation(dimension: dimension))
    }
}
