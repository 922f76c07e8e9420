// Keyswitch noise, docs/NOISE.md#keyswitch (Concrete `keyswitch_one_bit.rs`, `keyswitch.rs`).
import Foundation

extension NoiseModel {
    /// Variance added per input mask coefficient by a keyswitch with gadget (β, l) and a keyswitch key
    /// of variance `keyswitchKeyVariance` (docs/NOISE.md#keyswitch): rounding of the coefficient to β·l bits times the
    /// binary key, plus the key noise times the digits.
    /// Raw integers because the parameter search also probes β·l ≥ 64 while scanning base logs.
    package static func keyswitchVariancePerInputCoefficient(
        baseLog: Int, levelCount: Int, keyswitchKeyVariance: Double
    ) -> Double {
        let base = exp2(Double(baseLog))
        let b2l = exp2(Double(2 * baseLog * levelCount))
        let rounding = (squaredModulus / (12 * b2l) - 1.0 / 12) * (binaryKeyVariance + binaryKeySquaredMean)
        let keyMean = 1.0 / 4 * binaryKeyVariance
        let keyNoise = Double(levelCount) * keyswitchKeyVariance * (base * base + 2) / 12
        return rounding + keyMean + keyNoise
    }

    /// Variance added per input mask coefficient by a keyswitch (docs/NOISE.md#keyswitch).
    public static func keyswitchVariancePerInputCoefficient(
        decomposition: DecompositionParameters, keyswitchKeyVariance: Double
    ) -> Double {
        keyswitchVariancePerInputCoefficient(
            baseLog: decomposition.baseLog.rawValue, levelCount: decomposition.levelCount.rawValue,
            keyswitchKeyVariance: keyswitchKeyVariance)
    }

    /// V_KS = n_in·V_ks1: variance added by keyswitching an LWE of dimension `inputDimension` (k·N)
    /// (docs/NOISE.md#keyswitch). The keyswitch key of Concrete has the curve's minimal variance for the output dimension.
    public static func keyswitchVariance(
        inputDimension: LWEDimension, decomposition: DecompositionParameters, keyswitchKeyVariance: Double
    ) -> Double {
        Double(inputDimension.rawValue)
            * keyswitchVariancePerInputCoefficient(decomposition: decomposition, keyswitchKeyVariance: keyswitchKeyVariance)
    }

    /// V_KS of a parameter set: big key (k·N) to small key (n), key noise σ_lwe² of the set (docs/NOISE.md#keyswitch).
    public static func keyswitchVariance(for parameters: ParameterSet) -> Double {
        keyswitchVariance(from: parameters, to: parameters)
    }

    /// V_KS from the big key of `source` to the small key of `target` with `target`'s gadget and key noise: a
    /// set's own keyswitch, or the cross keyswitch between partitions (docs/PARAMETERS.md#partitions).
    public static func keyswitchVariance(from source: ParameterSet, to target: ParameterSet) -> Double {
        keyswitchVariance(
            inputDimension: source.bigLWEDimension, decomposition: target.ksDecomposition,
            keyswitchKeyVariance: keyswitchKeyVariance(
                noiseVariance: target.lweNoiseStandardDeviation * target.lweNoiseStandardDeviation,
                outputDimension: target.lweDimension.rawValue))
    }

    /// The effective noise variance of the rows of a keyswitch key into a key of dimension n in its evaluation
    /// form (`LWEKeyswitchKey`): the encryption noise plus the rounding of every word to a multiple of 2^−32,
    /// uniform within ±2^−33 (variance 2^−64/12), on the body and on the n mask words, which meet the binary
    /// key (E[s²] = 1/2). With `rounded` false, the 64-bit key Concrete evaluates (its tables are reproduced so).
    public static func keyswitchKeyVariance(noiseVariance: Double, outputDimension n: Int, rounded: Bool = true) -> Double {
        rounded ? noiseVariance + exp2(-64) / 12 * (1 + Double(n) / 2) : noiseVariance
    }
}
