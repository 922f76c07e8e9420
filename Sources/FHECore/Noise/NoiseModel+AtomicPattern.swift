// What the optimizer checks for one TLU of the KS-PBS atomic pattern, docs/NOISE.md#atomic-pattern.

/// The variance at the input of a TLU's blind rotation, split by origin (docs/NOISE.md#atomic-pattern).
public struct TLUInputVariance: Hashable, Sendable {
    /// ν²·V_BR: the dot product of PBS outputs feeding the TLU.
    public let dotProduct: Double
    /// V_KS: keyswitch from the big key to the small key.
    public let keyswitch: Double
    /// V_MS: modulus switch to 2N.
    public let modulusSwitch: Double
    /// The sum, compared with V_max(p, p_error).
    public var total: Double { dotProduct + keyswitch + modulusSwitch }
}

extension NoiseModel {
    /// V_in = ν²·V_BR + V_KS + V_MS, the variance the blind rotation of a TLU sees when its input is a
    /// dot product of squared 2-norm ν² over PBS outputs (docs/NOISE.md#atomic-pattern). Fresh inputs have
    /// Var_min(k·N) ≤ V_BR, so ν²·V_BR bounds them too.
    public static func tluInputVariance(
        squaredNorm: Double, pbsOutputVariance: Double, keyswitchVariance: Double, modulusSwitchVariance: Double
    ) -> TLUInputVariance {
        TLUInputVariance(
            dotProduct: linearCombinationVariance(squaredNorm: squaredNorm, variance: pbsOutputVariance),
            keyswitch: keyswitchVariance, modulusSwitch: modulusSwitchVariance)
    }

    /// V_in of a TLU fed by a dot product of squared 2-norm `squaredNorm` under `parameters`, with
    /// the set's own key noises and the plain modulus switch (docs/NOISE.md#atomic-pattern).
    public static func tluInputVariance(for parameters: ParameterSet, squaredNorm: Double) -> TLUInputVariance {
        tluInputVariance(
            squaredNorm: squaredNorm, pbsOutputVariance: pbsOutputVariance(for: parameters),
            keyswitchVariance: keyswitchVariance(for: parameters), modulusSwitchVariance: modulusSwitchVariance(for: parameters))
    }
}
