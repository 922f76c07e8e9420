// In-memory cache of prepared (Fourier-domain) keys, least recently used out first: preparing a
// bootstrap key costs far more than a request, so it is done once per key id while it stays hot.
import FHECore
import Foundation

/// Prepared keys by key id.
actor PreparedKeyCache {
    private let capacity: Int
    private var entries: [String: (keys: any PreparedEvaluationKeys, lastUse: UInt64)] = [:]
    /// Preparations under way. Concurrent misses on one id wait for the same preparation: without this, a
    /// burst of first requests prepared the same keys once each, all at once (the load test's memory peak).
    private var preparing: [String: Task<any PreparedEvaluationKeys, any Error>] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Bytes held by cached keys.
    var byteCount: Int { entries.values.reduce(0) { $0 + $1.keys.byteCount } }

    /// Drops the prepared keys of `id` (deleted, evicted or expired on the disk).
    func remove(id: String) {
        entries[id] = nil
    }

    /// The prepared keys of `id`, preparing them with `make` on a miss (once, however many requests miss).
    func keys(id: String, make: @escaping @Sendable () async throws -> any PreparedEvaluationKeys) async throws -> any PreparedEvaluationKeys {
        clock += 1
        if let hit = entries[id] {
            entries[id] = (hit.keys, clock)
            return hit.keys
        }
        if let pending = preparing[id] { return try await pending.value }
        let task = Task.detached { try await make() }
        preparing[id] = task
        defer { preparing[id] = nil }
        let keys = try await task.value
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            entries[oldest] = nil
        }
        entries[id] = (keys, clock)
        return keys
    }
}

/// Counts evaluations in flight. Past the limit a request waits its turn (first come, first served) in
/// a bounded queue, so that a burst of clients is served rather than refused; past the queue it is
/// refused with 429, so that waiting requests cannot pile up without bound.
actor EvaluationLimiter {
    private let limit: Int
    private let queueLimit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Told when nothing runs or waits any more (the drain).
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Told (running, queued) after every change, for the metrics.
    private let onChange: @Sendable (_ running: Int, _ queued: Int) -> Void

    /// Refusal code past the queue, and whose slots these are (for its message).
    private let busyCode: String, holder: String

    init(limit: Int, queueLimit: Int, busyCode: String = "server.busy", holder: String = "the server",
         onChange: @escaping @Sendable (_ running: Int, _ queued: Int) -> Void = { _, _ in }) {
        precondition(limit >= 1 && queueLimit >= 0, "limits must be positive")
        self.limit = limit
        self.queueLimit = queueLimit
        self.busyCode = busyCode
        self.holder = holder
        self.onChange = onChange
    }

    /// Requests waiting for a slot.
    var queued: Int { waiting.count }

    /// Whether a new request would run or wait rather than be refused with 429, and the slots in
    /// words (running and queued against their limits).
    var readiness: (accepting: Bool, summary: String) {
        (running < limit || waiting.count < queueLimit,
         "\(running) of \(limit) evaluations running, \(waiting.count) of \(queueLimit) queued")
    }

    /// Runs `work` when a slot is free, waiting for one if the queue has room.
    /// - Throws: `ServerError` 429 when all slots are busy and the queue is full; `CancellationError` when the
    ///   calling task was cancelled while it waited (`work` then never runs).
    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if running < limit {
            running += 1
            onChange(running, waiting.count)
        } else {
            guard waiting.count < queueLimit else {
                throw ServerError(.tooManyRequests, code: busyCode,
                                  "\(holder) has \(limit) evaluations running and \(queueLimit) waiting; retry later")
            }
            // `release` hands its slot straight to the first waiter, so `running` stays as it is.
            await withCheckedContinuation {
                waiting.append($0)
                onChange(running, waiting.count)
            }
            // A request cancelled while it waited (its client went away) gives its turn to the next one
            // instead of evaluating for nobody.
            if Task.isCancelled {
                release()
                throw CancellationError()
            }
        }
        defer { release() }
        return try await work()
    }

    /// Returns once no evaluation runs or waits.
    func waitUntilIdle() async {
        guard running > 0 || !waiting.isEmpty else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func release() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
        onChange(running, waiting.count)
        if running == 0 && waiting.isEmpty {
            for waiter in idleWaiters { waiter.resume() }
            idleWaiters = []
        }
    }
}

/// The evaluation slots of each token on this replica (`TokenRecord.maxConcurrentEvaluations` running,
/// `maxQueuedEvaluations` waiting, 429 `server.token_busy` beyond), taken before the server's own.
actor TokenLimiters {
    private var limiters: [String: EvaluationLimiter] = [:]

    /// Runs `work` within `owner`'s slots (without a token: at once).
    func run<T: Sendable>(for owner: KeyOwner, _ work: @Sendable () async throws -> T) async throws -> T {
        guard let token = owner.token else { return try await work() }
        let limiter = limiters[token.id] ?? EvaluationLimiter(
            limit: token.maxConcurrentEvaluations, queueLimit: token.maxQueuedEvaluations, busyCode: "server.token_busy",
            holder: "token \(token.id)")
        limiters[token.id] = limiter
        return try await limiter.run(work)
    }
}
