// The data owner's round trip: quantize + encrypt, evaluate on a server, decrypt + de-quantize.
import FHECore
import Foundation

/// One-call operations behind `cml-client`.
public enum Prediction {
    /// Encrypts `inputs` with the keys in KEYS, evaluates them on `server`, and decrypts the outputs.
    /// - Parameters:
    ///   - progress: one line per step with its time, for the CLI.
    /// - Throws: `ClientError`, `BundleError`, `WireFormatError`.
    ///   - token: the API token of a server that asks for one.
    public static func predict(server: URL, token: String? = nil, keyDirectory: URL, inputs: [Tensor], passphrase: () throws -> String,
                               progress: ProgressReporter = .silent) async throws -> [Tensor] {
        let holder = try KeyDirectory.load(from: keyDirectory, passphrase: passphrase)
        return try await predict(server: server, token: token, holder: holder, framedKeys: try KeyDirectory.evaluationKeys(in: keyDirectory),
                                 inputs: inputs, progress: progress)
    }

    /// Encrypts `inputs` with `holder`, evaluates them on `server` (uploading `framedKeys` if it lacks
    /// them), and decrypts the outputs.
    /// - Parameter token: the API token of a server that asks for one.
    /// - Throws: `ClientError` ("client.model_mismatch" when the server evaluates another model), `WireFormatError`.
    public static func predict(server: URL, token: String? = nil, holder: KeyHolder, framedKeys: Data, inputs: [Tensor],
                               progress: ProgressReporter = .silent) async throws -> [Tensor] {
        let samples = inputs.first?.shape.first ?? 0
        let batch = try progress.phase("encrypt \(samples) sample(s)") { try holder.encryptBatch(inputs) }
        let connection = ServerConnection(baseURL: server, token: token)
        let outputs: Data
        do {
            outputs = try await connection.evaluate(framedKeys: framedKeys, inputs: batch, progress: progress)
        } catch let error as ClientError where error.code == WireFormatError.Code.parameterMismatch.description {
            throw await mismatch(error, connection: connection, holder: holder)
        }
        let result = try progress.phase("decrypt") { try holder.decrypt(outputs) }
        progress.note("timings: \(progress.summary)")
        return result
    }

    /// The server refused keys or ciphertexts of other parameters: which models, and what to run.
    static func mismatch(_ error: ClientError, connection: ServerConnection, holder: KeyHolder) async -> ClientError {
        let ours = "model '\(holder.bundle.spec.modelName)' (key-layout hash \(BLAKE2b.hex(holder.bundle.keyLayout.hash).prefix(12))…)"
        var theirs = "another model"
        if let spec = try? await connection.clientSpec(), let bundle = try? ClientBundle(framedSpec: spec) {
            theirs = "model '\(bundle.spec.modelName)' (key-layout hash \(BLAKE2b.hex(bundle.keyLayout.hash).prefix(12))…)"
        }
        return ClientError(code: "client.model_mismatch", """
            these keys were made for \(ours), but the server at \(connection.baseURL.absoluteString) evaluates \(theirs): \
            generate keys for the server's model (cml-client keygen --bundle BUNDLE/client -o NEW_KEYS, with the client part \
            of the bundle the server runs, also served at \(connection.baseURL.absoluteString)/v1/client) and predict with \
            --keys NEW_KEYS; or point --server at a server of \(ours). (The server said: \(error.message))
            """)
    }
}
