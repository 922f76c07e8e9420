@testable import FHEServer
import Foundation
import Testing

/// The server's evaluation limiter: past the running limit requests wait their turn in order, past the
/// queue they get 429, and every slot comes back.
@Suite struct EvaluationLimiterTests {
    /// A gate the test opens by hand, and a log of what ran, in order.
    actor Gate {
        private var open = false
        private var waiters: [CheckedContinuation<Void, Never>] = []
        private(set) var started: [Int] = []

        func pass(_ id: Int) async {
            started.append(id)
            if !open { await withCheckedContinuation { waiters.append($0) } }
        }

        func release() {
            open = true
            waiters.forEach { $0.resume() }
            waiters.removeAll()
        }
    }

    /// Request 1 holding the only slot at the gate, requests 2 and 3 queued behind it, in that order.
    static func oneRunningTwoQueued(_ limiter: EvaluationLimiter, _ gate: Gate)
        async -> (Task<Int, any Error>, Task<Int, any Error>, Task<Int, any Error>) {
        let first = Task { try await limiter.run { await gate.pass(1); return 1 } }
        while await gate.started.isEmpty { await Task.yield() }
        let second = Task { try await limiter.run { await gate.pass(2); return 2 } }
        while await limiter.queued < 1 { await Task.yield() }
        let third = Task { try await limiter.run { await gate.pass(3); return 3 } }
        while await limiter.queued < 2 { await Task.yield() }
        return (first, second, third)
    }

    @Test func burstsQueueInOrderAndOverflowGets429() async throws {
        let slots = SlotLog()
        let limiter = EvaluationLimiter(limit: 1, queueLimit: 2) { slots.append(($0, $1)) }
        let gate = Gate()
        let (first, second, third) = await Self.oneRunningTwoQueued(limiter, gate)

        // Slot busy and queue full: refused at once, with the limits in the message.
        let refused = await #expect(throws: ServerError.self) { try await limiter.run { 4 } }
        #expect(refused?.status == .tooManyRequests && refused?.code == "server.busy")
        #expect(await gate.started == [1])

        await gate.release()
        #expect(try await [first.value, second.value, third.value] == [1, 2, 3])
        #expect(await gate.started == [1, 2, 3])
        // All slots returned: a new request runs without waiting.
        #expect(try await limiter.run { 5 } == 5)
        #expect(await limiter.queued == 0)
        // What the metrics saw: one running, the queue filling to 2, draining, every slot back.
        #expect(slots.entries.map(\.queued).max() == 2 && slots.entries.map(\.running).max() == 1)
        #expect(slots.entries.last.map { $0.running == 0 && $0.queued == 0 } == true)
    }

    /// A request cancelled while queued does not run when its turn comes; the slot goes to the next one.
    @Test func cancelledWhileQueuedDoesNotRun() async throws {
        let limiter = EvaluationLimiter(limit: 1, queueLimit: 2)
        let gate = Gate()
        let (first, second, third) = await Self.oneRunningTwoQueued(limiter, gate)
        second.cancel()

        await gate.release()
        #expect(try await first.value == 1)
        await #expect(throws: CancellationError.self) { try await second.value }
        #expect(try await third.value == 3)
        #expect(await gate.started == [1, 3])
        #expect(try await limiter.run { 4 } == 4)
        #expect(await limiter.queued == 0)
    }
}

/// Collects the limiter's (running, queued) reports.
final class SlotLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [(running: Int, queued: Int)] = []
    func append(_ entry: (running: Int, queued: Int)) { lock.withLock { stored.append(entry) } }
    var entries: [(running: Int, queued: Int)] { lock.withLock { stored } }
}
