// Several parameter sets in one circuit (docs/PARAMETERS.md#partitions): groups are partitioned by precision,
// each partition gets its own set, and TLUs fed across partitions keyswitch from the source
// partition's big key straight into their own small key (one extra keyswitch key per pair).
import FHECore

extension CircuitParameterSelection {
    /// Above this many distinct precisions only the split per precision and the two-part splits are tried.
    static let exhaustiveSplitLimit = 5
    /// Rounds of the fixed point between partitions.
    static let partitionRounds = 8

    /// The cheapest partition of the groups by contiguous precision ranges, or nil when there is a single
    /// precision, when some group's sources are unknown, or when no split fits.
    static func bestPartitioning(_ request: CircuitParameterRequest, errorProbability: Double,
                                 cache: inout DecompositionParetoCache) -> CircuitParameters? {
        let groups = request.groups
        let precisions = Array(Set(groups.filter { $0.role == .tluInput }.map(\.precision))).sorted()
        guard precisions.count >= 2 else { return nil }
        // Cross-partition traffic needs to know who feeds whom.
        let tluIndexByName = Dictionary(groups.indices.filter { groups[$0].role == .tluInput }.map { (groups[$0].name, $0) },
                                        uniquingKeysWith: { first, _ in first })
        var sourceIndices: [[Int]] = []
        for group in groups {
            guard let sources = group.sources else { return nil }
            let indices = sources.compactMap { tluIndexByName[$0] }
            guard indices.count == sources.count else { return nil }
            sourceIndices.append(indices)
        }
        var best: CircuitParameters?
        for cuts in splits(count: precisions.count) {
            // cuts[i] is the partition of precisions[i].
            let partitionOfPrecision = Dictionary(uniqueKeysWithValues: zip(precisions, cuts))
            guard let assignment = assign(groups, sourceIndices: sourceIndices, partitionOfPrecision: partitionOfPrecision,
                                          partitionCount: (cuts.last ?? 0) + 1),
                  let sets = fixedPoint(request, assignment: assignment, errorProbability: errorProbability, cache: &cache)
            else { continue }
            let evaluated = PartitionAssignment(sets: sets, partitionOfGroup: assignment.partitionOfGroup,
                                                sourceOfGroup: assignment.sourceOfGroup)
                .evaluate(request, errorProbability: errorProbability)
            if let evaluated, evaluated.totalCost < (best?.totalCost ?? .infinity) { best = evaluated }
        }
        return best
    }

    /// Contiguous splits of `count` sorted precisions into at least two parts, as the partition index of
    /// each precision.
    static func splits(count: Int) -> [[Int]] {
        var result: [[Int]] = []
        if count <= exhaustiveSplitLimit {
            for mask in 1..<(1 << (count - 1)) {
                var partition = 0
                var cuts = [0]
                for i in 1..<count {
                    if mask & (1 << (i - 1)) != 0 { partition += 1 }
                    cuts.append(partition)
                }
                result.append(cuts)
            }
        } else {
            result.append(Array(0..<count))
            for cut in 1..<count { result.append((0..<count).map { $0 < cut ? 0 : 1 }) }
        }
        return result
    }

    /// Partition and source partition of every group; nil when a group is fed by several partitions
    /// (its dot product would mix keys) or an output has no TLU source.
    static func assign(_ groups: [ValueGroup], sourceIndices: [[Int]], partitionOfPrecision: [Int: Int],
                       partitionCount: Int) -> (partitionOfGroup: [Int], sourceOfGroup: [Int], partitionCount: Int)? {
        let tluPartition = groups.map { $0.role == .tluInput ? partitionOfPrecision[$0.precision] : nil }
        var partitionOfGroup: [Int] = []
        var sourceOfGroup: [Int] = []
        for (index, group) in groups.enumerated() {
            let sourcePartitions = Set(sourceIndices[index].compactMap { tluPartition[$0] })
            guard sourcePartitions.count <= 1 else { return nil }
            switch group.role {
            case .tluInput:
                let own = tluPartition[index]!
                partitionOfGroup.append(own)
                // Fed by circuit inputs only: they are encrypted under its own key.
                sourceOfGroup.append(sourcePartitions.first ?? own)
            case .decryptedOutput:
                guard let source = sourcePartitions.first else { return nil }
                partitionOfGroup.append(source)
                sourceOfGroup.append(source)
            }
        }
        return (partitionOfGroup, sourceOfGroup, partitionCount)
    }

