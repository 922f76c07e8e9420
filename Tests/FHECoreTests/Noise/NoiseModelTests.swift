import Foundation
import Testing
import FHECore

/// The Concrete noise model (docs/NOISE.md) against check values from Concrete's and TFHE-rs'
/// code, tables and published parameter sets.
@Suite struct NoiseModelTests {
    /// A Concrete set (noise = curve minimum) from (k, N, n, br (l, β), ks (l, β)).
    static func concreteSet(k: Int, n: Int, bigN: Int, br: (Int, Int), ks: (Int, Int)) -> ParameterSet {
        ParameterSet(lweDimension: n, glweDimension: k, polynomialSize: bigN, pbs: br, ks: ks)
    }

    @Test func kappaCheckValues() {
        // κ = √2·erfc⁻¹(p_error) (docs/NOISE.md#failure-probability).
        let cases: [(Double, Double)] = [
            (6.3342483999973e-5, 4.0000), (1e-5, 4.4172), (exp2(-20), 4.9010), (exp2(-32), 6.3380),
            (exp2(-40), 7.1436), (exp2(-64), 9.1553), (exp2(-128), 13.1086),
        ]
        for (p, kappa) in cases {
            #expect(abs(NoiseModel.kappa(errorProbability: p) - kappa) < 5e-5, "κ(\(p))")
        }
    }

    @Test(arguments: [1e-300, 1e-100, 3e-39, 1e-12, 6.3342483999973e-5, 0.01, 0.3, 0.5, 0.9, 0.999999, 1.0, 1.2, 1.7, 1.999])
    func inverseComplementaryErrorFunctionRoundTrips(y: Double) {
        let x = ErrorFunction.inverseComplementary(y)
        // erfc is steep in the tail: compare y, relative, and x through the derivative.
        #expect(abs(erfc(x) - y) / y < 1e-13, "erfc(erfc⁻¹(\(y))) = \(erfc(x))")
    }

    @Test func inverseComplementaryErrorFunctionKnownValues() {
        // The "σ scale" values of Concrete's error.rs test: 1 − P(|X| < jσ) for j = 1…5.
        let inside = [0.682689492137, 0.954499736104, 0.997300203937, 0.999936657516, 0.999999426697]
        for (j, p) in inside.enumerated() {
            let kappa = NoiseModel.kappa(errorProbability: 1 - p)
            #expect(abs(kappa - Double(j + 1)) / Double(j + 1) < 1e-8, "κ for \(j + 1)σ")
        }
        #expect(ErrorFunction.inverseComplementary(1) == 0)
        #expect(abs(ErrorFunction.inverseComplementary(erfc(0.5)) - 0.5) < 1e-15)
    }

    @Test func maximalVarianceByPrecision() {
        // log2 σ_max = −(p+2) − log2 κ (docs/NOISE.md#failure-probability).
        for p in 1...8 {
            let expected = -Double(p + 2) - log2(NoiseModel.kappa(errorProbability: exp2(-40)))
            let vMax = NoiseModel.maximalVariance(precision: p, errorProbability: exp2(-40))
            #expect(abs(0.5 * log2(vMax) - expected) < 1e-12)
            // At V = V_max the error probability is p_error itself.
            #expect(abs(NoiseModel.errorProbability(precision: p, variance: vMax) / exp2(-40) - 1) < 1e-9)
        }
        #expect(abs(0.5 * log2(NoiseModel.maximalVariance(precision: 1, errorProbability: exp2(-64))) - -6.20) < 0.01)
        #expect(abs(0.5 * log2(NoiseModel.maximalVariance(precision: 8, errorProbability: 6.3342483999973e-5)) - -12.00) < 0.005)
    }

    @Test func modulusSwitchCheckValues() {
        // The formulas of docs/NOISE.md#modulus-switch, plain and centred.
        let a = (LWEDimension(918), PolynomialSize(2048))
        #expect(abs(log2(NoiseModel.modulusSwitchVariance(lweDimension: a.0, polynomialSize: a.1)) - -18.74) < 0.005)
        #expect(abs(log2(NoiseModel.centeredModulusSwitchVariance(lweDimension: a.0, polynomialSize: a.1)) - -19.74) < 0.005)
        let b = (LWEDimension(1006), PolynomialSize(1 << 14))
        #expect(abs(log2(NoiseModel.modulusSwitchVariance(lweDimension: b.0, polynomialSize: b.1)) - -24.61) < 0.005)
        #expect(abs(log2(NoiseModel.centeredModulusSwitchVariance(lweDimension: b.0, polynomialSize: b.1)) - -25.61) < 0.005)
    }

