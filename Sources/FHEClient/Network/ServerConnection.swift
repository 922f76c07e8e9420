// HTTP client of cml-server: http:// over a blocking socket (`HTTPExchange`: no CPU while the server
// evaluates, upload progress), https:// through Foundation's URLSession (FoundationNetworking on Linux); no
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
    /// - Parameter progress: told the bytes sent and the rate, as status lines.
    /// - Returns: the key id the server stored them under.
    /// - Throws: `ClientError` carrying the server's error report.
    public func uploadKeys(_ framedKeys: Data, progress: ProgressReporter = .silent) async throws -> String {
        let total = framedKeys.count, start = ContinuousClock.now
        let body = try await post("/v1/keys", framedKeys, sent: { bytes in
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let rate = seconds > 0 ? ", \(ProgressReporter.bytes(Int(Double(bytes) / seconds)))/s" : ""
            progress.status("\(ProgressReporter.bytes(bytes)) of \(ProgressReporter.bytes(total))\(rate)", force: bytes == total)
        }, waiting: { progress.status("stored by the server: \($0) s") })
        return try Cml_V1_KeyUploadResponse.decodeFramed(body).keyID
    }

    /// Evaluates a batch with stored keys, sent again up to `evaluationRetries` times (after 0.5 s, 1 s, 2 s, …)
    /// when the connection fails or the replica drains.
    /// - Parameter progress: told the time waited, as status lines.
    /// - Returns: the framed output batch.
    /// - Throws: `ClientError` ("server.unknown_key" when the keys are not there).
    public func evaluate(keyID: String, inputs: Cml_V1_CiphertextBatch, progress: ProgressReporter = .silent) async throws -> Data {
        var request = Cml_V1_EvaluateRequest()
        request.keyID = keyID
        request.inputs = inputs
        let body = request.framed()
        var attempt = 0
        while true {
            do {
                return try await post("/v1/evaluate", body, waiting: { progress.status("the server evaluates: \($0) s") })
            } catch let error as ClientError where attempt < evaluationRetries && ["client.network", "server.draining"].contains(error.code) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(250 << attempt))
            }
        }
    }

    /// Evaluates, uploading the keys first if the server does not have them.
    /// - Parameter progress: the upload and the evaluation as phases with their times.
    public func evaluate(framedKeys: Data, inputs: Cml_V1_CiphertextBatch, progress: ProgressReporter = .silent) async throws -> Data {
        let id = try Self.keyID(of: framedKeys)
        let samples = "\(inputs.batchSize) sample(s)"
        do {
            return try await progress.phase("evaluate \(samples) on the server (key \(id.prefix(12)))") {
                try await evaluate(keyID: id, inputs: inputs, progress: progress)
            }
        } catch let error as ClientError where error.code == "server.unknown_key" {
            let stored = try await progress.phase("uploading evaluation keys (\(ProgressReporter.bytes(framedKeys.count))), once") {
                try await uploadKeys(framedKeys, progress: progress)
            }
            return try await progress.phase("evaluate \(samples) on the server") {
                try await evaluate(keyID: stored, inputs: inputs, progress: progress)
            }
        }
    }

    /// The framed client spec the server serves (GET /v1/client).
    public func clientSpec() async throws -> Data {
        try await send(baseURL.appendingPathComponent("v1/client"), method: "GET", body: nil)
    }

    private func post(_ path: String, _ body: Data, sent: @escaping @Sendable (Int) -> Void = { _ in },
                      waiting: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Data {
        try await send(baseURL.appendingPathComponent(String(path.dropFirst())), method: "POST", body: body, sent: sent, waiting: waiting)
    }

    private func send(_ url: URL, method: String, body: Data?, sent: @escaping @Sendable (Int) -> Void = { _ in },
                      waiting: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Data {
        let contentType = body == nil ? nil : "application/vnd.cml.frame"
        let status: Int, data: Data
        if url.scheme == "http" {
            let response = try await HTTPExchange.send(url, method: method, body: body, contentType: contentType,
                                                       authorization: token.map { "Bearer \($0)" }, timeout: .seconds(3600),
                                                       sent: sent, waiting: waiting)
            (status, data) = (response.status, response.body)
        } else {
            var request = URLRequest(url: url)
            request.httpMethod = method
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
            request.httpBody = body
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            let response: URLResponse
            do {
                (data, response) = try await session.data(for: request)
            } catch {
                throw ClientError(code: "client.network", "\(url.absoluteString): \(error.localizedDescription)")
            }
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
        }
        guard (200..<300).contains(status) else {
            if let report = try? Cml_V1_ErrorReport.decodeFramed(data) {
                throw ClientError(code: report.code, "server answered \(status): \(report.message)")
            }
            throw ClientError(code: "client.http_\(status)", "server answered \(status)")
        }
        return data
    }
}
