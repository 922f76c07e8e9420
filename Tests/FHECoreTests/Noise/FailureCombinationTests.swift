import Foundation
import Testing
import FHECore

/// Combination of independent failures and the TLU offset distribution (docs/NOISE.md#global-failure-probability).
@Suite struct FailureCombinationTests {
    @Test func combination() {
        #expect(NoiseModel.combineErrorProbabilities(0.5, 0.5) == 0.75)
        #expect(NoiseModel.repeatedErrorProbability(0.5, count: 1) == 0.5)
        #expect(NoiseModel.repeatedErrorProbability(0.5, count: 2) == 0.75)
        #expect(NoiseModel.repeatedErrorProbability(0.3, count: 0) == 0)
    }

    @Test(arguments: [(1e-5, 10_000), (1e-3, 100), (1e-11, 100), (0.01, 1000), (exp2(-40), 1_000_000), (0.2, 37)])
    func repeatedMatchesClosedForm(p: Double, count: Int) {
        let expected = -expm1(Double(count) * log1p(-p))
        let actual = NoiseModel.repeatedErrorProbability(p, count: count)
        #expect(abs(actual - expected) / expected < 1e-9, "1 − (1 − \(p))^\(count) = \(expected), got \(actual)")
    }

    @Test func globalAndLocalAreInverse() {
        let global = NoiseModel.globalErrorProbability([(1e-6, 300), (2e-7, 1000)])
        let expected = -expm1(300 * log1p(-1e-6) + 1000 * log1p(-2e-7))
        #expect(abs(global / expected - 1) < 1e-9)
        let local = NoiseModel.localErrorProbability(global: 1e-5, count: 704)
        #expect(abs(NoiseModel.repeatedErrorProbability(local, count: 704) / 1e-5 - 1) < 1e-9)
    }

    @Test func tluOffsetsSumToFailure() {
        // A variance that fails often enough to show several offsets.
        let distribution = TLUErrorDistribution(precision: 4, inputVariance: exp2(-12))
        let sum = 2 * distribution.positiveOffsetProbabilities.reduce(0, +)
        #expect(abs(sum - distribution.failureProbability) / distribution.failureProbability < 1e-9)
        // Off by ±1 dominates.
        #expect(distribution.probability(ofOffset: 1) > 100 * distribution.probability(ofOffset: 2))
        #expect(distribution.probability(ofOffset: -1) == distribution.probability(ofOffset: 1))
        #expect(abs(distribution.probability(ofOffset: 0) + distribution.failureProbability - 1) < 1e-15)
    }

    @Test func tluFailureOfConcreteSet() {
        // The v0 4-bit row fails at 6.30e−5 per TLU (`v0_last_128`).
        let set = ParameterSet(lweDimension: 801, glweDimension: 2, polynomialSize: 1024, pbs: (1, 23), ks: (3, 4))
        let distribution = TLUErrorDistribution.forTLU(parameters: set, precision: 4, squaredNorm: 1)
        #expect(abs(distribution.failureProbability - 6.30e-5) < 0.05e-5)
        #expect(distribution.probability(ofOffset: 1) > 0.4999 * distribution.failureProbability)
    }
}
