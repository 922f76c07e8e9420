// HTTP client of cml-server through Foundation's URLSession (FoundationNetworking on Linux): no
// NIO, so apps can embed it. Keys are content-addressed, so the client knows its key id without
// asking: it evaluates directly and uploads the keys only when the server answers 404.
import FHECore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A connection to one cml-server.
public struct ServerConnection: Sendable {
    /// Base URL, e.g. http://127.0.0.1:8080.
    public let baseURL: URL
    /// API token sent as `Authorization: Bearer` (from the operator's `cml-server token create`); nil for a
    /// server started with `--no-auth`.
    public var token: String?
    /// How many times an evaluation is sent again when its connection failed or the replica was draining
    /// (503 `server.draining`): evaluation is idempotent, so the retry may land on another replica.
    public var evaluationRetries = 3
    private let session: URLSession

    /// A connection with its own session (long timeouts: an evaluation can take minutes).
    public init(baseURL: URL, token: String? = nil) {
        self.baseURL = baseURL
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 3600
        configuration.timeoutIntervalForResource = 3600
        session = URLSession(configuration: configuration)
    }

    /// The key id of framed evaluation keys: the hex BLAKE2b-256 frame checksum.
    /// - Throws: `WireFormatError` for a malformed frame.
    public static func keyID(of framedKeys: Data) throws -> String {
        BLAKE2b.hex(try Frame.decode(framedKeys, expecting: .evaluationKeys).checksum)
    }

    /// Uploads framed evaluation keys.
    /// - Returns: the key id the server stored them under.
    /// - Throws: `ClientError` carrying the server's error report.
    public func uploadKeys(_ framedKeys: Data) async throws -> String {
        let body = try await post("/v1/keys", framedKeys)
        return try Cml_V1_KeyUploadResponse.decodeFramed(body).keyID
    }

    /// Evaluates a batch with stored keys, sent again up to `evaluationRetries` times (after 0.5 s, 1 s, 2 s, …)
    /// when the connection fails or the replica drains.
    /// - Returns: the framed output batch.
    /// - Throws: `ClientError` ("server.unknown_key" when the keys are not there).
    public func evaluate(keyID: String, inputs: Cml_V1_CiphertextBatch) async throws -> Data {
        var request = Cml_V1_EvaluateRequest()
        request.keyID = keyID
        request.inputs = inputs
        let body = request.framed()
        var attempt = 0
        while true {
            do {
                return try await post("/v1/evaluate", body)
            } catch let error as ClientError where attempt < evaluationRetries && ["client.network", "server.draining"].contains(error.code) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(250 << attempt))
            }
        }
    }

    /// Evaluates, uploading the keys first if the server does not have them.
    /// - Parameter progress: told what is happening ("uploading keys (12.3 MB)", "evaluating").
    public func evaluate(framedKeys: Data, inputs: Cml_V1_CiphertextBatch,
                         progress: @Sendable (String) -> Void = { _ in }) async throws -> Data {
        let id = try Self.keyID(of: framedKeys)
        do {
            progress("evaluating \(inputs.batchSize) sample(s) with key \(id.prefix(12))…")
            return try await evaluate(keyID: id, inputs: inputs)
        } catch let error as ClientError where error.code == "server.unknown_key" {
            progress("uploading evaluation keys (\(framedKeys.count) bytes), once")
            let stored = try await uploadKeys(framedKeys)
            progress("evaluating \(inputs.batchSize) sample(s)…")
            return try await evaluate(keyID: stored, inputs: inputs)
        }
    }

    /// The framed client spec the server serves (GET /v1/client).
    public func clientSpec() async throws -> Data {
        try await send(URLRequest(url: baseURL.appendingPathComponent("v1/client")))
    }

    private func post(_ path: String, _ body: Data) async throws -> Data {
        var request = URLRequest(url: baseURL.appendingPathComponent(String(path.dropFirst())))
        request.httpMethod = "POST"
        request.setValue("application/vnd.cml.frame", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> Data {
        var request = request
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw ClientError(code: "client.network", "\(request.url?.absoluteString ?? "?"): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            if let report = try? Cml_V1_ErrorReport.decodeFramed(data) {
                let at = report.field.isEmpty ? "" : " [\(report.field)]"
                throw ClientError(code: report.code, "server answered \(status): \(report.message)\(at)")
            }
            throw ClientError(code: "client.http_\(status)", "server answered \(status)")
        }
        return data
    }
}
