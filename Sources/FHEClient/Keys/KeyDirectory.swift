// The KEYS directory written by `cml-client keygen`:
//
//   KEYS/secret-keys.cml       0600; framed SealedSecretKeys (or framed SecretKeys when the user
//                              asked for an insecure plaintext key)
//   KEYS/evaluation-keys.cml   framed EvaluationKeys: upload this to the server
//   KEYS/client/               copy of the bundle's client part (spec + manifest)
import FHECore
import Foundation

/// Reading and writing a KEYS directory.
public enum KeyDirectory {
    /// Secret-key file name.
    public static let secretKeysFile = "secret-keys.cml"
    /// Evaluation-key file name.
    public static let evaluationKeysFile = "evaluation-keys.cml"
    /// Client-bundle subdirectory.
    public static let bundleDirectory = "client"

    /// How the secret-key file is protected.
    public enum Protection: Sendable {
        /// Sealed under a passphrase (Argon2id + XChaCha20-Poly1305).
        case passphrase(String, SecretKeySealing.Strength = .moderate)
        /// Stored in plaintext; only when the user explicitly asks for it.
        case insecurePlaintext
    }

    /// Generates keys for the client bundle at `bundleDirectory` and writes KEYS into `directory`.
    /// - Returns: the key holder and the size of the evaluation-key file.
    /// - Throws: `BundleError`, `ClientError`, or file-system errors.
    @discardableResult
    public static func generate(bundleDirectory: URL, into directory: URL, protection: Protection) throws -> (KeyHolder, Int) {
        let bundle = try ClientBundle.load(from: bundleDirectory)
        let holder = try KeyHolder.generate(for: bundle)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let secret: Data = switch protection {
        case .passphrase(let passphrase, let strength):
            try SecretKeySealing.seal(holder.framedSecretKeys(), passphrase: passphrase, strength: strength)
        case .insecurePlaintext:
            holder.framedSecretKeys()
        }
        let secretPath = directory.appendingPathComponent(secretKeysFile).path
        try? FileManager.default.removeItem(atPath: secretPath)
        // Created with mode 0600 so the key is never readable by others, not even briefly.
        guard FileManager.default.createFile(atPath: secretPath, contents: secret, attributes: [.posixPermissions: 0o600]) else {
            throw ClientError(code: "client.write", "cannot write \(secretPath)")
        }
        let evaluationKeys = holder.evaluationKeys().framed()
        try evaluationKeys.write(to: directory.appendingPathComponent(evaluationKeysFile), options: .atomic)
        try bundle.write(to: directory.appendingPathComponent(Self.bundleDirectory))
        return (holder, evaluationKeys.count)
    }

    /// Loads the key holder from KEYS.
    /// - Parameter passphrase: asked for only when the file is sealed.
    /// - Throws: `BundleError`, `ClientError` (wrong passphrase, missing file), `WireFormatError`.
    public static func load(from directory: URL, passphrase: () throws -> String) throws -> KeyHolder {
        let url = directory.appendingPathComponent(secretKeysFile)
        // The key first: a missing KEYS directory is a missed keygen, not a broken bundle.
        guard let stored = try? Data(contentsOf: url) else {
            throw ClientError(code: "client.no_secret_key", "no secret key at \(url.path); run `cml-client keygen` first")
        }
        let bundle = try ClientBundle.load(from: directory.appendingPathComponent(bundleDirectory))
        let frame = try Frame.decode(stored)
        let framedSecretKeys = switch frame.header.kind {
        case .sealedSecretKeys: try SecretKeySealing.open(stored, passphrase: try passphrase())
        case .secretKeys: stored
        default:
            throw WireFormatError(.unexpectedKind, field: "header.kind", offset: 6,
                                  "\(url.lastPathComponent) holds a \(frame.header.kind), not secret keys")
        }
        return try KeyHolder(bundle: bundle, framedSecretKeys: framedSecretKeys)
    }

    /// The framed evaluation keys of KEYS.
    /// - Throws: `ClientError` when the file is missing.
    public static func evaluationKeys(in directory: URL) throws -> Data {
        let url = directory.appendingPathComponent(evaluationKeysFile)
        guard let data = try? Data(contentsOf: url) else {
            throw ClientError(code: "client.no_evaluation_keys", "no evaluation keys at \(url.path)")
        }
        return data
    }
}
