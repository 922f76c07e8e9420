import FHECore
@testable import FHEServer
import Foundation
import Testing

/// 500 short layers, checking for cancellation before each as the real evaluator does before each operation.
func layersUntilCancelled(_ evaluator: ControlledEvaluatorForTests) throws {
    for _ in 0..<500 {
        try Task.checkCancellation()
        let end = ContinuousClock.now + .milliseconds(20)
        while ContinuousClock.now < end {}
        evaluator.ranLayer()
    }
}

/// `--max-evaluation-seconds` answers 504 and frees the slot; an evaluation whose client went away stops.
@Suite(.serialized) struct DeadlineTests {
    static func start(_ store: URL, deadline: Duration) async throws -> (RunningServer, ControlledEvaluatorForTests, Data) {
        let box = LockedBox<ControlledEvaluatorForTests?>(nil)
        let server = try await RunningServer.start(keyStore: store, evaluator: { bundle in
            let evaluator = ControlledEvaluatorForTests(bundle: bundle, work: layersUntilCancelled)
            box.value = evaluator
            return evaluator
        }, configure: {
            $0.maxConcurrentEvaluations = 1
            $0.maxQueuedEvaluations = 0
            $0.maxEvaluationTime = deadline
        })
        let upload = try await server.post("/v1/keys", WireExamples.evaluationKeys().framed())
        var request = Cml_V1_EvaluateRequest()
        request.keyID = try Cml_V1_KeyUploadResponse.decodeFramed(upload.body).keyID
        request.inputs = WireExamples.inputBatch(batchSize: 1)
        return (server, try #require(box.value), request.framed())
    }

    @Test func pastTheDeadlineAnswers504AndFreesTheSlot() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let (server, evaluator, body) = try await Self.start(store, deadline: .milliseconds(300))
        for attempt in 1...2 {
            let start = ContinuousClock.now
            let timedOut = try await server.post("/v1/evaluate", body)
            let elapsed = ContinuousClock.now - start
            #expect(timedOut.status == 504 && timedOut.report?.code == "server.evaluation_timeout", "attempt \(attempt)")
            // 500 layers take 10 s; stopped at the next layer after 0.3 s.
            #expect(elapsed < .seconds(5), "504 after \(elapsed)")
            #expect(evaluator.stopped == attempt && evaluator.layers < 250 * attempt)
            // The slot is back (one slot, no queue: a second request would get 429 otherwise).
            let ready = try await server.request("GET", "/ready")
            #expect(ready.status == 200 && String(decoding: ready.body, as: UTF8.self).contains("0 of 1 evaluations running"))
        }
        await server.stop()
    }

    @Test func evaluationStopsWhenItsClientGoesAway() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let (server, evaluator, body) = try await Self.start(store, deadline: .seconds(3600))
        let client = Task { try await server.post("/v1/evaluate", body) }
        while evaluator.started < 1 { try await Task.sleep(for: .milliseconds(10)) }
        client.cancel()
        let cancelled = ContinuousClock.now
        while evaluator.stopped < 1 && ContinuousClock.now - cancelled < .seconds(8) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(evaluator.stopped == 1, "the evaluation ran on after its client left (\(evaluator.layers) layers)")
        #expect(evaluator.layers < 400)
        var ready = try await server.request("GET", "/ready")
        while ready.status != 200 && ContinuousClock.now - cancelled < .seconds(8) { ready = try await server.request("GET", "/ready") }
        #expect(ready.status == 200)
        await server.stop()
    }
}