    @Test func blindRotationGolden() {
        // concrete-cpu's golden `security_variance_bootstrap_1` (`noise-model/src/gaussian_noise/noise/blind_rotate.rs`).
        let variance = NoiseModel.blindRotationVariance(
            lweDimension: LWEDimension(2048), glweDimension: GLWEDimension(2), polynomialSize: PolynomialSize(4096),
            decomposition: DecompositionParameters(baseLog: 24, levelCount: 2),
            bootstrapKeyVariance: SecurityCurve.minimalVariance(dimension: 8192))
        let modular = NoiseModel.modularVariance(fromTorus: variance)
        #expect(abs(modular / 4.078296369990673e31 - 1) < 1e-12)
    }

    @Test func keyswitchGolden() {
        // concrete-cpu's code (its stale golden test expects otherwise) for n_in = 2048, β = 24, l = 2, σ² = Var_min(512).
        let variance = NoiseModel.keyswitchVariance(
            inputDimension: LWEDimension(2048), decomposition: DecompositionParameters(baseLog: 24, levelCount: 2),
            keyswitchKeyVariance: SecurityCurve.minimalVariance(dimension: 512))
        #expect(abs(NoiseModel.modularVariance(fromTorus: variance) / 1.6009432788698912e49 - 1) < 1e-12)
    }

    @Test func cmuxBreakdown() {
        // TFHE-rs' 2_2 Gaussian 2^−64 set: the CMUX terms of docs/NOISE.md#blind-rotation.
        let sigma = 2.845267479601915e-15
        let terms = NoiseModel.cmuxVarianceTerms(
            glweDimension: GLWEDimension(1), polynomialSize: PolynomialSize(2048),
            decomposition: DecompositionParameters(baseLog: 23, levelCount: 1), bootstrapKeyVariance: sigma * sigma)
        #expect(abs(log2(terms.keyNoise) - -42.23) < 0.005)
        #expect(abs(log2(terms.rounding) - -40.58) < 0.005)
        #expect(abs(log2(terms.fft) - -39.58) < 0.005)
        #expect(abs(log2(terms.total) - -38.85) < 0.005)
        #expect(abs(log2(833 * terms.total) - -29.15) < 0.005)
    }

    @Test func atomicPatternCheckValues() {
        // Concrete's `v0_last_128` 4-bit and 8-bit rows at p_error 6.33e−5, ν = 1.
        let pError = 6.3342483999973e-5
        let rows: [(ParameterSet, Int, [Double], Double)] = [
            (Self.concreteSet(k: 2, n: 801, bigN: 1024, br: (1, 23), ks: (3, 4)), 4, [-30.11, -17.07, -16.94, -16.00], 6.30e-5),
            (Self.concreteSet(k: 1, n: 1006, bigN: 1 << 14, br: (2, 15), ks: (5, 4)), 8, [-38.43, -25.56, -24.61, -24.00], 6.1e-5),
        ]
        for (set, precision, logs, expectedP) in rows {
            let v = NoiseModel.tluInputVariance(for: set, squaredNorm: 1)
            #expect(abs(log2(v.dotProduct) - logs[0]) < 0.005, "V_BR of \(set)")
            #expect(abs(log2(v.keyswitch) - logs[1]) < 0.005, "V_KS of \(set)")
            #expect(abs(log2(v.modulusSwitch) - logs[2]) < 0.005, "V_MS of \(set)")
            #expect(abs(log2(NoiseModel.maximalVariance(precision: precision, errorProbability: pError)) - logs[3]) < 0.005)
            let p = NoiseModel.errorProbability(precision: precision, variance: v.total)
            #expect(abs(p - expectedP) < 0.05e-5, "p_error of \(set): \(p)")
            #expect(p <= pError)
        }
    }

    /// A TFHE-rs set given by its noise (`tfhe/src/shortint/parameters`): σ's in torus units.
    static func tfheRSSet(n: Int, k: Int, bigN: Int, lweSigma: Double, glweSigma: Double,
                          pbs: (Int, Int), ks: (Int, Int)) -> ParameterSet {
        ParameterSet(lweDimension: n, glweDimension: k, polynomialSize: bigN, pbs: pbs, ks: ks,
                     lweNoiseStandardDeviation: lweSigma, glweNoiseStandardDeviation: glweSigma, isInsecureTestSet: false)
    }

    /// σ (torus) of a T-uniform distribution of bound 2^b (modular), as TFHE-rs' `t_uniform.rs` defines it.
    static func tUniformSigma(_ b: Int) -> Double {
        ((exp2(Double(2 * b + 1)) + 1) / 6).squareRoot() / exp2(64)
    }

