// Circuit-level parameter selection (docs/PARAMETERS.md#circuit-constraints, #global-failure-probability, #partitions):
// one parameter set for the whole circuit, or one per precision partition when that is cheaper, at a
// per-PBS p_error or a global p_error.
import Foundation
import FHECore

/// Chooses the parameters of a whole circuit.
public enum CircuitParameterSelection {
    /// At most this many searches when aiming at a global p_error (Concrete's MAXIMUM_OPTIMIZER_CALL).
    public static let maximalOptimizerCalls = 10

    /// The cheapest parameters for `request`.
    /// - Throws: `ParameterSearchError` naming the layer, precision, ν², p_error and the constraint
    ///   that failed, or the bad input.
    public static func select(_ request: CircuitParameterRequest) throws -> CircuitParameters {
        if request.errorProbability != nil && request.globalErrorProbability != nil {
            throw ParameterSearchError(layer: nil, precision: nil, squaredNorm: nil, errorProbability: nil, reason: .bothErrorTargets)
        }
        if let global = request.globalErrorProbability, !(global > 0 && global < 1) {
            throw ParameterSearchError(layer: nil, precision: nil, squaredNorm: nil, errorProbability: global,
                                       reason: .invalidErrorProbability(name: "--global-p-error"))
        }
        if request.groups.isEmpty {
            throw ParameterSearchError(layer: nil, precision: nil, squaredNorm: nil, errorProbability: nil, reason: .noValues)
        }
        let perPBS = request.errorProbability ?? request.globalErrorProbability ?? CircuitParameterRequest.defaultErrorProbability
        try ParameterSearchError.checkInputs(groups: request.groups, errorProbability: perPBS)
        var cache = DecompositionParetoCache()
        var calls = 1
        var result = try solve(request, errorProbability: perPBS, cache: &cache)
        guard let global = request.globalErrorProbability else { return result.with(calls: calls, global: nil) }

        // docs/PARAMETERS.md#global-failure-probability (Concrete's `getSolutionWithGlobalPError`): re-aim the per-PBS target from the effective
        // number of TLUs the last answer implies.
        var target = perPBS
        while result.globalErrorProbability > global && calls < maximalOptimizerCalls {
            if calls == maximalOptimizerCalls - 1 {
                // Last call: the uniform split is always enough, since every value meets the target.
                let values = request.groups.reduce(0) { $0 + $1.count }
                target = NoiseModel.localErrorProbability(global: global, count: Double(max(values, 1)))
            } else {
                let effectiveCount = log1p(-result.globalErrorProbability) / log1p(-result.maximalErrorProbability)
                var next = Double.nan
                if effectiveCount.isFinite && effectiveCount >= 1 {
                    next = NoiseModel.localErrorProbability(global: global, count: effectiveCount)
                }
                if !(next > 0 && next < 1) {
                    var correction = result.maximalErrorProbability < 0.1
                        ? result.maximalErrorProbability / result.globalErrorProbability : 0.1
                    if !(correction > 0 && correction < 1) { correction = 1e-5 }
                    next = target * correction
                }
                // Never loosen: the target only tightens until the global bound holds.
                target = min(next, target * (1 - 1e-12))
            }
            result = try solve(request, errorProbability: target, cache: &cache)
            calls += 1
        }
        if result.globalErrorProbability > global {
            throw ParameterSearchError(layer: nil, precision: nil, squaredNorm: nil, errorProbability: global,
                                       reason: .globalErrorNotReached(reached: result.globalErrorProbability))
        }
        return result.with(calls: calls, global: global)
    }

    /// Fewest bootstrap-key body bits tried (`ParameterSet.bootstrapKeyBodyBits`).
    static let minimalBodyBits = 32

    /// `result` with every set's bootstrap-key bodies rounded to the fewest bits (a multiple of 8, at least
    /// `minimalBodyBits`) that keep every group within its bound at the same per-PBS target, and the global
    /// failure probability within `global`: smaller seeded keys for the same cost, from the noise slack the
    /// chosen sets leave (large N have their key noise at the 2^−62 floor, far below what they need).
    static func withRoundedBodies(_ result: CircuitParameters, _ request: CircuitParameterRequest, global: Double?) -> CircuitParameters {
        var assignment = PartitionAssignment(sets: result.partitions.map(\.parameters),
                                             partitionOfGroup: result.groups.map(\.partition),
                                             sourceOfGroup: result.groups.map(\.sourcePartition))
        var best = result
        for p in assignment.sets.indices {
            for bits in stride(from: minimalBodyBits, to: 64, by: 8) {
                var trial = assignment
                trial.sets[p] = assignment.sets[p].with(bootstrapKeyBodyBits: bits)
                guard let evaluated = trial.evaluate(request, errorProbability: result.errorProbabilityTarget),
                      evaluated.globalErrorProbability <= (global ?? 1) else { continue }
                assignment = trial
                best = evaluated
                break
            }
        }
        return best
    }

