// Noise of the WoP-PBS (Bergerat et al., "Parameter Optimization and Larger Precision for (T)FHE", J. Cryptology
// 2023; docs/LARGE-PRECISION.md#noise): the one-bit decisions of the bit extraction, the GGSWs the
// circuit bootstrap makes, and the vertical packing's output.
import Foundation

/// The variances (torus units) of one WoP-PBS lookup.
public struct WoPNoise: Hashable, Sendable {
    /// What each decision of the bit extraction sees (its bit moved to the top, after keyswitch and modulus switch),
    /// scaled to a tolerance of q/4: each must stay within `NoiseModel.maximalVariance(precision: 0, …)`. The
    /// circuit bootstrap decides the same phases. Radix-2: bit i at index i; CRT: block by block, lowest bit first.
    public let decisionVariances: [Double]
    /// Each row of a circuit-bootstrapped GGSW.
    public let ggswVariance: Double
    /// The lookup's output LWE.
    public let outputVariance: Double

    /// The largest decision variance (bit 0's for all but degenerate sets).
    public var worstDecisionVariance: Double { decisionVariances.max() ?? 0 }
}

extension NoiseModel {
    /// V_PP, the variance of each coefficient of a private functional packing keyswitch's output GLWE (f_r(m) =
    /// −S_r·m or m, `CircuitBootstrapKey`) from an LWE of dimension `inputDimension` and variance `inputVariance`:
    /// the key's noise times the digits, the rounding of the input to β·l bits times f_r of the key, and f_r of the
    /// input's noise (worst row: the identity, which keeps it whole; −S_r·e keeps half on average).
    public static func packingKeyswitchVariance(
        inputDimension: Int, decomposition: DecompositionParameters, keyVariance: Double, inputVariance: Double
    ) -> Double {
        let base = exp2(Double(decomposition.baseLog.rawValue))
        let levels = Double(decomposition.levelCount.rawValue)
        let inputs = Double(inputDimension + 1)
        let keyNoise = levels * inputs * (base * base + 2) / 12 * keyVariance
        // Each coefficient is rounded to β·l bits (uniform, ±2^(−β·l−1)); the error meets κ_i = −s_i (E[s²] = 1/2)
        // or the body's 1.
        let roundingUnit = exp2(-2 * Double(decomposition.baseLog.rawValue * decomposition.levelCount.rawValue)) / 12
        let rounding = roundingUnit * (Double(inputDimension) / 2 + 1)
        return keyNoise + rounding + inputVariance
    }

    /// The variances of a p-bit WoP-PBS under `parameters` whose input has variance `inputVariance`.
    public static func withoutPaddingNoise(parameters: WoPParameters, bits p: Int, inputVariance: Double) -> WoPNoise {
        let base = parameters.base
        let bootstrap = pbsOutputVariance(for: base)
        let keyswitch = keyswitchVariance(for: base)
        let modulusSwitch = modulusSwitchVariance(for: base)
        // Decision i sees 2^(p−i)·(input noise + the i PBS outputs subtracted so far), then KS and MS.
        let decisions = (0..<p).map { i in
            exp2(2 * Double(p - i)) * (inputVariance + Double(i) * bootstrap) + keyswitch + modulusSwitch
        }
        // A GGSW row: the circuit bootstrap's PBS output, packed.
        let ggsw = packingKeyswitchVariance(
            inputDimension: base.bigLWEDimension.rawValue, decomposition: parameters.packingKeyswitch,
            keyVariance: base.glweNoiseStandardDeviation * base.glweNoiseStandardDeviation, inputVariance: bootstrap)
        // Every path of the vertical packing crosses p CMUXes (tree levels and rotations), each adding one external
        // product with a GGSW of variance `ggsw` in place of a bootstrap key's.
        let cmux = cmuxVariance(glweDimension: base.glweDimension, polynomialSize: base.polynomialSize,
                                decomposition: parameters.circuitBootstrap, bootstrapKeyVariance: ggsw)
        return WoPNoise(decisionVariances: decisions, ggswVariance: ggsw, outputVariance: Double(p) * cmux)
    }

    /// The variances of a WoP-PBS on CRT blocks (`CRTEncoding`) whose blocks have variance `inputVariance`.
    ///
    /// Bit j of a b-bit block is moved up by 2^(b−1−j). The first decision's margin is Δ/(2g) of the input (the
    /// extraction offset), q/(4g) once shifted, so its variance counts g² times against q/4; the later ones keep at
    /// least q/8 (the offset's fraction, halved at each bit), so theirs count 4 times.
    public static func withoutPaddingNoise(parameters: WoPParameters, encoding: CRTEncoding, inputVariance: Double) -> WoPNoise {
        let radix = withoutPaddingNoise(parameters: parameters, bits: encoding.indexBits, inputVariance: 0)
        let base = parameters.base
        let bootstrap = pbsOutputVariance(for: base)
        let keyswitch = keyswitchVariance(for: base)
        let modulusSwitch = modulusSwitchVariance(for: base)
        var decisions: [Double] = []
        for (b, m) in zip(encoding.blockBits, encoding.moduli) {
            let g = Double(m / gcd(m, 1 << b))
            for j in 0..<b {
                let variance = exp2(2 * Double(b - 1 - j)) * (inputVariance + Double(j) * bootstrap) + keyswitch + modulusSwitch
                decisions.append(variance * (j == 0 ? g * g : 4))
            }
        }
        return WoPNoise(decisionVariances: decisions, ggswVariance: radix.ggswVariance, outputVariance: radix.outputVariance)
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
