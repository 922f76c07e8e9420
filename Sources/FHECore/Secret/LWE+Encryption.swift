// LWE encryption and decryption (docs/ALGORITHMS.md#encoding): b = ⟨a, s⟩ + μ + e.

/// LWE encryption, decryption and the secret-key side of seeded ciphertexts.
@_spi(KeyHolder)
public enum LWEEncryption {
    /// Writes an encryption of `plaintext` (an encoded torus value) to `output` (n+1 words):
    /// mask from `generator.mask`, Gaussian noise of standard deviation `noise` (torus).
    static func encrypt(
        _ plaintext: UInt64, key: LWESecretKey, noise: Double, generator: EncryptionRandomGenerator,
        into output: UnsafeMutableBufferPointer<UInt64>
    ) {
        let n = key.lweDimension.rawValue
        precondition(output.count == n + 1, "output has \(output.count) words, key dimension \(n)")
        generator.fillMask(UnsafeMutableBufferPointer(rebasing: output[0..<n]))
        output[n] = key.dot(output.baseAddress!) &+ plaintext &+ generator.gaussianTorus(standardDeviation: noise)
    }

    /// An encryption of `plaintext` under `key`.
    public static func encrypt(
        _ plaintext: UInt64, key: LWESecretKey, noise: Double, generator: EncryptionRandomGenerator
    ) -> LWECiphertext {
        var c = LWECiphertext(lweDimension: key.lweDimension)
        c.data.withUnsafeMutableBufferPointer { encrypt(plaintext, key: key, noise: noise, generator: generator, into: $0) }
        return c
    }

    /// The phase b − ⟨a, s⟩ (message plus noise).
    public static func phase(_ ciphertext: LWECiphertext, key: LWESecretKey) -> UInt64 {
        precondition(ciphertext.lweDimension == key.lweDimension,
                     "ciphertext of \(ciphertext.lweDimension) under a key of \(key.lweDimension)")
        return ciphertext.data.withUnsafeBufferPointer { $0[key.lweDimension.rawValue] &- key.dot($0.baseAddress!) }
    }

    /// A seeded encryption: the mask is stream 0 under `seeds.maskSeed`.
    public static func encryptSeeded(
        _ plaintext: UInt64, key: LWESecretKey, noise: Double, seeds: EncryptionSeeds
    ) -> SeededLWECiphertext {
        let full = encrypt(plaintext, key: key, noise: noise, generator: seeds.generator(forItem: 0))
        return SeededLWECiphertext(maskSeed: seeds.maskSeed, body: full.body, lweDimension: key.lweDimension)
    }

    /// Seeded encryptions of `plaintexts`, ciphertext i with stream i.
    public static func encryptSeeded(
        _ plaintexts: [UInt64], key: LWESecretKey, noise: Double, seeds: EncryptionSeeds
    ) -> SeededLWECiphertextList {
        let bodies = plaintexts.enumerated().map { i, m in
            encrypt(m, key: key, noise: noise, generator: seeds.generator(forItem: i)).body
        }
        return SeededLWECiphertextList(maskSeed: seeds.maskSeed, bodies: bodies, lweDimension: key.lweDimension)
    }
}

extension SecretKeys {
    /// Encrypts a p-bit message (Δ = 2^(63−bits)) under the big key with the GLWE noise, as Concrete does for
    /// circuit inputs (docs/PARAMETERS.md#security-curve).
    public func encrypt(_ message: Int64, bits: Int, generator: EncryptionRandomGenerator) -> LWECiphertext {
        LWEEncryption.encrypt(Torus.encode(message, bits: bits), key: bigLWEKey,
                              noise: parameters.glweNoiseStandardDeviation, generator: generator)
    }

    /// Encrypts with fresh randomness.
    public func encrypt(_ message: Int64, bits: Int) -> LWECiphertext {
        encrypt(message, bits: bits, generator: EncryptionSeeds.random().generator(forItem: 0))
    }

    /// Encrypts a torus plaintext under the big key with the GLWE noise (a CRT block: `CRTEncoding.plaintexts`).
    public func encrypt(plaintext: UInt64) -> LWECiphertext {
        LWEEncryption.encrypt(plaintext, key: bigLWEKey, noise: parameters.glweNoiseStandardDeviation,
                              generator: EncryptionSeeds.random().generator(forItem: 0))
    }

    /// Decrypts a big-key ciphertext to an unsigned p-bit message.
    public func decrypt(_ ciphertext: LWECiphertext, bits: Int) -> UInt64 {
        Torus.decode(LWEEncryption.phase(ciphertext, key: bigLWEKey), bits: bits)
    }

    /// Decrypts a big-key ciphertext to a signed p-bit message.
    public func decryptSigned(_ ciphertext: LWECiphertext, bits: Int) -> Int64 {
        Torus.decodeSigned(LWEEncryption.phase(ciphertext, key: bigLWEKey), bits: bits)
    }
}
