import FHECore
@testable import FHEServer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ServiceLifecycle
import Testing

/// A server on 127.0.0.1 and an ephemeral port, stopped by cancelling its task, or drained as SIGTERM would.
final class RunningServer: Sendable {
    let port: Int
    let task: Task<Void, any Error>
    let group: ServiceGroup

    /// Starts a server for `serverSpec` (the toy example by default) evaluating with `evaluator`
    /// (the test double by default), asking no token unless `configure` sets `requiresTokens`.
    static func start(keyStore: URL, serverSpec: Cml_V1_ServerSpec = WireExamples.serverSpec,
                      clientSpec: Cml_V1_ClientSpec = WireExamples.clientSpec,
                      evaluator: ((ServerBundle) -> any EncryptedCircuitEvaluating)? = nil,
                      configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> RunningServer {
        var configuration = ServerConfiguration(port: 0, keyStoreDirectory: keyStore, requiresTokens: false)
        configure(&configuration)
        let bundle = try ServerBundle(framedSpec: serverSpec.framed())
        let evaluator = evaluator?(bundle) ?? EvaluatorDoubleForTests(spec: bundle.spec, layout: bundle.keyLayout)
        var logger = Logger(label: "cml-server-test")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = try ServerApplication.build(
            bundle: bundle, clientSpec: clientSpec.framed(), configuration: configuration,
            evaluator: evaluator, logger: logger) { continuation.yield($0) }
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return RunningServer(port: port, task: task, group: group)
    }

    private init(port: Int, task: Task<Void, any Error>, group: ServiceGroup) {
        self.port = port
        self.task = task
        self.group = group
    }

    /// Starts the graceful shutdown SIGTERM starts (the drain, then the HTTP server's stop).
    func beginShutdown() async {
        await group.triggerGracefulShutdown()
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Sends `method path` with `body`, and `Authorization: Bearer token` when a token is given.
    func request(_ method: String, _ path: String, body: Data? = nil, token: String? = nil,
                 authorization: String? = nil) async throws -> (status: Int, body: Data, headers: [AnyHashable: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        if let header = authorization ?? token.map({ "Bearer \($0)" }) { request.setValue(header, forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, data, http.allHeaderFields)
    }

    /// POSTs `body` and returns the status and, for errors, the decoded report.
    func post(_ path: String, _ body: Data, token: String? = nil) async throws -> (status: Int, report: Cml_V1_ErrorReport?, body: Data) {
        let (status, data, _) = try await request("POST", path, body: body, token: token)
        return (status, status >= 400 ? try Cml_V1_ErrorReport.decodeFramed(data) : nil, data)
    }
}

@Suite(.serialized) struct ServerTests {
    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cml-keys-\(UUID().uuidString)")
    }

    func evaluateRequest(keyID: String, batch: Cml_V1_CiphertextBatch = WireExamples.inputBatch(batchSize: 2)) -> Data {
        var request = Cml_V1_EvaluateRequest()
        request.keyID = keyID
        request.inputs = batch
        return request.framed()
    }

    @Test func roundTripAndRestartKeepsKeys() async throws {
        let store = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let keys = WireExamples.evaluationKeys().framed()
        var server = try await RunningServer.start(keyStore: store)

        #expect(try await server.request("GET", "/health").status == 200)
        let client = try await server.request("GET", "/v1/client")
        #expect(client.status == 200 && client.body == WireExamples.clientSpec.framed())

        let upload = try await server.post("/v1/keys", keys)
        #expect(upload.status == 201)
        let keyID = try Cml_V1_KeyUploadResponse.decodeFramed(upload.body).keyID
        #expect(keyID == BLAKE2b.hex(try Frame.decode(keys).checksum))
        // Same keys again: same id, stored once.
        #expect(try Cml_V1_KeyUploadResponse.decodeFramed(try await server.post("/v1/keys", keys).body).keyID == keyID)

        let evaluated = try await server.request("POST", "/v1/evaluate", body: evaluateRequest(keyID: keyID))
        #expect(evaluated.status == 200)
        let outputs = try Cml_V1_CiphertextBatch.decodeFramed(evaluated.body)
        try outputs.checkConformance(to: WireExamples.serverSpec.outputs, layout: WireExamples.keyLayout, direction: .outputs)
        #expect(outputs.batchSize == 2)

        let metrics = String(decoding: try await server.request("GET", "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"cml_requests_total{route="/v1/evaluate",status="200"} 1"#))
        #expect(metrics.contains("cml_table_lookups_total 6"))
        #expect(metrics.contains("cml_key_store_bytes \(keys.count)"))
        #expect(metrics.contains("cml_request_duration_seconds_bucket"))

        // A restart (new process state, same directory) still knows the key id.
        await server.stop()
        server = try await RunningServer.start(keyStore: store)
        #expect(try await server.request("POST", "/v1/evaluate", body: evaluateRequest(keyID: keyID)).status == 200)
        await server.stop()
    }

    @Test func badMessagesGetClear4xxAndTheServerKeepsServing() async throws {
        let store = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let server = try await RunningServer.start(keyStore: store, configure: { $0.maxKeyUploadBytes = 4096 })
        defer { Task { await server.stop() } }
        let keys = WireExamples.evaluationKeys().framed()

        var truncated = try await server.post("/v1/keys", keys.prefix(keys.count - 10))
        #expect(truncated.status == 400 && truncated.report?.code == "wire.truncated")
        truncated = try await server.post("/v1/keys", keys.prefix(10))
        #expect(truncated.status == 400 && truncated.report?.field == "header")

        var flipped = keys
        flipped[300] ^= 0x01
        let badChecksum = try await server.post("/v1/keys", flipped)
        #expect(badChecksum.status == 400 && badChecksum.report?.code == "wire.bad_checksum")

        var version = keys
        version[4] = 9
        let badVersion = try await server.post("/v1/keys", version)
        #expect(badVersion.status == 400 && badVersion.report?.field == "header.version" && badVersion.report?.offset == 4)

        let wrongKind = try await server.post("/v1/keys", WireExamples.inputBatch().framed())
        #expect(wrongKind.status == 400 && wrongKind.report?.code == "wire.unexpected_kind")

        var otherSet = WireExamples.evaluationKeys()
        otherSet.keyLayoutHash = Data(repeating: 7, count: 32)
        let wrongParameters = try await server.post("/v1/keys", otherSet.framed())
        #expect(wrongParameters.status == 422 && wrongParameters.report?.field == "evaluationKeys.keyLayoutHash")

        // A header declaring more than the upload limit: refused from its first 16 bytes.
        let oversized = try await server.post("/v1/keys", Frame.encode(kind: .evaluationKeys, payload: Data(count: 5000)))
        #expect(oversized.status == 413 && oversized.report?.field == "header.payloadLength")

        let unknown = try await server.post("/v1/evaluate", evaluateRequest(keyID: String(repeating: "a", count: 64)))
        #expect(unknown.status == 404 && unknown.report?.code == "server.unknown_key")
        let badID = try await server.post("/v1/evaluate", evaluateRequest(keyID: "../../etc/passwd"))
        #expect(badID.status == 400 && badID.report?.code == "server.bad_key_id")

        let keyID = try Cml_V1_KeyUploadResponse.decodeFramed(try await server.post("/v1/keys", keys).body).keyID
        var otherBatch = WireExamples.inputBatch()
        otherBatch.keyLayoutHash = Data(repeating: 1, count: 32)
        let wrongBatch = try await server.post("/v1/evaluate", evaluateRequest(keyID: keyID, batch: otherBatch))
        #expect(wrongBatch.status == 422 && wrongBatch.report?.field == "batch.keyLayoutHash")
        let outputsAsInputs = try await server.post("/v1/evaluate", evaluateRequest(keyID: keyID, batch: WireExamples.outputBatch()))
        #expect(outputsAsInputs.status == 400 && outputsAsInputs.report?.field == "batch.tensors[0].values")
        let garbage = try await server.post("/v1/evaluate", Data("not a frame at all".utf8))
        #expect(garbage.status == 400 && garbage.report?.code == "wire.bad_magic")

        #expect(try await server.request("GET", "/health").status == 200)
        #expect(try await server.post("/v1/evaluate", evaluateRequest(keyID: keyID)).status == 200)
    }

    /// Keys larger than the whole store are refused (smaller ones make room by eviction: EvictionTests).
    @Test func keyStoreLimitIsEnforced() async throws {
        let store = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let one = WireExamples.evaluationKeys(salt: 1).framed()
        let server = try await RunningServer.start(keyStore: store, configure: { $0.maxKeyStoreBytes = one.count - 1 })
        let full = try await server.post("/v1/keys", one)
        #expect(full.status == 413 && full.report?.code == "server.key_store_full")
        #expect(KeyStore.storedKeys(in: store).isEmpty)
        await server.stop()
    }

    /// Unknown paths get 404 and known paths with another method 405 (with Allow), each with a framed report.
    @Test func unroutedRequestsGetReports() async throws {
        let store = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let server = try await RunningServer.start(keyStore: store)
        let unknown = try await server.request("GET", "/v2/nothing")
        let unknownReport = try Cml_V1_ErrorReport.decodeFramed(unknown.body)
        #expect(unknown.status == 404 && unknownReport.code == "server.unknown_route" && unknownReport.httpStatus == 404)
        #expect(unknownReport.message.contains("/v2/nothing") && unknownReport.message.contains("/v1/evaluate"))

        let wrongMethod = try await server.request("GET", "/v1/keys")
        let wrongReport = try Cml_V1_ErrorReport.decodeFramed(wrongMethod.body)
        #expect(wrongMethod.status == 405 && wrongReport.code == "server.method_not_allowed" && wrongReport.field == "method")
        #expect((wrongMethod.headers["Allow"] as? String) == "POST")
        #expect(try await server.request("DELETE", "/health").status == 405)

        // Refused paths are counted under one label, not one per path a client invents.
        let metrics = String(decoding: try await server.request("GET", "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"route="unrouted",status="404""#) && !metrics.contains("/v2/nothing"))
        await server.stop()
    }

    /// The engine's instruction set (issue 15): an operator sees which kernels the server runs on /health and
    /// /metrics, the same the engine chose (`CML_ENGINE_ISA` or the best this CPU runs).
    @Test func healthAndMetricsNameTheEngineKernels() async throws {
        let store = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let server = try await RunningServer.start(keyStore: store)
        let health = try await server.request("GET", "/health")
        #expect(health.status == 200 && (health.headers["Content-Type"] as? String) == "application/json")
        let fields = try #require(try JSONSerialization.jsonObject(with: health.body) as? [String: String])
        #expect(fields["status"] == "ok" && fields["isa"] == InstructionSet.active.rawValue && fields["version"] == CMLVersion.current)
        let metrics = String(decoding: try await server.request("GET", "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"cml_engine_info{isa="\#(InstructionSet.active.rawValue)"} 1"#), "\(metrics)")
        await server.stop()
    }
}
