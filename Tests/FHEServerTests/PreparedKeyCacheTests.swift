import FHECore
@testable import FHEServer
import Foundation
import Testing

/// The prepared-key cache prepares each key id once, also when many first requests arrive together.
@Suite struct PreparedKeyCacheTests {
    /// Counts preparations.
    actor Counter {
        private(set) var count = 0
        func increment() { count += 1 }
    }

    @Test func concurrentMissesShareOnePreparation() async throws {
        let cache = PreparedKeyCache(capacity: 2)
        let counter = Counter()
        let make: @Sendable () async throws -> any PreparedEvaluationKeys = {
            await counter.increment()
            try await Task.sleep(for: .milliseconds(100))  // long enough for every request to miss
            return PreparedKeysDoubleForTests(byteCount: 7)
        }
        let keys = try await withThrowingTaskGroup(of: ObjectIdentifier.self) { group in
            for _ in 0..<8 { group.addTask { ObjectIdentifier(try await cache.keys(id: "a", make: make)) } }
            return try await group.reduce(into: Set<ObjectIdentifier>()) { $0.insert($1) }
        }
        #expect(await counter.count == 1 && keys.count == 1)
        #expect(await cache.byteCount == 7)
        // A hit prepares nothing; another id prepares once more.
        _ = try await cache.keys(id: "a", make: make)
        _ = try await cache.keys(id: "b", make: make)
        #expect(await counter.count == 2)
    }

    @Test func aFailedPreparationIsRetriedByTheNextRequest() async throws {
        let cache = PreparedKeyCache(capacity: 2)
        let counter = Counter()
        await #expect(throws: CancellationError.self) {
            try await cache.keys(id: "a") { await counter.increment(); throw CancellationError() }
        }
        let keys = try await cache.keys(id: "a") { await counter.increment(); return PreparedKeysDoubleForTests(byteCount: 3) }
        let preparations = await counter.count
        #expect(keys.byteCount == 3 && preparations == 2)
    }
}
