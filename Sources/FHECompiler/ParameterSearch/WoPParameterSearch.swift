// The parameter search for WoP-PBS lookups (docs/LARGE-PRECISION.md#parameter-search): the cheapest WoP set
// whose one-bit decisions and output meet p_error, under the noise model of NoiseModel+WithoutPadding.swift.
import Foundation
import FHECore

/// A WoP set with its modelled noise and cost for one lookup.
public struct WoPSolution: Hashable, Sendable {
    /// The set.
    public let parameters: WoPParameters
    /// The lookup's variances at the steady state (its input is ν² times its own output's variance, or a fresh
    /// encryption's, whichever is larger).
    public let noise: WoPNoise
    /// Cost of one lookup (CostModel units).
    public let cost: Double
    /// p_error of one lookup under the model (the union of its decisions).
    public let errorProbability: Double
}

/// Search for WoP-PBS parameter sets.
public enum WoPParameterSearch {
    /// C_WoP of a p-bit lookup with `tables` output tables: p − 1 extraction PBS and p keyswitches, p·l_cb circuit-
    /// bootstrap PBS, their (k+1) packing keyswitches and GGSW transforms, and one vertical packing per table.
    public static func cost(_ parameters: WoPParameters, bits p: Int, tables: Int = 1, blocks: Int = 1) -> Double {
        let base = parameters.base
        let k = base.glweDimension.rawValue, n = base.polynomialSize.rawValue
        let lcb = parameters.circuitBootstrap.levelCount.rawValue
        let pbs = CostModel.pbs(lweDimension: base.lweDimension.rawValue, glweDimension: k, polynomialSize: n,
                                levelCount: base.pbsDecomposition.levelCount.rawValue)
        let keyswitch = CostModel.keyswitch(inputDimension: k * n, outputDimension: base.lweDimension.rawValue,
                                            levelCount: base.ksDecomposition.levelCount.rawValue)
        let packing = Double((k * n + 1) * parameters.packingKeyswitch.levelCount.rawValue * (k + 1) * n)
        let transforms = Double(lcb * (k + 1) * (k + 1)) * CostModel.fft(polynomialSize: n)
        let cmux = CostModel.cmux(glweDimension: k, polynomialSize: n, levelCount: lcb)
        let log2N = n.trailingZeroBitCount
        let cmuxes = Double((1 << max(0, p - log2N)) - 1 + min(p, log2N))
        let perBit = Double(lcb) * (pbs + Double(k + 1) * packing + transforms) + keyswitch
        return Double(p) * perBit + Double(p - blocks) * pbs + Double(tables) * cmuxes * cmux
    }

    /// C_WoP of a lookup on CRT blocks whose result is CRT blocks again (one vertical packing per output block).
    public static func cost(_ parameters: WoPParameters, encoding: CRTEncoding) -> Double {
        cost(parameters, bits: encoding.indexBits, tables: encoding.moduli.count, blocks: encoding.moduli.count)
    }

