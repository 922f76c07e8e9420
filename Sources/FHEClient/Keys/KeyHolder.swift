// The data owner's side: secret keys for every parameter set of a compiled circuit, the
// evaluation keys made from them, encryption of quantized inputs and decryption of outputs.
@_spi(KeyHolder) import FHECore
import Foundation

/// Holds the secret keys of one compiled circuit; encrypts inputs and decrypts outputs.
public final class KeyHolder: Sendable {
    /// The client part of the bundle the keys were made for.
    public let bundle: ClientBundle
    private let secretKeys: [SecretKeys]
    private let keySeeds: [Seed]

    private init(bundle: ClientBundle, keySeeds: [Seed]) {
        self.bundle = bundle
        self.keySeeds = keySeeds
        secretKeys = zip(bundle.keyLayout.parameterSets, keySeeds).map { SecretKeys(parameters: $0, seed: $1) }
    }

    /// Fresh secret keys (seeds from libsodium's `randombytes_buf`) for `bundle`.
    /// - Throws: `ClientError` when the circuit needs keys this build cannot make yet.
    public static func generate(for bundle: ClientBundle) throws -> KeyHolder {
        guard bundle.keyLayout.partitionKeyswitches.isEmpty else {
            throw ClientError(code: "client.unsupported_layout",
                              "the circuit needs keyswitch keys between parameter sets, which this build cannot generate yet")
        }
        return KeyHolder(bundle: bundle, keySeeds: bundle.keyLayout.parameterSets.map { _ in Seed.random() })
    }

    /// The seeded evaluation keys (what the server gets), freshly generated.
    public func evaluationKeys() -> Cml_V1_EvaluationKeys {
        var message = Cml_V1_EvaluationKeys()
        message.keyLayoutHash = Data(bundle.keyLayout.hash)
        message.parameterSetKeys = secretKeys.enumerated().map { index, keys in
            keys.seededEvaluationKeys().wire(parameterSetIndex: index)
        }
        return message
    }

    // MARK: Secret-key file

    /// The secret keys as a framed `SecretKeys` message (plaintext: seal it before storing).
    func framedSecretKeys() -> Data {
        var message = Cml_V1_SecretKeys()
        message.keyLayoutHash = Data(bundle.keyLayout.hash)
        message.keys = keySeeds.enumerated().map { index, seed in
            var entry = Cml_V1_ParameterSetSecretKeys()
            entry.parameterSetIndex = UInt32(index)
            entry.keySeed = Data(seed.bytes)
            return entry
        }
        return message.framed()
    }

    /// Rebuilds the keys from a framed `SecretKeys` message.
    /// - Throws: `WireFormatError` for a malformed message or one made for another circuit.
    convenience init(bundle: ClientBundle, framedSecretKeys: Data) throws {
        let message = try Cml_V1_SecretKeys.decodeFramed(framedSecretKeys)
        try bundle.keyLayout.checkHash(message.keyLayoutHash, field: "secretKeys.keyLayoutHash")
        guard message.keys.count == bundle.keyLayout.parameterSets.count else {
            throw WireFormatError(.invalidField, field: "secretKeys.keys", offset: nil,
                                  "has \(message.keys.count) entries, the layout has \(bundle.keyLayout.parameterSets.count)")
        }
        let seeds = try message.keys.enumerated().map { index, entry in
            guard entry.parameterSetIndex == index, entry.keySeed.count == Seed.byteCount else {
                throw WireFormatError(.invalidField, field: "secretKeys.keys[\(index)]", offset: nil,
                                      "needs index \(index) and a \(Seed.byteCount)-byte seed")
            }
            return Seed(bytes: Array(entry.keySeed))
        }
        self.init(bundle: bundle, keySeeds: seeds)
    }
}

extension KeyHolder {
    /// The secret key for parameter set `index` (for encryption and decryption).
    func keys(_ index: Int) -> SecretKeys { secretKeys[index] }
}
