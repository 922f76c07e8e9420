// The data owner's round trip: quantize + encrypt, evaluate on a server, decrypt + de-quantize.
import FHECore
import Foundation

/// One-call operations behind `cml-client`.
public enum Prediction {
    /// Encrypts `inputs` with the keys in KEYS, evaluates them on `server`, and decrypts the outputs.
    /// - Parameters:
    ///   - progress: one line per step, for the CLI.
    /// - Throws: `ClientError`, `BundleError`, `WireFormatError`.
    ///   - token: the API token of a server that asks for one.
    public static func predict(server: URL, token: String? = nil, keyDirectory: URL, inputs: [Tensor], passphrase: () throws -> String,
                               progress: @escaping @Sendable (String) -> Void) async throws -> [Tensor] {
        let holder = try KeyDirectory.load(from: keyDirectory, passphrase: passphrase)
        return try await predict(server: server, token: token, holder: holder, framedKeys: try KeyDirectory.evaluationKeys(in: keyDirectory),
                                 inputs: inputs, progress: progress)
    }

    /// Encrypts `inputs` with `holder`, evaluates them on `server` (uploading `framedKeys` if it lacks
    /// them), and decrypts the outputs.
    /// - Parameter token: the API token of a server that asks for one.
    /// - Throws: `ClientError`, `WireFormatError`.
    public static func predict(server: URL, token: String? = nil, holder: KeyHolder, framedKeys: Data, inputs: [Tensor],
                               progress: @escaping @Sendable (String) -> Void) async throws -> [Tensor] {
        let clock = ContinuousClock()
        let start = clock.now
        progress("encrypting \(inputs.first?.shape.first ?? 0) sample(s)")
        let batch = try holder.encryptBatch(inputs)
        let connection = ServerConnection(baseURL: server, token: token)
        let outputs = try await connection.evaluate(framedKeys: framedKeys, inputs: batch, progress: progress)
        progress("decrypting")
        let result = try holder.decrypt(outputs)
        progress("done in \(clock.now - start)")
        return result
    }
}
