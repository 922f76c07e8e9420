// External product / CMUX / blind rotation noise, docs/NOISE.md#blind-rotation (Concrete
// `external_product_glwe.rs`, `cmux.rs`, `blind_rotate.rs`).
import Foundation

/// The terms of V_CMUX (docs/NOISE.md#blind-rotation), torus units.
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
    /// Empirical FFT error weight of Concrete (FFT_SCALING_WEIGHT, docs/NOISE.md#fft-error).
    public static let fftScalingWeight = -2.57722494

    /// The terms of V_CMUX for a GLWE of dimension k and size N, bootstrap gadget (β, l) and
    /// bootstrap-key variance `bootstrapKeyVariance` (docs/NOISE.md#blind-rotation).
    /// Raw integers because the parameter search also probes β·l ≥ 64 while scanning base logs.
    package static func cmuxVarianceTerms(
        glweDimension k: Int, polynomialSize: Int, baseLog: Int, levelCount: Int, bootstrapKeyVariance: Double,
        fourierPrecision: FourierPrecision = .standard
    ) -> CMUXVarianceTerms {
        precondition((1...6).contains(k), "the FFT noise fit (docs/NOISE.md#fft-error) holds for 1 ≤ k ≤ 6, got k = \(k)")
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
        // Split keys: the top part's product is rounded back exactly, the rest is 2^−h of the key, so its error
        // is 2^−2h of the whole product's (validated by NoiseMeasurement and `cml-bench fft-noise`).
        // That holds only while the top part's error stays far below half its grid step (else: unusable, ∞).
        let wholeKey = fftVariance(.concrete, glweDimension: k, polynomialSize: polynomialSize, baseLog: baseLog, levelCount: levelCount)
        let fft: Double = switch fourierPrecision {
        case .standard: wholeKey
        case .split:
            splitKeyRoundsExactly(glweDimension: k, polynomialSize: polynomialSize, baseLog: baseLog, levelCount: levelCount)
                ? exp2(-2 * Double(FourierPrecision.splitBits)) * wholeKey : .infinity
        }
        return CMUXVarianceTerms(keyNoise: keyNoise, rounding: rounding, fft: fft)
    }

    /// A fit of the f64 FFT error of one external product.
    public enum FFTErrorFit: String, Hashable, Sendable, CaseIterable {
        /// Concrete's: 2^(−2.577)·2^(2·(64−53))·l·B²·N²·(k+1) (modular).
        case concrete
        /// TFHE-rs' newer fit: 0.00705·2^(2·(64−53))·B²·l^1.01827·k^1.22003·N^2.22003·(k+1)^1.01827 (modular).
        case tfhers
    }

    /// The f64 error variance (torus) of each coefficient of an external product's output GLWE. V_FFT (docs/NOISE.md#fft-error) is
    /// the variance of the phase, which sums the body's error and k·N/2 mask errors on average (binary key):
    /// V_FFT / (1 + k·N/2). Twice Concrete's fit scaled so bounds this engine's measured values
    /// (`NoiseMeasurement.fftErrorVariance`, `cml-bench fft-noise`, docs/PERFORMANCE.md#noise-measurements).
    public static func fftCoefficientVariance(glweDimension k: Int, polynomialSize: Int, baseLog: Int, levelCount: Int) -> Double {
        2 * fftVariance(.concrete, glweDimension: k, polynomialSize: polynomialSize, baseLog: baseLog, levelCount: levelCount)
            / (1 + Double(k * polynomialSize) / 2)
    }

    /// True when a split key's top-part product is recovered exactly: its per-coefficient f64 error (whole-key
    /// estimate) has a standard deviation at most 1/16 of half the grid step 2^−h, so a rounding to the wrong
    /// multiple needs a 16σ deviation (below 2^−180 for a Gaussian) for any coefficient of any blind rotation.
    public static func splitKeyRoundsExactly(glweDimension k: Int, polynomialSize: Int, baseLog: Int, levelCount: Int) -> Bool {
        let halfStep = exp2(-Double(FourierPrecision.splitBits + 1))
        return fftCoefficientVariance(glweDimension: k, polynomialSize: polynomialSize, baseLog: baseLog, levelCount: levelCount)
            <= (halfStep / 16) * (halfStep / 16)
    }

    /// V_FFT of one external product (torus units) under `fit` (docs/NOISE.md#blind-rotation).
    public static func fftVariance(_ fit: FFTErrorFit, glweDimension k: Int, polynomialSize: Int, baseLog: Int, levelCount: Int) -> Double {
        let kd = Double(k), l = Double(levelCount), bigN = Double(polynomialSize)
        let base2 = exp2(Double(2 * baseLog))
        let lost2 = exp2(2 * Double(log2CiphertextModulus - fftPrecision))
        let modular: Double = switch fit {
        case .concrete:
            exp2(fftScalingWeight) * lost2 * l * base2 * (bigN * bigN) * (kd + 1)
        case .tfhers:
            0.00705 * lost2 * base2 * pow(l, 1.01827) * pow(kd, 1.22003) * pow(bigN, 2.22003) * pow(kd + 1, 1.01827)
        }
        return torusVariance(fromModular: modular)
    }

    /// The terms of V_CMUX (docs/NOISE.md#blind-rotation).
    public static func cmuxVarianceTerms(
        glweDimension: GLWEDimension, polynomialSize: PolynomialSize, decomposition: DecompositionParameters,
        bootstrapKeyVariance: Double, fourierPrecision: FourierPrecision = .standard
    ) -> CMUXVarianceTerms {
        cmuxVarianceTerms(
            glweDimension: glweDimension.rawValue, polynomialSize: polynomialSize.rawValue,
            baseLog: decomposition.baseLog.rawValue, levelCount: decomposition.levelCount.rawValue,
            bootstrapKeyVariance: bootstrapKeyVariance, fourierPrecision: fourierPrecision)
    }

    /// V_CMUX, the variance one CMUX adds to the accumulator, FFT error included (docs/NOISE.md#blind-rotation).
    public static func cmuxVariance(
        glweDimension: GLWEDimension, polynomialSize: PolynomialSize, decomposition: DecompositionParameters,
        bootstrapKeyVariance: Double, fourierPrecision: FourierPrecision = .standard
    ) -> Double {
        cmuxVarianceTerms(glweDimension: glweDimension, polynomialSize: polynomialSize, decomposition: decomposition,
                          bootstrapKeyVariance: bootstrapKeyVariance, fourierPrecision: fourierPrecision).total
    }

    /// V_BR = n·V_CMUX: the output variance of a blind rotation over an LWE of dimension n, hence of
    /// the PBS (independent of the input noise) (docs/NOISE.md#blind-rotation).
    public static func blindRotationVariance(
        lweDimension: LWEDimension, glweDimension: GLWEDimension, polynomialSize: PolynomialSize,
        decomposition: DecompositionParameters, bootstrapKeyVariance: Double, fourierPrecision: FourierPrecision = .standard
    ) -> Double {
        Double(lweDimension.rawValue)
            * cmuxVariance(glweDimension: glweDimension, polynomialSize: polynomialSize, decomposition: decomposition,
                           bootstrapKeyVariance: bootstrapKeyVariance, fourierPrecision: fourierPrecision)
    }

    /// V_BR of a parameter set with its bootstrap-key variance (σ_glwe², plus the rounding of the bodies): the variance
    /// of every PBS output (docs/NOISE.md#blind-rotation).
    public static func pbsOutputVariance(for parameters: ParameterSet) -> Double {
        blindRotationVariance(
            lweDimension: parameters.lweDimension, glweDimension: parameters.glweDimension,
            polynomialSize: parameters.polynomialSize, decomposition: parameters.pbsDecomposition,
            bootstrapKeyVariance: parameters.bootstrapKeyVariance, fourierPrecision: parameters.fourierPrecision)
    }
}
