// Secret keys at rest: encrypted with a key derived from a passphrase (Argon2id, libsodium
// crypto_pwhash) under XChaCha20-Poly1305 (crypto_aead_xchacha20poly1305_ietf). A wrong
// passphrase or a modified file fails authentication; nothing is decrypted partially.
import CSodium
import FHECore
import Foundation

/// Sealing and opening of the framed `SecretKeys` message.
public enum SecretKeySealing {
    /// Cost of the passphrase hash.
    public struct Strength: Sendable, Hashable {
        /// Argon2id passes.
        public let opsLimit: UInt64
        /// Argon2id memory in bytes.
        public let memLimit: UInt64

        /// libsodium's "moderate" limits (3 passes, 256 MiB): about a second on a laptop.
        public static let moderate = Strength(opsLimit: UInt64(crypto_pwhash_opslimit_moderate()),
                                              memLimit: UInt64(crypto_pwhash_memlimit_moderate()))
        /// libsodium's minimum limits, for tests only.
        public static let minimumForTests = Strength(opsLimit: UInt64(crypto_pwhash_opslimit_min()),
                                                     memLimit: UInt64(crypto_pwhash_memlimit_min()))
    }

    /// Additional data bound to every sealed file.
    static let additionalData = Array("cml-sk-1".utf8)

    /// Refuses a passphrase that protects nothing (empty or only spaces).
    /// - Throws: `ClientError` "client.empty_passphrase".
    public static func checkPassphrase(_ passphrase: String) throws {
        guard !passphrase.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ClientError(code: "client.empty_passphrase",
                              "an empty passphrase protects nothing: set CML_PASSPHRASE to a passphrase (or unset it to be asked)")
        }
    }

    /// Encrypts `plaintext` (a framed SecretKeys) under `passphrase`.
    /// - Returns: a framed `SealedSecretKeys`.
    /// - Throws: `ClientError` "client.empty_passphrase" for an empty passphrase.
    public static func seal(_ plaintext: Data, passphrase: String, strength: Strength = .moderate) throws -> Data {
        try checkPassphrase(passphrase)
        Sodium.ensureInitialized()
        var salt = [UInt8](repeating: 0, count: Int(crypto_pwhash_saltbytes()))
        var nonce = [UInt8](repeating: 0, count: Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()))
        randombytes_buf(&salt, salt.count)
        randombytes_buf(&nonce, nonce.count)
        var key = try deriveKey(passphrase: passphrase, salt: salt, strength: strength)
        defer { sodium_memzero(&key, key.count) }
        let message = Array(plaintext)
        var ciphertext = [UInt8](repeating: 0, count: message.count + Int(crypto_aead_xchacha20poly1305_ietf_abytes()))
        var length: UInt64 = 0
        _ = crypto_aead_xchacha20poly1305_ietf_encrypt(&ciphertext, &length, message, UInt64(message.count),
                                                       additionalData, UInt64(additionalData.count), nil, nonce, key)
        var sealed = Cml_V1_SealedSecretKeys()
        sealed.salt = Data(salt)
        sealed.opslimit = strength.opsLimit
        sealed.memlimit = strength.memLimit
        sealed.nonce = Data(nonce)
        sealed.ciphertext = Data(ciphertext.prefix(Int(length)))
        return sealed.framed()
    }

    /// Decrypts a framed `SealedSecretKeys`.
    /// - Throws: `ClientError` "client.wrong_passphrase" when authentication fails (wrong
    ///   passphrase or modified file), `WireFormatError` for a malformed file.
    public static func open(_ framed: Data, passphrase: String) throws -> Data {
        Sodium.ensureInitialized()
        let sealed = try Cml_V1_SealedSecretKeys.decodeFramed(framed)
        let abytes = Int(crypto_aead_xchacha20poly1305_ietf_abytes())
        guard sealed.salt.count == Int(crypto_pwhash_saltbytes()),
              sealed.nonce.count == Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()),
              sealed.ciphertext.count >= abytes else {
            throw WireFormatError(.invalidField, field: "sealedSecretKeys", offset: nil, "salt, nonce or ciphertext has the wrong size")
        }
        // Refuse absurd costs from a crafted file before spending them.
        guard sealed.memlimit <= 4 << 30, sealed.opslimit <= 64 else {
            throw WireFormatError(.invalidField, field: "sealedSecretKeys.memlimit", offset: nil, "Argon2id cost above 4 GiB / 64 passes")
        }
        var key = try deriveKey(passphrase: passphrase, salt: Array(sealed.salt),
                                strength: Strength(opsLimit: sealed.opslimit, memLimit: sealed.memlimit))
        defer { sodium_memzero(&key, key.count) }
        let ciphertext = Array(sealed.ciphertext)
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count - abytes)
        var length: UInt64 = 0
        let rc = crypto_aead_xchacha20poly1305_ietf_decrypt(&plaintext, &length, nil, ciphertext, UInt64(ciphertext.count),
                                                            additionalData, UInt64(additionalData.count),
                                                            Array(sealed.nonce), key)
        guard rc == 0 else {
            throw ClientError(code: "client.wrong_passphrase",
                              "the secret-key file does not open with this passphrase (or it was modified)")
        }
        defer { sodium_memzero(&plaintext, plaintext.count) }
        return Data(plaintext.prefix(Int(length)))
    }

    private static func deriveKey(passphrase: String, salt: [UInt8], strength: Strength) throws -> [UInt8] {
        var key = [UInt8](repeating: 0, count: Int(crypto_aead_xchacha20poly1305_ietf_keybytes()))
        // NUL-terminated so an empty passphrase still has a valid pointer; the length excludes the NUL.
        var password = Array(passphrase.utf8CString)
        defer { sodium_memzero(&password, password.count) }
        let rc = password.withUnsafeBufferPointer { chars in
            crypto_pwhash(&key, UInt64(key.count), chars.baseAddress!, UInt64(chars.count - 1), salt,
                          strength.opsLimit, Int(strength.memLimit), crypto_pwhash_alg_argon2id13())
        }
        guard rc == 0 else {
            throw ClientError(code: "client.key_derivation", "Argon2id failed (out of memory for \(strength.memLimit) bytes?)")
        }
        return key
    }
}

extension Cml_V1_SecretKeys: WireMessage {
    public static var wireKind: MessageKind { .secretKeys }
}
extension Cml_V1_SealedSecretKeys: WireMessage {
    public static var wireKind: MessageKind { .sealedSecretKeys }
}
