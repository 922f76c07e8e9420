// Pareto fronts of gadget decompositions, docs/PARAMETERS.md#search (Concrete
// `optimization/decomposition/{cmux,keyswitch}.rs`): for each level count, the base log of least noise,
// kept only when it beats every cheaper level count. Costs increase and noises decrease along a front.
import FHECore

/// One bootstrap decomposition on the front of a (k, N): per-CMUX cost and variance.
public struct CMUXCandidate: Hashable, Sendable {
    /// l of the bootstrap key.
    public let levelCount: Int
    /// β of the bootstrap key.
    public let baseLog: Int
    /// Whole or split key polynomials in the Fourier products.
    public let fourierPrecision: FourierPrecision
    /// C_CMUX; a PBS costs n times this.
    public let cost: Double
    /// V_CMUX with the curve's minimal bootstrap-key noise; V_BR is n times this.
    public let variance: Double
}

/// One keyswitch decomposition on the front of an n: cost affine in the input dimension, variance
/// linear in it.
public struct KeyswitchCandidate: Hashable, Sendable {
    /// l of the keyswitch key.
    public let levelCount: Int
    /// β of the keyswitch key.
    public let baseLog: Int
    /// C_KS at input dimension 0 (= −n).
    public let costBias: Double
    /// C_KS per input dimension (= l·(2n + 3)).
    public let costSlope: Double
    /// V_ks1, the variance per input coefficient with the curve's minimal keyswitch-key noise.
    public let variancePerInputCoefficient: Double

    /// C_KS from an input dimension (k·N).
    public func cost(inputDimension: Int) -> Double { costBias + Double(inputDimension) * costSlope }
    /// V_KS from an input dimension (k·N).
    public func variance(inputDimension: Int) -> Double { Double(inputDimension) * variancePerInputCoefficient }
}

/// Builds the decomposition fronts (docs/PARAMETERS.md#search).
public enum DecompositionPareto {
    /// Levels and base logs range over 1…log2 q.
    static let maximalLevel = NoiseModel.log2CiphertextModulus
    /// A front ends after this many dominated level counts whose best base log is 1.
    static let maximalDominatedLevels = 16

    /// The front of bootstrap decompositions for GLWE dimension k and polynomial size 2^log2N, with
    /// bootstrap-key noise Var_min(k·N), over the Fourier precisions `precisions`: each precision's front, merged
    /// into one whose costs increase and noises decrease.
    public static func cmux(glweDimension k: Int, log2PolynomialSize: Int,
                            precisions: [FourierPrecision] = [.standard]) -> [CMUXCandidate] {
        let polynomialSize = 1 << log2PolynomialSize
        let keyVariance = SecurityCurve.minimalVariance(dimension: k * polynomialSize)
        let all = precisions.flatMap { precision in
            front { baseLog, level in
                NoiseModel.cmuxVarianceTerms(glweDimension: k, polynomialSize: polynomialSize, baseLog: baseLog,
                                             levelCount: level, bootstrapKeyVariance: keyVariance, fourierPrecision: precision).total
            } make: { level, baseLog, variance in
                CMUXCandidate(levelCount: level, baseLog: baseLog, fourierPrecision: precision,
                              cost: CostModel.cmux(glweDimension: k, polynomialSize: polynomialSize, levelCount: level,
                                                   fourierPrecision: precision),
                              variance: variance)
            }
        }
        guard precisions.count > 1 else { return all }
        // Cheapest first (ties: least noisy first); keep a candidate only when it is less noisy than every cheaper one.
        var merged: [CMUXCandidate] = []
        for candidate in all.sorted(by: { ($0.cost, $0.variance) < ($1.cost, $1.variance) })
        where candidate.variance < (merged.last?.variance ?? .infinity) {
            merged.append(candidate)
        }
        return merged
    }