    /// The cheaper of the mono-parameter answer and the best partition by precision, at a per-PBS target.
    static func solve(_ request: CircuitParameterRequest, errorProbability: Double,
                      cache: inout DecompositionParetoCache) throws -> CircuitParameters {
        // Key sizes and budgets count the bodies as sent, rounded.
        let global = request.globalErrorProbability
        var mono = monoParameter(request, errorProbability: errorProbability, cache: &cache)
            .map { withRoundedBodies($0, request, global: global) }
        var multi = request.allowsSeveralParameterSets
            ? bestPartitioning(request, errorProbability: errorProbability, cache: &cache).map { withRoundedBodies($0, request, global: global) }
            : nil
        if let budget = request.maximalSeededKeyBytes, let m = multi, m.keySizes.seededTotalBytes > budget { multi = nil }
        if let budget = request.maximalSeededKeyBytes, let m = mono, m.keySizes.seededTotalBytes > budget { mono = nil }
        switch (mono, multi) {
        case (let m?, let p?): return p.totalCost < m.totalCost ? p : m
        case (let m?, nil): return m
        case (nil, let p?): return p
        case (nil, nil):
            if let budget = request.maximalSeededKeyBytes {
                // Does anything fit without the budget? Then the budget is what failed: say how far off it is.
                var unbounded = request
                unbounded.maximalSeededKeyBytes = nil
                if let found = monoParameter(unbounded, errorProbability: errorProbability, cache: &cache) {
                    let free = withRoundedBodies(found, unbounded, global: global)
                    throw ParameterSearchError(layer: nil, precision: nil, squaredNorm: nil, errorProbability: errorProbability,
                                               reason: .keyBudget(budget: budget, cheapestNeeds: free.keySizes.seededTotalBytes))
                }
            }
            throw ParameterSearchError.diagnose(groups: request.groups, errorProbability: errorProbability,
                                                searchSpace: request.searchSpace, cache: &cache)
        }
    }

    /// One parameter set for every group: cost = levelled·k·N + #TLUs·(C_KS + C_PBS).
    static func monoParameter(_ request: CircuitParameterRequest, errorProbability: Double,
                              cache: inout DecompositionParetoCache) -> CircuitParameters? {
        let constraints = request.groups.map { $0.ownConstraint(errorProbability: errorProbability) }
        let tluCount = request.groups.filter { $0.role == .tluInput }.reduce(0) { $0 + $1.count }
        guard !constraints.isEmpty,
              let found = ParameterOptimizer.cheapest(
                constraints: constraints,
                objective: CostObjective(levelledOperandCount: request.levelledOperandCount, tluCount: tluCount),
                searchSpace: request.searchSpace, maximalSeededKeyBytes: request.maximalSeededKeyBytes, cache: &cache)
        else { return nil }
        let assignment = PartitionAssignment(
            sets: [found.parameters], partitionOfGroup: Array(repeating: 0, count: request.groups.count),
            sourceOfGroup: Array(repeating: 0, count: request.groups.count))
        return assignment.evaluate(request, errorProbability: errorProbability)
    }
}

/// Which parameter set bootstraps each group, and whose PBS outputs feed it.
struct PartitionAssignment {
    /// One set per partition.
    var sets: [ParameterSet]
    /// Partition index of each requested group.
    let partitionOfGroup: [Int]
    /// Partition index of the PBS outputs feeding each group.
    let sourceOfGroup: [Int]

    /// Variance of a group's values under the sets (docs/NOISE.md#atomic-pattern): ν²·V_BR of the source
    /// set, then the keyswitch from the source's big key into this partition's small key, then this
    /// partition's modulus switch; decrypted outputs stop after the dot product.
    func variance(of group: ValueGroup, at index: Int) -> Double {
        let own = sets[partitionOfGroup[index]]
        let source = sets[sourceOfGroup[index]]
        let dotProduct = NoiseModel.linearCombinationVariance(squaredNorm: group.squaredNorm,
                                                              variance: NoiseModel.pbsOutputVariance(for: source))
            + NoiseModel.linearCombinationVariance(squaredNorm: group.freshSquaredNorm,
                                                   variance: source.glweNoiseStandardDeviation * source.glweNoiseStandardDeviation)
        guard group.role == .tluInput else { return dotProduct }
        return dotProduct + NoiseModel.keyswitchVariance(from: source, to: own) + NoiseModel.modulusSwitchVariance(for: own)
    }