    /// Searches each partition's set given the others' until none changes: a partition's TLUs fed
    /// across see the source set's V_BR and big key; a source partition must keep its consumers'
    /// inputs under V_max through their keyswitch and modulus switch. Partitions go from low to high
    /// precision, so a source is tightened before its consumers are searched again.
    static func fixedPoint(
        _ request: CircuitParameterRequest, assignment: (partitionOfGroup: [Int], sourceOfGroup: [Int], partitionCount: Int),
        errorProbability: Double, cache: inout DecompositionParetoCache
    ) -> [ParameterSet]? {
        let groups = request.groups
        var sets: [ParameterSet?] = Array(repeating: nil, count: assignment.partitionCount)
        for round in 0..<partitionRounds {
            // The first round gives every partition the set it would take alone; later rounds couple them.
            let coupled = round > 0
            var changed = false
            for partition in 0..<assignment.partitionCount {
                var constraints: [NoiseConstraint] = []
                var tlus: [CostObjective.TLUs] = []
                for (index, group) in groups.enumerated() {
                    let own = assignment.partitionOfGroup[index], source = assignment.sourceOfGroup[index]
                    let vMax = NoiseModel.maximalVariance(precision: group.precision, errorProbability: errorProbability)
                    if own == partition {
                        if coupled, source != own, let sourceSet = sets[source] {
                            constraints.append(NoiseConstraint(
                                precision: group.precision, squaredNorm: group.squaredNorm, maximalVariance: vMax, freshSquaredNorm: group.freshSquaredNorm,
                                blindRotation: .fixed(NoiseModel.pbsOutputVariance(for: sourceSet)),
                                keyswitch: .ownFrom(bigDimension: sourceSet.bigLWEDimension.rawValue), modulusSwitch: .own))
                            tlus.append(.init(count: group.count, keyswitchInputDimension: sourceSet.bigLWEDimension.rawValue))
                        } else {
                            constraints.append(group.ownConstraint(errorProbability: errorProbability))
                            if group.role == .tluInput { tlus.append(.init(count: group.count)) }
                        }
                    } else if coupled, source == partition, group.role == .tluInput, let consumer = sets[own] {
                        constraints.append(NoiseConstraint(
                            precision: group.precision, squaredNorm: group.squaredNorm, maximalVariance: vMax, freshSquaredNorm: group.freshSquaredNorm,
                            blindRotation: .own,
                            keyswitch: .fixedPerInputCoefficient(NoiseModel.keyswitchVariancePerInputCoefficient(
                                decomposition: consumer.ksDecomposition,
                                keyswitchKeyVariance: NoiseModel.keyswitchKeyVariance(
                                    noiseVariance: SecurityCurve.minimalVariance(dimension: consumer.lweDimension.rawValue),
                                    outputDimension: consumer.lweDimension.rawValue))),
                            modulusSwitch: .fixed(NoiseModel.modulusSwitchVariance(for: consumer))))
                    }
                }
                guard !constraints.isEmpty,
                      let found = ParameterOptimizer.cheapest(
                        constraints: constraints,
                        objective: CostObjective(levelledOperandCount: 0, tlus: tlus),
                        searchSpace: request.searchSpace, cache: &cache)
                else { return nil }
                if sets[partition] != found.parameters {
                    sets[partition] = found.parameters
                    changed = true
                }
            }
            if !changed { return sets.map { $0! } }
        }
        return nil
    }
}
