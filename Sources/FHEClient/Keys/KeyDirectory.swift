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

    /// Generates keys for the client bundle at `bundleDirectory` and writes KEYS into `directory` (created 0700 if
    /// needed). Existing keys are replaced only when `replacing`: a new secret key makes every ciphertext of the old
    /// one unreadable. Each file is written whole under a temporary name and renamed into place, the secret key
    /// created 0600 from its first byte.
    /// - Returns: the key holder and the size of the evaluation-key file.
    /// - Throws: `OutputExistsError` (before any work), `BundleError`, `ClientError`, `FileSystemError`.
    @discardableResult
    public static func generate(bundleDirectory: URL, into directory: URL, protection: Protection, replacing: Bool = false,
                                progress: ProgressReporter = .silent) throws -> (KeyHolder, Int) {
        if case .passphrase(let passphrase, _) = protection { try SecretKeySealing.checkPassphrase(passphrase) }
        let outputs = try checkOutputs(in: directory, replacing: replacing)
        let bundle = try ClientBundle.load(from: bundleDirectory)
        let (holder, evaluationKeys) = try progress.phase("keygen (\(bundle.keyLayout.parameterSets.count) parameter set(s))") {
            let holder = try KeyHolder.generate(for: bundle)
            return (holder, holder.evaluationKeys().framed())
        }
        let secret: Data = switch protection {
        case .passphrase(let passphrase, let strength):
            try progress.phase("seal the secret key (Argon2id)") {
                try SecretKeySealing.seal(holder.framedSecretKeys(), passphrase: passphrase, strength: strength)
            }
        case .insecurePlaintext:
            holder.framedSecretKeys()
        }
        if !FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        try progress.phase("write \(directory.path)") {
            try FileOutput.write(evaluationKeys, to: outputs[1], replacing: replacing)
            try bundle.write(to: outputs[2])
            // Last: a KEYS directory with a secret key is a whole one.
            try FileOutput.write(secret, to: outputs[0], permissions: .ownerOnly, replacing: replacing)
        }
        return (holder, evaluationKeys.count)
    }

    /// Refuses existing keys in `directory` unless `replacing` (before a passphrase is asked or a key made).
    /// - Returns: the secret-key, evaluation-key and client-bundle paths.
    /// - Throws: `OutputExistsError`.
    @discardableResult
    public static func checkOutputs(in directory: URL, replacing: Bool) throws -> [URL] {
        let outputs = [secretKeysFile, evaluationKeysFile, Self.bundleDirectory].map { directory.appendingPathComponent($0) }
        for output in outputs { try FileOutput.checkAvailable(output, replacing: replacing) }
        return outputs
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