    @Test func tfheRSErrorProbabilitiesRecomputed() {
        // log2 p-fail from the formulas of docs/NOISE.md (ν² × output variance + KS + MS, bound 2^−(bits+2)),
        // against the recomputed value (same formulas, 0.06 bit) and TFHE-rs' claim (0.5 bit plain
        // MS, 2 bits centered MS where TFHE-rs uses its own FFT fit).
        struct Case { let set: ParameterSet; let bits: Int; let nu: Double; let centered: Bool; let recomputed: Double; let claimed: Double }
        let cases = [
            Case(set: Self.tfheRSSet(n: 833, k: 1, bigN: 2048, lweSigma: 3.6158408373309336e-6, glweSigma: 2.845267479601915e-15, pbs: (1, 23), ks: (5, 3)),
                 bits: 4, nu: 5, centered: false, recomputed: -63.6, claimed: -64.01),
            Case(set: Self.tfheRSSet(n: 796, k: 1, bigN: 2048, lweSigma: 6.8462551852215656e-6, glweSigma: 2.845267479601915e-15, pbs: (1, 23), ks: (5, 3)),
                 bits: 4, nu: 5, centered: false, recomputed: -40.3, claimed: -40.489),
            Case(set: Self.tfheRSSet(n: 977, k: 1, bigN: 8192, lweSigma: 3.0144389706858286e-7, glweSigma: 2.168404344971009e-19, pbs: (2, 15), ks: (6, 3)),
                 bits: 6, nu: 9, centered: false, recomputed: -64.17, claimed: -64.177),
            Case(set: Self.tfheRSSet(n: 742, k: 1, bigN: 2048, lweSigma: 7.069849454709433e-6, glweSigma: 2.9403601535432533e-16, pbs: (1, 23), ks: (5, 3)),
                 bits: 4, nu: 5, centered: false, recomputed: -40.06, claimed: -40),
            Case(set: Self.tfheRSSet(n: 879, k: 4, bigN: 512, lweSigma: Self.tUniformSigma(46), glweSigma: Self.tUniformSigma(17), pbs: (1, 23), ks: (3, 5)),
                 bits: 2, nu: 3, centered: true, recomputed: -144.32, claimed: -144.322),
            Case(set: Self.tfheRSSet(n: 1077, k: 1, bigN: 8192, lweSigma: Self.tUniformSigma(41), glweSigma: Self.tUniformSigma(3), pbs: (2, 15), ks: (5, 4)),
                 bits: 6, nu: 9, centered: true, recomputed: -128.94, claimed: -128.992),
            Case(set: Self.tfheRSSet(n: 837, k: 4, bigN: 512, lweSigma: 3.3747142481837397e-6, glweSigma: 2.845267479601915e-15, pbs: (1, 23), ks: (3, 5)),
                 bits: 2, nu: 3, centered: true, recomputed: -128.19, claimed: -128.186),
            Case(set: Self.tfheRSSet(n: 918, k: 1, bigN: 2048, lweSigma: Self.tUniformSigma(45), glweSigma: Self.tUniformSigma(17), pbs: (1, 23), ks: (4, 4)),
                 bits: 4, nu: 5, centered: true, recomputed: -127.7, claimed: -129.581),
            Case(set: Self.tfheRSSet(n: 866, k: 1, bigN: 2048, lweSigma: 2.046151696979124e-6, glweSigma: 2.845267479601915e-15, pbs: (1, 23), ks: (5, 3)),
                 bits: 4, nu: 5, centered: true, recomputed: -126.8, claimed: -128.597),
        ]
        for c in cases {
            let ms = c.centered
                ? NoiseModel.centeredModulusSwitchVariance(lweDimension: c.set.lweDimension, polynomialSize: c.set.polynomialSize)
                : NoiseModel.modulusSwitchVariance(for: c.set)
            let variance = NoiseModel.tluInputVariance(
                squaredNorm: c.nu * c.nu, pbsOutputVariance: NoiseModel.pbsOutputVariance(for: c.set),
                keyswitchVariance: NoiseModel.keyswitchVariance(for: c.set), modulusSwitchVariance: ms).total
            let log2P = log2(NoiseModel.errorProbability(precision: c.bits, variance: variance))
            #expect(abs(log2P - c.recomputed) < 0.06, "\(c.set): log2 p-fail \(log2P), recomputed \(c.recomputed)")
            #expect(abs(log2P - c.claimed) < (c.centered ? 2 : 0.5), "\(c.set): log2 p-fail \(log2P), TFHE-rs \(c.claimed)")
        }
    }

    @Test func linearOperations() {
        #expect(NoiseModel.linearCombinationVariance(weights: [3, -2, 1], variances: [1, 2, 4]) == 9 + 8 + 4)
        #expect(NoiseModel.linearCombinationVariance(squaredNorm: 14, variance: 0.5) == 7)
        #expect(NoiseModel.freshEncryptionVariance(dimension: 2048) == SecurityCurve.minimalVariance(dimension: 2048))
    }
}
