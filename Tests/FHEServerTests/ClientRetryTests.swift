@testable import FHEClient
import FHECore
import Foundation
import Testing

/// `ServerConnection` sends an evaluation again when its replica went away (connection refused) or
/// drains (503 `server.draining`): evaluation is idempotent. The retries are bounded.
@Suite(.serialized) struct ClientRetryTests {
    @Test func anEvaluationIsRetriedWhenItsReplicaIsGone() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let first = try await RunningServer.start(keyStore: store)
        let port = first.port
        let id = try TokenTests.keyID(try await first.post("/v1/keys", WireExamples.evaluationKeys().framed()))
        await first.stop()

        // Nothing listens on the port at the first attempt; a replica on the same store comes up there.
        let connection = ServerConnection(baseURL: URL(string: "http://127.0.0.1:\(port)")!)
        let evaluation = Task { try await connection.evaluate(keyID: id, inputs: WireExamples.inputBatch(batchSize: 1)) }
        try await Task.sleep(for: .milliseconds(200))
        let second = try await RunningServer.start(keyStore: store, configure: { $0.port = port })
        #expect(try Cml_V1_CiphertextBatch.decodeFramed(try await evaluation.value).batchSize == 1)
        await second.stop()
    }

    @Test func aDrainingReplicaIsRetriedABoundedNumberOfTimes() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let (server, evaluator) = try await RunningServer.startHeld(keyStore: store, configure: { _ in })
        defer { evaluator.release() }
        let id = try TokenTests.keyID(try await server.post("/v1/keys", WireExamples.evaluationKeys().framed()))
        // One evaluation keeps the replica draining.
        let held = Task { try await server.post("/v1/evaluate", TokenTests.evaluateRequest(id)).status }
        while evaluator.started < 1 { try await Task.sleep(for: .milliseconds(10)) }
        await server.beginShutdown()
        while try await server.request("GET", "/ready").status == 200 { try await Task.sleep(for: .milliseconds(10)) }

        let bounded = {
            var connection = ServerConnection(baseURL: URL(string: "http://127.0.0.1:\(server.port)")!)
            connection.evaluationRetries = 2
            return connection
        }()
        let start = ContinuousClock.now
        let error = await #expect(throws: ClientError.self) {
            try await bounded.evaluate(keyID: id, inputs: WireExamples.inputBatch(batchSize: 1))
        }
        let elapsed = ContinuousClock.now - start
        // Three attempts, 0.5 s and 1 s apart, then the refusal itself.
        #expect(error?.code == "server.draining", "\(String(describing: error))")
        #expect(elapsed >= .milliseconds(1450) && elapsed < .seconds(5), "\(elapsed)")
        evaluator.release()
        #expect(try await held.value == 200)
        _ = await server.task.result
    }
}
