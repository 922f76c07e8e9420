import Foundation
import Testing
@_spi(KeyHolder) @testable import FHECore

/// Split-key Fourier products (`FourierPrecision.split`; exact PBS on a real split set: BootstrapTests): the FFT
/// error gone from the measured blind-rotation noise, the per-coefficient FFT error within the model that decides when the split
/// rounds exactly, and the flag surviving every serialization.
@Suite struct SplitFourierKeyTests {
    /// The benchmark MLP's set at rounding 5 (128-bit).
    static let realSplitSet = ParameterSet(lweDimension: 838, glweDimension: 1, polynomialSize: 4096, pbs: (2, 20), ks: (5, 3),
                                           fourierPrecision: .split)

    /// A toy shape whose whole-key noise is dominated by the FFT term (N = 4096, one level of base 2^24): with a
    /// split key the measured noise drops to the exact (key + rounding) part, as the model says (its FFT term is 2^−32 of the whole key's);
    /// with a whole key it is far above. The coefficients of one accumulator are correlated, so 16 bootstraps of
    /// n = 256 estimate it within about 15 % (measured spread 0.82–1.19 over five runs): [0.6, 1.5].
    @Test func splitKeyRemovesTheFFTErrorFromTheBlindRotation() {
        func toy(_ precision: FourierPrecision) -> ParameterSet {
            ParameterSet(lweDimension: 256, glweDimension: 1, polynomialSize: 4096, pbs: (1, 24), ks: (3, 4),
                         lweNoiseStandardDeviation: 0x1p-30, glweNoiseStandardDeviation: SecurityCurve.minimalStandardDeviation(dimension: 4096),
                         isInsecureTestSet: true, fourierPrecision: precision)
        }
        var measured: [FourierPrecision: Double] = [:]
        for precision in [FourierPrecision.standard, .split] {
            let (secret, keys) = TestKeys.shared.keys(toy(precision))
            measured[precision] = NoiseMeasurement.blindRotationVariance(secret: secret, keys: keys, bootstraps: 16)
        }
        let split = measured[.split]!, whole = measured[.standard]!
        let ratio = split / NoiseModel.pbsOutputVariance(for: toy(.split))
        #expect(ratio > 0.6 && ratio < 1.5, "split measured/model = \(ratio)")
        #expect(whole / NoiseModel.pbsOutputVariance(for: toy(.standard)) < 1.2)
        #expect(whole > 16 * split, "whole-key noise 2^\(log2(whole)) vs split 2^\(log2(split))")
    }

    /// The per-coefficient f64 error of this engine's external product is within [1/8, 1] of
    /// `NoiseModel.fftCoefficientVariance`, which decides whether a split rounds exactly.
    @Test(arguments: [(3, 512, 18, 1), (2, 1024, 23, 1), (1, 2048, 23, 1), (2, 2048, 15, 2), (1, 4096, 20, 2)])
    func fftErrorPerCoefficientIsWithinTheModel(shape: (Int, Int, Int, Int)) {
        let (k, n, beta, l) = shape
        let measured = NoiseMeasurement.fftErrorVariance(
            glweDimension: GLWEDimension(k), polynomialSize: PolynomialSize(n),
            decomposition: DecompositionParameters(baseLog: beta, levelCount: l), trials: 1)
        let model = NoiseModel.fftCoefficientVariance(glweDimension: k, polynomialSize: n, baseLog: beta, levelCount: l)
        #expect(measured <= model && measured >= model / 8, "k=\(k) N=\(n) β=\(beta) l=\(l): measured/model = \(measured / model)")
    }

    /// Large digits on large N leave the top part's error too close to its grid: the model refuses the split there.
    @Test func splitIsRefusedWhereItWouldNotRoundExactly() {
        #expect(NoiseModel.splitKeyRoundsExactly(glweDimension: 1, polynomialSize: 8192, baseLog: 22, levelCount: 1))
        #expect(!NoiseModel.splitKeyRoundsExactly(glweDimension: 1, polynomialSize: 8192, baseLog: 30, levelCount: 1))
        let refused = NoiseModel.cmuxVarianceTerms(glweDimension: 1, polynomialSize: 8192, baseLog: 30, levelCount: 1,
                                                   bootstrapKeyVariance: 0x1p-124, fourierPrecision: .split)
        #expect(refused.total == .infinity)
    }

    /// Wire and JSON keep the flag; a standard set's JSON has no `fourierPrecision` key, so bundles written before
    /// it existed decode as standard.
    @Test func theFlagSurvivesWireAndJSON() throws {
        let split = Self.realSplitSet
        #expect(try ParameterSet(wire: split.wire, field: "p") == split)
        #expect(try JSONDecoder().decode(ParameterSet.self, from: JSONEncoder().encode(split)) == split)
        let standard = split.with(fourierPrecision: .standard)
        #expect(standard != split)
        #expect(try ParameterSet(wire: standard.wire, field: "p") == standard)
        let json = try JSONEncoder().encode(standard)
        #expect(!String(decoding: json, as: UTF8.self).contains("fourierPrecision"))
        #expect(try JSONDecoder().decode(ParameterSet.self, from: json).fourierPrecision == .standard)
        #expect(split.description.contains("fft=split") && !standard.description.contains("fft=split"))
    }
}
