import FHECore
@testable import FHEServer
import Foundation
import Testing

/// Keeps every core busy through the engine's `Parallel.forEach` with the workers the helper budget
/// grants, as the real evaluator does, until the test releases it (or `bound` passes, so that a server
/// which cannot answer while it evaluates fails the test instead of hanging it).
func busyUntilReleased(_ evaluator: ControlledEvaluatorForTests, bound: Duration) {
    let end = ContinuousClock.now + bound
    HelperThreadBudget.shared.withWorkers { workers in
        Parallel.forEach(count: Parallel.workerCount, workers: workers, makeState: { UInt64(1) }) { state, _ in
            while !evaluator.released && ContinuousClock.now < end {
                for _ in 0..<10_000 { state = state &* 6364136223846793005 &+ 1442695040888963407 }
            }
        }
    }
}

/// Liveness and readiness while the maximum number of evaluations run.
@Suite(.serialized) struct LivenessTests {
    @Test func healthAnswersFastWhileEverySlotEvaluates() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let slots = 2
        let busy = LockedBox<ControlledEvaluatorForTests?>(nil)
        let server = try await RunningServer.start(keyStore: store, evaluator: { bundle in
            let evaluator = ControlledEvaluatorForTests(bundle: bundle) { busyUntilReleased($0, bound: .seconds(12)) }
            busy.value = evaluator
            return evaluator
        }, configure: { $0.maxConcurrentEvaluations = slots; $0.maxQueuedEvaluations = 0 })
        let evaluator = try #require(busy.value)
        defer { evaluator.release() }
        #expect(try await server.request("GET", "/ready").status == 200)
        let upload = try await server.post("/v1/keys", WireExamples.evaluationKeys().framed())
        let keyID = try Cml_V1_KeyUploadResponse.decodeFramed(upload.body).keyID
        var request = Cml_V1_EvaluateRequest()
        request.keyID = keyID
        request.inputs = WireExamples.inputBatch(batchSize: 1)
        let body = request.framed()
        let evaluations = (0..<slots).map { _ in Task { try await server.post("/v1/evaluate", body).status } }
        while evaluator.started < slots { try await Task.sleep(for: .milliseconds(10)) }

        // Every slot busy: liveness answers at once, readiness says busy; both before any evaluation ends.
        var slowest = Duration.zero
        for _ in 0..<5 {
            let start = ContinuousClock.now
            #expect(try await server.request("GET", "/health").status == 200)
            slowest = max(slowest, ContinuousClock.now - start)
        }
        let ready = try await server.request("GET", "/ready")
        #expect(evaluator.finished == 0, "the evaluations ended before /health answered")
        #expect(slowest < .seconds(1), "GET /health took \(slowest) with \(slots) evaluations running")
        #expect(ready.status == 503 && String(decoding: ready.body, as: UTF8.self).contains("2 of 2 evaluations running"))
        #expect((ready.headers["Retry-After"] as? String) == "1")

        evaluator.release()
        for evaluation in evaluations { #expect(try await evaluation.value == 200) }
        #expect(try await server.request("GET", "/ready").status == 200)
        await server.stop()
    }
}

/// A value shared with a closure that runs once, under a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
