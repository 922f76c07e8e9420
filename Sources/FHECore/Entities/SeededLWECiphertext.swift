// Seeded (compressed) LWE ciphertexts (docs/ALGORITHMS.md#seeded-objects): the body plus the seed of the mask stream.

/// An LWE ciphertext whose mask is word 0 … n−1 of ChaCha20 stream 0 under `maskSeed`.
public struct SeededLWECiphertext: Hashable, Sendable {
    /// Seed of the mask stream (public).
    public let maskSeed: Seed
    /// b.
    public var body: UInt64
    /// n.
    public let lweDimension: LWEDimension

    /// A seeded ciphertext from its parts.
    public init(maskSeed: Seed, body: UInt64, lweDimension: LWEDimension) {
        self.maskSeed = maskSeed
        self.body = body
        self.lweDimension = lweDimension
    }
}

/// Seeded LWE ciphertexts sharing one seed: the mask of ciphertext i is stream i under `maskSeed`.
public struct SeededLWECiphertextList: Hashable, Sendable {
    /// Seed of the mask streams (public).
    public let maskSeed: Seed
    /// One body per ciphertext.
    public var bodies: [UInt64]
    /// n.
    public let lweDimension: LWEDimension

    /// A seeded list from its parts.
    public init(maskSeed: Seed, bodies: [UInt64], lweDimension: LWEDimension) {
        self.maskSeed = maskSeed
        self.bodies = bodies
        self.lweDimension = lweDimension
    }

    /// Number of ciphertexts.
    public var count: Int { bodies.count }
}
