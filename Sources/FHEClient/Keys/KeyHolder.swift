// The data owner's side: secret keys for every parameter set of a compiled circuit, the
// evaluation keys made from them, encryption of quantized inputs and decryption of outputs.
@_spi(KeyHolder) import FHECore
import Foundation

/// Holds the secret keys of one compiled circuit; encrypts inputs and decrypts outputs.
public final class KeyHolder: Sendable {
    /// The client part of the bundle the keys were made for.
    public let bundle: ClientBundle
    private let secretKeys: PartitionedSecretKeys
    private let keySeeds: [Seed]

    private init(bundle: ClientBundle, keySeeds: [Seed]) {
        self.bundle = bundle
        self.keySeeds = keySeeds
        secretKeys = PartitionedSecretKeys(layout: bundle.keyLayout, seeds: keySeeds)
    }

    /// Fresh secret keys (seeds from libsodium's `randombytes_buf`, one per parameter set) for `bundle`.
    /// - Throws: nothing today; kept throwing for layouts a later build may refuse.
    public static func generate(for bundle: ClientBundle) throws -> KeyHolder {
        KeyHolder(bundle: bundle, keySeeds: bundle.keyLayout.parameterSets.map { _ in Seed.random() })
    }

    /// The seeded evaluation keys (what the server gets), freshly generated: per parameter set its bootstrap key
    /// and, where the layout lists it, its own keyswitch key; the layout's keyswitch keys between sets.
    public func evaluationKeys() -> Cml_V1_EvaluationKeys {
        secretKeys.seededEvaluationKeys().wire(layout: bundle.keyLayout)
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
    func keys(_ index: Int) -> SecretKeys { secretKeys.partitions[index] }
}
