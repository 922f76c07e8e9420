// External product / CMUX / blind rotation noise, reference/tfhe.md §2.4 (Concrete
// `external_product_glwe.rs`, `cmux.rs`, `blind_rotate.rs`).
import Foundation

/// The terms of V_CMUX (reference/tfhe.md §2.4), torus units.
public struct CMUXVarianceTerms: Hashable, Sendable {
    /// l·(k+1)·N·(B²+2)/12·σ_bsk²: bootstrap-key noise times the digits.
    public let keyNoise: Double
    /// Rounding of the GLWE to β·l bits, times the key; also carries the negligible key-mean terms.
    public let rounding: Double
    /// The f64 FFT error (empirical fit of Concrete).
    public let fft: Double
    /// The CMUX output variance added to the accumulator.
    public var total: Double { keyNoise + rounding + fft }
}

extension NoiseModel {
    /// Empirical FFT error weight of Concrete (FFT_SCALING_WEIGHT, §2.4).
    public static let fftScalingWeight = -2.57722494

    /// The terms of V_CMUX for a GLWE of dimension k and size N, bootstrap gadget (β, l) and
    /// bootstrap-key variance `bootstrapKeyVariance` (§2.4).
    /// Raw integers because the parameter search also probes β·l ≥ 64 while scanning base logs.
    package static func cmuxVarianceTerms(
        glweDimension k: Int, polynomialSize: Int, baseLog: Int, levelCount: Int, bootstrapKeyVariance: Double
    ) -> CMUXVarianceTerms {
        precondition((1...6).contains(k), "the FFT noise fit of §2.4 holds for 1 ≤ k ≤ 6, got k = \(k)")
        let kd = Double(k)
        let base = exp2(Double(baseLog))
        let b2l = exp2(Double(2 * baseLog * levelCount))
        let levels = Double(levelCount)
        let bigN = Double(polynomialSize)
        let keyNoise = levels * (kd + 1) * bigN * (base * base + 2) / 12 * bootstrapKeyVariance
        let kN = kd * bigN
        let oneMinusKN = 1 - kN
        let rounding = (squaredModulus - b2l) / (24 * b2l)
            * (torusVariance(fromModular: 1) + kN * (binaryKeyVariance + binaryKeySquaredMean))
            + kN / 8 * binaryKeyVariance
            + 1.0 / 16 * (oneMinusKN * oneMinusKN) * binaryKeySquaredMean
        let lostBits = Double(log2CiphertextModulus - fftPrecision)
        let fftModular = exp2(fftScalingWeight) * exp2(2 * lostBits) * levels * base * base * (bigN * bigN) * (kd + 1)
        return CMUXVarianceTerms(keyNoise: keyNoise, rounding: rounding, fft: torusVariance(fromModular: fftModular))
    }

    /// The terms of V_CMUX (§2.4).
    public static func cmuxVarianceTerms(
        glweDimension: GLWEDimension, polynomialSize: PolynomialSize, decomposition: DecompositionParameters,
        bootstrapKeyVariance: Double
    ) -> CMUXVarianceTerms {
        cmuxVarianceTerms(
            glweDimension: glweDimension.rawValue, polynomialSize: polynomialSize.rawValue,
            baseLog: decomposition.baseLog.rawValue, levelCount: decomposition.levelCount.rawValue,
            bootstrapKeyVariance: bootstrapKeyVariance)
    }

    /// V_CMUX, the variance one CMUX adds to the accumulator, FFT error included (§2.4).
    public static func cmuxVariance(
        glweDimension: GLWEDimension, polynomialSize: PolynomialSize, decomposition: DecompositionParameters,
        bootstrapKeyVariance: Double
    ) -> Double {
        cmuxVarianceTerms(glweDimension: glweDimension, polynomialSize: polynomialSize, decomposition: decomposition,
                          bootstrapKeyVariance: bootstrapKeyVariance).total
    }

    /// V_BR = n·V_CMUX: the output variance of a blind rotation over an LWE of dimension n, hence of
    /// the PBS (independent of the input noise) (§2.4).
    public static func blindRotationVariance(
        lweDimension: LWEDimension, glweDimension: GLWEDimension, polynomialSize: PolynomialSize,
        decomposition: DecompositionParameters, bootstrapKeyVariance: Double
    ) -> Double {
        Double(lweDimension.rawValue)
            * cmuxVariance(glweDimension: glweDimension, polynomialSize: polynomialSize, decomposition: decomposition,
                           bootstrapKeyVariance: bootstrapKeyVariance)
    }

    /// V_BR of a parameter set with its own GLWE noise σ_glwe² as bootstrap-key variance: the variance
    /// of every PBS output (§2.4).
    public static func pbsOutputVariance(for parameters: ParameterSet) -> Double {
        blindRotationVariance(
            lweDimension: parameters.lweDimension, glweDimension: parameters.glweDimension,
            polynomialSize: parameters.polynomialSize, decomposition: parameters.pbsDecomposition,
            bootstrapKeyVariance: parameters.glweNoiseStandardDeviation * parameters.glweNoiseStandardDeviation)
    }
}