    /// The front of keyswitch decompositions into the small key of dimension n, with keyswitch-key
    /// noise Var_min(n) plus, with `roundedKey` (this engine's evaluation form, `LWEKeyswitchKey`), its rounding.
    public static func keyswitch(lweDimension n: Int, roundedKey: Bool = true) -> [KeyswitchCandidate] {
        let keyVariance = NoiseModel.keyswitchKeyVariance(noiseVariance: SecurityCurve.minimalVariance(dimension: n),
                                                          outputDimension: n, rounded: roundedKey)
        return front { baseLog, level in
            NoiseModel.keyswitchVariancePerInputCoefficient(baseLog: baseLog, levelCount: level, keyswitchKeyVariance: keyVariance)
        } make: { level, baseLog, variance in
            let atZero = CostModel.keyswitch(inputDimension: 0, outputDimension: n, levelCount: level)
            let atOne = CostModel.keyswitch(inputDimension: 1, outputDimension: n, levelCount: level)
            return KeyswitchCandidate(levelCount: level, baseLog: baseLog, costBias: atZero, costSlope: atOne - atZero,
                                      variancePerInputCoefficient: variance)
        }
    }

    /// The scan shared by both fronts. For each level, the noise as a function of the base log has one
    /// minimum near the previous level's best base log, so the scan starts there and goes down until
    /// the noise rises.
    private static func front<Candidate>(
        variance: (_ baseLog: Int, _ level: Int) -> Double,
        make: (_ level: Int, _ baseLog: Int, _ variance: Double) -> Candidate
    ) -> [Candidate] {
        var candidates: [Candidate] = []
        var bestVarianceSoFar = Double.infinity
        var dominatedLevels = 0
        var previousBestBaseLog = maximalLevel
        for level in 1...maximalLevel {
            var levelVariance = Double.infinity
            var bestBaseLog = 0
            var baseLog = previousBestBaseLog
            while baseLog >= 1 {
                let v = variance(baseLog, level)
                if v > levelVariance { break }
                levelVariance = v
                bestBaseLog = baseLog
                baseLog -= 1
            }
            previousBestBaseLog = bestBaseLog
            if bestVarianceSoFar < levelVariance {
                if bestBaseLog == 1 {
                    dominatedLevels += 1
                    if dominatedLevels > maximalDominatedLevels { break }
                }
                continue
            }
            candidates.append(make(level, bestBaseLog, levelVariance))
            bestVarianceSoFar = levelVariance
        }
        return candidates
    }
}

/// Fronts already computed, by (k, log2 N) and by n; shared across searches of one compilation.
public struct DecompositionParetoCache: Sendable {
    private var cmuxFronts: [Int: [CMUXCandidate]] = [:]
    private var keyswitchFronts: [Int: [KeyswitchCandidate]] = [:]
    /// Whether keyswitch fronts assume this engine's rounded keyswitch keys (Concrete's 64-bit keys otherwise).
    public let roundedKeyswitchKeys: Bool

    /// An empty cache; `roundedKeyswitchKeys` false reproduces Concrete's choices (its keys stay 64-bit).
    public init(roundedKeyswitchKeys: Bool = true) { self.roundedKeyswitchKeys = roundedKeyswitchKeys }

    /// The bootstrap front of (k, log2 N) over `precisions`, computed once.
    public mutating func cmux(glweDimension k: Int, log2PolynomialSize: Int, precisions: [FourierPrecision]) -> [CMUXCandidate] {
        let key = precisions.reduce(k << 8 | log2PolynomialSize) { $0 << 2 | $1.keyParts }
        if let front = cmuxFronts[key] { return front }
        let front = DecompositionPareto.cmux(glweDimension: k, log2PolynomialSize: log2PolynomialSize, precisions: precisions)
        cmuxFronts[key] = front
        return front
    }

    /// The keyswitch front of n, computed once.
    public mutating func keyswitch(lweDimension n: Int) -> [KeyswitchCandidate] {
        if let front = keyswitchFronts[n] { return front }
        let front = DecompositionPareto.keyswitch(lweDimension: n, roundedKey: roundedKeyswitchKeys)
        keyswitchFronts[n] = front
        return front
    }
}
