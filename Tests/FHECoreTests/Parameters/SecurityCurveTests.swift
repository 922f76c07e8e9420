import Foundation
import Testing
import FHECore

@Suite struct SecurityCurveTests {
    // Check values of Concrete's 128-bit curve (docs/PARAMETERS.md#security-curve).
    @Test func curveCheckValues() {
        #expect(abs(SecurityCurve.minimalLog2StandardDeviation(dimension: 742) - -16.391) < 1e-3)
        #expect(abs(SecurityCurve.minimalStandardDeviation(dimension: 2048) - 9.1882e-16) / 9.1882e-16 < 1e-4)
        #expect(SecurityCurve.minimalStandardDeviation(dimension: 10 * 16384) == 2.168404344971009e-19)
        #expect(SecurityCurve.minimalLog2StandardDeviation(dimension: 449) == 64)
    }

    @Test(arguments: [
        (709, 3, 512, (1, 18), (3, 4)), (771, 1, 2048, (1, 23), (5, 3)),
        (944, 1, 8192, (1, 22), (4, 4)), (1054, 1, 32768, (2, 15), (5, 4)),
    ])
    func acceptsConcreteSets(set: (Int, Int, Int, (Int, Int), (Int, Int))) throws {
        let p = ParameterSet(lweDimension: set.0, glweDimension: set.1, polynomialSize: set.2, pbs: set.3, ks: set.4)
        try p.validateSecurity()
    }

    @Test func refusesNoiseBelowTheCurve() {
        // n = 771 needs σ ≥ 2^-17.137; 2^-20 is too little noise.
        let p = ParameterSet(lweDimension: 771, glweDimension: 1, polynomialSize: 2048, pbs: (1, 23), ks: (5, 3),
                             lweNoiseStandardDeviation: exp2(-20), glweNoiseStandardDeviation: 9.1882e-16,
                             isInsecureTestSet: false)
        #expect(throws: ParameterSecurityError.self) { try p.validateSecurity() }
        // A dimension below 450 is never secure, whatever the noise.
        let small = ParameterSet(lweDimension: 400, glweDimension: 1, polynomialSize: 2048, pbs: (1, 23), ks: (5, 3),
                                 lweNoiseStandardDeviation: 0.01, glweNoiseStandardDeviation: 1e-15, isInsecureTestSet: false)
        #expect(throws: ParameterSecurityError.self) { try small.validateSecurity() }
    }

    @Test func refusesTestSets() {
        let toy = ParameterSet(lweDimension: 600, glweDimension: 1, polynomialSize: 1024, pbs: (1, 23), ks: (5, 3),
                               lweNoiseStandardDeviation: 1e-5, glweNoiseStandardDeviation: 1e-12, isInsecureTestSet: true)
        #expect(throws: ParameterSecurityError.self) { try toy.validateSecurity() }
    }
}
