import Foundation
import Testing
@testable import FHECore

/// The latency estimate's measurement: random keys of the set's exact shape, and a cache that measures each set once.
@Suite struct PBSTimingTests {
    @Test func randomKeysHaveTheSetsShape() {
        let parameters = ParameterSet.insecureToy(bits: 3)
        let keys = PBSTiming.randomKeys(parameters)
        #expect(keys.parameters == parameters)
        #expect(keys.keyswitchKey.inputDimension == parameters.bigLWEDimension)
        #expect(keys.keyswitchKey.outputDimension == parameters.lweDimension)
        #expect(keys.bootstrapKey.polynomialSize == parameters.polynomialSize)
        #expect(keys.bootstrapKey.decomposition == parameters.pbsDecomposition)
    }

    @Test func measurementIsPositiveAndCachedPerSet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cml-timing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = directory.appendingPathComponent("pbs-timings.json")
        let small = ParameterSet.insecureToy(bits: 2), larger = ParameterSet.insecureToy(bits: 5)
        let first = PBSTiming.cachedMeasurement(small, cache: cache)
        #expect(first.milliseconds > 0)
        #expect(first.instructionSet == InstructionSet.active.rawValue)
        // A second call reads the file: the very same figure, not a new measurement.
        #expect(PBSTiming.cachedMeasurement(small, cache: cache) == first)
        let other = PBSTiming.cachedMeasurement(larger, cache: cache)
        let stored = try JSONDecoder().decode([String: PBSTiming.Measurement].self, from: Data(contentsOf: cache))
        #expect(stored.count == 2)
        #expect(Set(stored.values.map(\.milliseconds)) == [first.milliseconds, other.milliseconds])
        // N = 1024 against N = 512 (insecureToy's polynomial sizes): the larger set costs more.
        #expect(other.milliseconds > first.milliseconds)
    }
}
