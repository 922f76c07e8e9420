import FHECore
@testable import FHEServer
import Foundation
import Testing

/// Graceful drain (SIGTERM): the evaluations taken, running and queued, finish with 200; meanwhile new
/// evaluations get 503 `server.draining` with Retry-After and `/ready` says draining while `/health` still
/// answers; the server stops once they are done, and not before.
@Suite(.serialized) struct DrainTests {
    @Test func drainFinishesTakenEvaluationsAndRefusesNewOnes() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let (server, evaluator) = try await RunningServer.startHeld(keyStore: store, configure: {
            $0.maxConcurrentEvaluations = 1; $0.maxQueuedEvaluations = 2
        })
        defer { evaluator.release() }
        let id = try TokenTests.keyID(try await server.post("/v1/keys", WireExamples.evaluationKeys().framed()))
        let running = Task { try await server.post("/v1/evaluate", TokenTests.evaluateRequest(id)).status }
        while evaluator.started < 1 { try await Task.sleep(for: .milliseconds(10)) }
        let queued = Task { try await server.post("/v1/evaluate", TokenTests.evaluateRequest(id)).status }
        while !String(decoding: try await server.request("GET", "/ready").body, as: UTF8.self).contains("1 of 2 queued") {
            try await Task.sleep(for: .milliseconds(10))
        }

        await server.beginShutdown()
        var ready = try await server.request("GET", "/ready")
        while ready.status == 200 { ready = try await server.request("GET", "/ready") }
        #expect(ready.status == 503 && String(decoding: ready.body, as: UTF8.self).hasPrefix("draining"))
        let refused = try await server.request("POST", "/v1/evaluate", body: TokenTests.evaluateRequest(id))
        #expect(refused.status == 503 && TokenTests.code(refused.body) == "server.draining")
        #expect((refused.headers["Retry-After"] as? String) == "1")
        #expect(try await server.request("GET", "/health").status == 200)
        // Still serving while the taken evaluations run.
        try await Task.sleep(for: .milliseconds(500))
        #expect(evaluator.finished == 0)
        #expect(try await server.request("GET", "/health").status == 200)

        evaluator.release()
        #expect(try await running.value == 200)
        #expect(try await queued.value == 200)
        #expect(evaluator.finished == 2)
        // Then the server stops by itself (nothing cancels it here).
        let stopped = ContinuousClock.now
        _ = await server.task.result
        #expect(ContinuousClock.now - stopped < .seconds(10))
    }
}