    /// The cheapest set for p-bit lookups fed by dot products of squared 2-norm `squaredNorm` over lookup outputs
    /// (and fresh encryptions), each failing with probability at most `errorProbability`; nil when none fits.
    /// The space: k·N ≤ 2^12 (the packing keyswitch grows with (k·N)²), n from `lweDimensions` in steps of 8.
    /// With `encoding`, the lookups read and write CRT blocks of that basis (p is then its index bits).
    public static func cheapest(
        bits p: Int, squaredNorm: Double, errorProbability: Double, encoding: CRTEncoding? = nil,
        lweDimensions: StrideThrough<Int> = stride(from: 512, through: 1200, by: 8)
    ) -> WoPSolution? {
        let p = encoding?.indexBits ?? p
        precondition((1...24).contains(p), "WoP lookups of 1…24 bits, got \(p)")
        let kappa = NoiseModel.kappa(errorProbability: errorProbability / Double(p))
        let decisionBound = NoiseModel.maximalVariance(precision: 0, errorProbability: errorProbability / Double(p))
        let cost = { (candidate: WoPParameters) in
            encoding.map { Self.cost(candidate, encoding: $0) } ?? Self.cost(candidate, bits: p)
        }
        var best: WoPSolution?
        for k in 1...3 {
            for log2N in 9...12 where k << log2N <= 1 << 12 {
                let n = 1 << log2N
                let bigN = k * n
                let glweVariance = SecurityCurve.minimalVariance(dimension: bigN)
                let fresh = squaredNorm * glweVariance
                let brFront = DecompositionPareto.cmux(glweDimension: k, log2PolynomialSize: log2N)
                for lwe in lweDimensions {
                    let modulusSwitch = NoiseModel.modulusSwitchVariance(lweDimension: lwe, log2PolynomialSize: log2N)
                    if modulusSwitch > decisionBound { continue }
                    let ksFront = DecompositionPareto.keyswitch(lweDimension: lwe)
                    for br in brFront.prefix(6) {
                        for ks in ksFront.prefix(12) {
                            let base = ParameterSet(lweDimension: lwe, glweDimension: k, polynomialSize: n,
                                                    pbs: (br.levelCount, br.baseLog), ks: (ks.levelCount, ks.baseLog))
                            if modulusSwitch + ks.variance(inputDimension: bigN) > decisionBound { continue }
                            // Lower bound of the cost without packing, circuit bootstrap levels ≥ 1.
                            if let best, cost(WoPParameters(base: base, circuitBootstrap: (1, 1), packingKeyswitch: (1, 1))) >= best.cost {
                                continue
                            }
                            let bootstrap = Double(lwe) * br.variance
                            for lpp in 1...3 {
                                let betaPP = bestBaseLog(levelCount: lpp) { beta in
                                    NoiseModel.packingKeyswitchVariance(
                                        inputDimension: bigN, decomposition: DecompositionParameters(baseLog: beta, levelCount: lpp),
                                        keyVariance: glweVariance, inputVariance: bootstrap)
                                }
                                let ggsw = NoiseModel.packingKeyswitchVariance(
                                    inputDimension: bigN, decomposition: DecompositionParameters(baseLog: betaPP, levelCount: lpp),
                                    keyVariance: glweVariance, inputVariance: bootstrap)
                                for lcb in 1...4 {
                                    let betaCB = bestBaseLog(levelCount: lcb) { beta in
                                        NoiseModel.cmuxVariance(glweDimension: GLWEDimension(k), polynomialSize: PolynomialSize(n),
                                                                decomposition: DecompositionParameters(baseLog: beta, levelCount: lcb),
                                                                bootstrapKeyVariance: ggsw)
                                    }
                                    let candidate = WoPParameters(base: base, circuitBootstrap: (lcb, betaCB), packingKeyswitch: (lpp, betaPP))
                                    let c = cost(candidate)
                                    if let best, c >= best.cost { continue }
                                    guard let solved = evaluate(candidate, bits: p, encoding: encoding, squaredNorm: squaredNorm, fresh: fresh,
                                                                decisionBound: decisionBound, kappa: kappa, cost: c)
                                    else { continue }
                                    best = solved
                                }
                            }
                        }
                    }
                }
            }
        }
        return best
    }

    /// The base log in 1…min(30, 63/l) of least `variance` for `levelCount` levels.
    static func bestBaseLog(levelCount l: Int, variance: (Int) -> Double) -> Int {
        (1...min(30, 63 / l)).min { variance($0) < variance($1) }!
    }

    /// The solution for `parameters` if every decision meets the bound at the steady state, else nil.
    static func evaluate(
        _ parameters: WoPParameters, bits p: Int, encoding: CRTEncoding?, squaredNorm: Double, fresh: Double, decisionBound: Double,
        kappa: Double, cost: Double
    ) -> WoPSolution? {
        let noiseOf = { (input: Double) in
            encoding.map { NoiseModel.withoutPaddingNoise(parameters: parameters, encoding: $0, inputVariance: input) }
                ?? NoiseModel.withoutPaddingNoise(parameters: parameters, bits: p, inputVariance: input)
        }
        let input = max(squaredNorm * noiseOf(0).outputVariance, fresh)
        let noise = noiseOf(input)
        guard noise.worstDecisionVariance <= decisionBound else { return nil }
        let failure = noise.decisionVariances.reduce(0) {
            $0 + NoiseModel.errorProbability(kappa: kappa, maximalVariance: decisionBound, variance: $1)
        }
        return WoPSolution(parameters: parameters, noise: noise, cost: cost, errorProbability: failure)
    }
}