    /// Figures of the circuit under these sets; nil when a group breaks its bound (beyond the rounding
    /// between the curve's variance and the set's σ²).
    func evaluate(_ request: CircuitParameterRequest, errorProbability: Double) -> CircuitParameters? {
        var reports: [CircuitParameters.GroupReport] = []
        var failures: [(errorProbability: Double, count: Int)] = []
        var cost = 0.0
        var keySizes = EvaluationKeySizes.zero
        // Keyswitch keys in use, (source, target) partitions; (p, p) is a set's own big-to-small key.
        var keyswitchKeys: [(source: Int, target: Int)] = []
        var crossKeyswitches: [CircuitParameters.CrossKeyswitch] = []
        var tluCounts = Array(repeating: 0, count: sets.count)
        for (index, group) in request.groups.enumerated() {
            let partition = partitionOfGroup[index], source = sourceOfGroup[index]
            let variance = variance(of: group, at: index)
            let vMax = NoiseModel.maximalVariance(precision: group.precision, errorProbability: errorProbability)
            if variance > vMax * (1 + 1e-9) { return nil }
            let p = NoiseModel.errorProbability(precision: group.precision, variance: variance)
            reports.append(.init(group: group, partition: partition, sourcePartition: source, variance: variance,
                                 maximalVariance: vMax, errorProbability: p))
            failures.append((p, group.count))
            guard group.role == .tluInput else { continue }
            let own = sets[partition]
            tluCounts[partition] += group.count
            cost += Double(group.count) * (
                CostModel.keyswitch(inputDimension: sets[source].bigLWEDimension.rawValue, outputDimension: own.lweDimension.rawValue,
                                    levelCount: own.ksDecomposition.levelCount.rawValue)
                + CostModel.pbs(lweDimension: own.lweDimension.rawValue, glweDimension: own.glweDimension.rawValue,
                                polynomialSize: own.polynomialSize.rawValue, levelCount: own.pbsDecomposition.levelCount.rawValue,
                                fourierPrecision: own.fourierPrecision))
            if !keyswitchKeys.contains(where: { $0.source == source && $0.target == partition }) {
                keyswitchKeys.append((source, partition))
                keySizes = keySizes + .keyswitchKey(inputDimension: sets[source].bigLWEDimension.rawValue,
                                                    outputDimension: own.lweDimension.rawValue,
                                                    levelCount: own.ksDecomposition.levelCount.rawValue)
                if source != partition {
                    crossKeyswitches.append(CircuitParameters.CrossKeyswitch(
                        sourcePartition: source, targetPartition: partition, decomposition: own.ksDecomposition,
                        inputDimension: sets[source].bigLWEDimension.rawValue, outputDimension: own.lweDimension.rawValue))
                }
            }
        }
        // Only sets that bootstrap something need a bootstrap key.
        for (p, set) in sets.enumerated() where tluCounts[p] > 0 { keySizes = keySizes + .bootstrapKey(for: set) }
        // Levelled work is charged at the largest big key (exact with one set).
        let largestBigDimension = sets.map(\.bigLWEDimension.rawValue).max() ?? 0
        cost += CostModel.levelled(operandCount: request.levelledOperandCount, lweDimension: largestBigDimension)
        let partitions = sets.indices.map { p in
            CircuitParameters.Partition(
                parameters: sets[p], groupNames: request.groups.indices.filter { partitionOfGroup[$0] == p }.map { request.groups[$0].name },
                tluCount: tluCounts[p])
        }
        return CircuitParameters(
            partitions: partitions, crossKeyswitches: crossKeyswitches, groups: reports,
            errorProbabilityTarget: errorProbability, globalErrorProbabilityTarget: nil,
            maximalErrorProbability: reports.map(\.errorProbability).max() ?? 0,
            globalErrorProbability: NoiseModel.globalErrorProbability(failures),
            totalCost: cost, keySizes: keySizes, optimizerCalls: 1)
    }
}

extension CircuitParameters {
    /// The same answer with the search bookkeeping filled in.
    func with(calls: Int, global: Double?) -> CircuitParameters {
        CircuitParameters(
            partitions: partitions, crossKeyswitches: crossKeyswitches, groups: groups,
            errorProbabilityTarget: errorProbabilityTarget, globalErrorProbabilityTarget: global,
            maximalErrorProbability: maximalErrorProbability, globalErrorProbability: globalErrorProbability,
            totalCost: totalCost, keySizes: keySizes, optimizerCalls: calls)
    }
}

extension CircuitParameterSelection {
    /// The cheapest single parameter set for each GLWE shape (k, N) that fits `request` at the per-PBS target
    /// `errorProbability` (for a global p_error request, the target its search ended at), cheapest first: what
    /// `--verbose` shows next to the choice, so that a user who cares more about key size than latency sees
    /// what the other shapes would cost.
    public static func alternativeShapes(_ request: CircuitParameterRequest, errorProbability target: Double) -> [CircuitParameters] {
        var cache = DecompositionParetoCache()
        var found: [CircuitParameters] = []
        for k in request.searchSpace.glweDimensions {
            for log2N in request.searchSpace.log2PolynomialSizes {
                var restricted = request
                restricted.searchSpace = ParameterSearchSpace(
                    glweDimensions: k...k, log2PolynomialSizes: log2N...log2N, lweDimensions: request.searchSpace.lweDimensions,
                    fourierPrecisions: request.searchSpace.fourierPrecisions)
                if let answer = monoParameter(restricted, errorProbability: target, cache: &cache) {
                    found.append(withRoundedBodies(answer, restricted, global: request.globalErrorProbability))
                }
            }
        }
        return found.sorted { $0.totalCost < $1.totalCost }
    }
}
