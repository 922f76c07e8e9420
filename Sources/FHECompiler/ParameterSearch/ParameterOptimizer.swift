// The parameter search of Concrete's v0 atomic-pattern optimizer, docs/PARAMETERS.md#search
// (`optimization/atomic_pattern.rs`), generalised to several noise constraints and TLU groups.
import FHECore

/// A parameter set found by the search, with the quantities it was chosen on.
public struct AtomicPatternSolution: Hashable, Sendable {
    /// The set (noise = curve minimum for each key, as Concrete).
    public let parameters: ParameterSet
    /// The objective's value (abstract operations, docs/PARAMETERS.md#cost-model).
    public let cost: Double
    /// V_BR: variance of every PBS output.
    public let pbsOutputVariance: Double
    /// V_KS from the set's own big key.
    public let keyswitchVariance: Double
    /// V_MS (plain switch).
    public let modulusSwitchVariance: Double
    /// max over constraints of V / V_max (≤ 1): how close the tightest constraint is.
    public let worstVarianceRatio: Double
}

/// Finds the cheapest TFHE parameters under the 128-bit curve and the noise model (docs/PARAMETERS.md#search).
public enum ParameterOptimizer {
    /// The cheapest (k, N, n, bootstrap and keyswitch decompositions) that satisfies every constraint,
    /// or nil when none does.
    ///
    /// Same order, cuts and tie-breaking as Concrete: k, then log2 N (skipped when the modulus switch at
    /// the smallest n already breaks a bound), then n ascending (stopped at the first n whose modulus
    /// switch breaks a bound: it grows with n), then the bootstrap front by increasing cost and the
    /// keyswitch front from least noisy to cheapest. A candidate replaces the best one when it costs no
    /// more and is either strictly cheaper or strictly less noisy. With `maximalSeededKeyBytes`, candidates whose
    /// seeded bootstrap key plus own keyswitch key exceed it are skipped.
    public static func cheapest(
        constraints: [NoiseConstraint], objective: CostObjective, searchSpace: ParameterSearchSpace = .cpu,
        maximalSeededKeyBytes: Int? = nil, cache: inout DecompositionParetoCache
    ) -> AtomicPatternSolution? {
        precondition(!constraints.isEmpty, "the search needs at least one noise constraint")
        let count = constraints.count
        let squaredNorms = constraints.map(\.squaredNorm)
        let freshSquaredNorms = constraints.map(\.freshSquaredNorm)
        let maximalVariances = constraints.map(\.maximalVariance)
        // The searched set's modulus switch adds to these: the smallest of their V_max bounds it.
        let modulusSwitchBound = constraints.filter(\.includesOwnModulusSwitch).map(\.maximalVariance).min() ?? .infinity
        let pbsCount = Double(objective.tluCount)
        let smallestN = searchSpace.lweDimensions.lowerBound

        var best: (k: Int, log2N: Int, n: Int, cmux: CMUXCandidate, ks: KeyswitchCandidate)?
        var bestCost = Double.infinity
        var bestRatio = Double.infinity
        var dotProduct = [Double](repeating: 0, count: count)
        var switchTerm = [Double](repeating: 0, count: count)

        for k in searchSpace.glweDimensions {
            for log2N in searchSpace.log2PolynomialSizes {
                if NoiseModel.modulusSwitchVariance(lweDimension: smallestN, log2PolynomialSize: log2N) > modulusSwitchBound {
                    continue
                }
                let cmuxFront = cache.cmux(glweDimension: k, log2PolynomialSize: log2N, precisions: searchSpace.fourierPrecisions)
                let bigDimension = k << log2N
                let freshVariance = SecurityCurve.minimalVariance(dimension: bigDimension)
                let levelledCost = Double(objective.levelledOperandCount * bigDimension)
                for n in searchSpace.lweDimensions {
                    let modulusSwitch = NoiseModel.modulusSwitchVariance(lweDimension: n, log2PolynomialSize: log2N)
                    if modulusSwitch > modulusSwitchBound { break }
                    let keyswitchFront = cache.keyswitch(lweDimension: n)
                    cmuxLoop: for cmux in cmuxFront {
                        // Along the front the noise decreases: a broken bound may hold further on.
                        let blindRotation = Double(n) * cmux.variance
                        for i in 0..<count {
                            let c = constraints[i]
                            switch c.blindRotation {
                            case .own: dotProduct[i] = blindRotation * squaredNorms[i]
                            case .fixed(let v): dotProduct[i] = v * squaredNorms[i]
                            }
                            dotProduct[i] += freshVariance * freshSquaredNorms[i]
                            switch c.modulusSwitch {
                            case .none: switchTerm[i] = 0
                            case .own: switchTerm[i] = modulusSwitch
                            case .fixed(let v): switchTerm[i] = v
                            }
                            if dotProduct[i] + switchTerm[i] > maximalVariances[i] { continue cmuxLoop }
                        }
                        // The cost increases along the front: nothing further can be cheaper.
                        let pbsCost = pbsCount * (Double(n) * cmux.cost)
                        if levelledCost + pbsCost > bestCost { break }
                        // With a budget: even with the fewest body bits the bootstrap key must fit.
                        if let budget = maximalSeededKeyBytes,
                           EvaluationKeySizes.seededBootstrapKeyBytes(
                            lweDimension: n, glweDimension: k, polynomialSize: 1 << log2N, levelCount: cmux.levelCount,
                            bodyBits: CircuitParameterSelection.minimalBodyBits) > budget { continue }
                        // From least noisy (most expensive) to cheapest keyswitch.
                        keyswitchLoop: for keyswitch in keyswitchFront.reversed() {
                            var keyswitchCost = 0.0
                            for tlus in objective.tlus {
                                keyswitchCost += Double(tlus.count) * keyswitch.cost(inputDimension: tlus.keyswitchInputDimension ?? bigDimension)
                            }
                            let cost = levelledCost + keyswitchCost + pbsCost
                            if cost > bestCost { continue }
                            var ratio = 0.0
                            // How much extra CMUX variance (from rounding the key's bodies) every bound still allows:
                            // the fewest body bits of this set (as CircuitParameterSelection.withRoundedBodies finds).
                            var extraCMUXVariance = Double.infinity
                            for i in 0..<count {
                                let keyswitchTerm: Double
                                switch constraints[i].keyswitch {
                                case .none: keyswitchTerm = 0
                                case .own: keyswitchTerm = keyswitch.variance(inputDimension: bigDimension)
                                case .ownFrom(let dimension): keyswitchTerm = keyswitch.variance(inputDimension: dimension)
                                case .fixedPerInputCoefficient(let v): keyswitchTerm = Double(bigDimension) * v
                                }
                                let total = dotProduct[i] + keyswitchTerm + switchTerm[i]
                                // Cheaper keyswitches are noisier: none of the rest fits.
                                if total > maximalVariances[i] { break keyswitchLoop }
                                ratio = max(ratio, total / maximalVariances[i])
                                if case .own = constraints[i].blindRotation, squaredNorms[i] > 0 {
                                    extraCMUXVariance = min(extraCMUXVariance,
                                                            (maximalVariances[i] - total) / (Double(n) * squaredNorms[i]))
                                }
                            }
                            if let budget = maximalSeededKeyBytes {
                                let bits = fewestBodyBits(glweDimension: k, polynomialSize: 1 << log2N, cmux: cmux,
                                                          extraCMUXVariance: extraCMUXVariance)
                                let bytes = EvaluationKeySizes.seededBootstrapKeyBytes(
                                    lweDimension: n, glweDimension: k, polynomialSize: 1 << log2N, levelCount: cmux.levelCount,
                                    bodyBits: bits)
                                    + EvaluationKeySizes.seededKeyswitchKeyBytes(inputDimension: bigDimension, levelCount: keyswitch.levelCount)
                                if bytes > budget { continue }
                            }
                            if cost < bestCost || ratio < bestRatio {
                                best = (k, log2N, n, cmux, keyswitch)
                                bestCost = cost
                                bestRatio = ratio
                            }
                        }
                    }
                }
            }
        }
        guard let best else { return nil }
        let parameters = ParameterSet(
            lweDimension: best.n, glweDimension: best.k, polynomialSize: 1 << best.log2N,
            pbs: (best.cmux.levelCount, best.cmux.baseLog), ks: (best.ks.levelCount, best.ks.baseLog),
            fourierPrecision: best.cmux.fourierPrecision)
        return AtomicPatternSolution(
            parameters: parameters, cost: bestCost, pbsOutputVariance: Double(best.n) * best.cmux.variance,
            keyswitchVariance: best.ks.variance(inputDimension: best.k << best.log2N),
            modulusSwitchVariance: NoiseModel.modulusSwitchVariance(lweDimension: best.n, log2PolynomialSize: best.log2N),
            worstVarianceRatio: bestRatio)
    }

    /// The fewest bootstrap-key body bits (a multiple of 8, at least `CircuitParameterSelection.minimalBodyBits`)
    /// whose rounding adds at most `extraCMUXVariance` to V_CMUX (the key-noise term of docs/NOISE.md#blind-rotation
    /// with the rounding's variance as key variance); 64 when none does.
    static func fewestBodyBits(glweDimension k: Int, polynomialSize: Int, cmux: CMUXCandidate, extraCMUXVariance: Double) -> Int {
        for bits in stride(from: CircuitParameterSelection.minimalBodyBits, to: 64, by: 8) {
            let added = NoiseModel.cmuxVarianceTerms(
                glweDimension: k, polynomialSize: polynomialSize, baseLog: cmux.baseLog, levelCount: cmux.levelCount,
                bootstrapKeyVariance: ParameterSet.bodyRoundingVariance(bits: bits)).keyNoise
            if added <= extraCMUXVariance { return bits }
        }
        return 64
    }
}
