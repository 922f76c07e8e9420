// The v0 optimizer of Concrete (docs/PARAMETERS.md#search): one TLU of p bits fed by a dot product
// of squared 2-norm ν², at a per-TLU p_error; what the published v0 tables list.
import FHECore

/// The v0 answer for one TLU: the set and the p_error it really reaches.
public struct SingleTLUSolution: Hashable, Sendable {
    /// The chosen set and its noise/cost figures.
    public let solution: AtomicPatternSolution
    /// p_error of the TLU under the chosen set (≤ the target).
    public let errorProbability: Double
}

extension ParameterOptimizer {
    /// The cheapest set for one `precision`-bit TLU fed by a dot product of squared 2-norm
    /// `squaredNorm`, failing with probability at most `errorProbability`; the objective is
    /// `levelledOperandCount`·k·N + C_KS + C_PBS (Concrete's v0 tables use 4096 operands).
    /// - Throws: `ParameterSearchError` when the precision is out of range or nothing fits.
    public static func cheapestForSingleTLU(
        precision: Int, squaredNorm: Double, errorProbability: Double, levelledOperandCount: Int = 0,
        searchSpace: ParameterSearchSpace = .cpu, cache: inout DecompositionParetoCache
    ) throws -> SingleTLUSolution {
        let group = ValueGroup.tlus("TLU", precision: precision, squaredNorm: squaredNorm, count: 1)
        try ParameterSearchError.checkInputs(groups: [group], errorProbability: errorProbability)
        let constraint = group.ownConstraint(errorProbability: errorProbability)
        guard let solution = cheapest(constraints: [constraint],
                                      objective: CostObjective(levelledOperandCount: levelledOperandCount, tluCount: 1),
                                      searchSpace: searchSpace, cache: &cache)
        else {
            throw ParameterSearchError.diagnose(groups: [group], errorProbability: errorProbability,
                                                searchSpace: searchSpace, cache: &cache)
        }
        let variance = (solution.pbsOutputVariance * squaredNorm + solution.keyswitchVariance) + solution.modulusSwitchVariance
        let kappa = NoiseModel.kappa(errorProbability: errorProbability)
        let p = NoiseModel.errorProbability(kappa: kappa, maximalVariance: constraint.maximalVariance, variance: variance)
        return SingleTLUSolution(solution: solution, errorProbability: p)
    }

    /// `cheapestForSingleTLU` with a fresh cache of decomposition fronts.
    public static func cheapestForSingleTLU(
        precision: Int, squaredNorm: Double, errorProbability: Double, levelledOperandCount: Int = 0,
        searchSpace: ParameterSearchSpace = .cpu
    ) throws -> SingleTLUSolution {
        var cache = DecompositionParetoCache()
        return try cheapestForSingleTLU(precision: precision, squaredNorm: squaredNorm, errorProbability: errorProbability,
                                        levelledOperandCount: levelledOperandCount, searchSpace: searchSpace, cache: &cache)
    }
}
