// In-memory cache of prepared (Fourier-domain) keys, least recently used out first: preparing a
// bootstrap key costs far more than a request, so it is done once per key id while it stays hot.
import FHECore
import Foundation

/// Prepared keys by key id.
actor PreparedKeyCache {
    private let capacity: Int
    private var entries: [String: (keys: any PreparedEvaluationKeys, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Bytes held by cached keys.
    var byteCount: Int { entries.values.reduce(0) { $0 + $1.keys.byteCount } }

    /// The prepared keys of `id`, preparing them with `make` on a miss.
    func keys(id: String, make: @Sendable () async throws -> any PreparedEvaluationKeys) async throws -> any PreparedEvaluationKeys {
        clock += 1
        if let hit = entries[id] {
            entries[id] = (hit.keys, clock)
            return hit.keys
        }
        let keys = try await make()
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            entries[oldest] = nil
        }
        entries[id] = (keys, clock)
        return keys
    }
}

/// Counts evaluations in flight and refuses past the limit.
actor EvaluationLimiter {
    private let limit: Int
    private var running = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `work` if a slot is free.
    /// - Throws: `ServerError` 429 when all slots are busy.
    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        guard running < limit else {
            throw ServerError(.tooManyRequests, code: "server.busy",
                              "\(limit) evaluations already running; retry later")
        }
        running += 1
        defer { running -= 1 }
        return try await work()
    }
}
