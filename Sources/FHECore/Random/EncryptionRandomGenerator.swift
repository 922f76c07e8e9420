// Mask and noise randomness for encryption (docs/ALGORITHMS.md#lwe-and-glwe, #seeded-objects).
import Foundation

/// The two seeds behind every encryption: a public mask seed (masks can be regenerated from it, which is
/// what makes seeded keys and ciphertexts possible) and a secret noise seed.
///
/// Item `i` of an object (ciphertext `i` of a list, GGSW `i` of a bootstrap key, input coefficient `i` of a
/// keyswitch key) uses stream id `i` under each seed, so items are independent and can be made in parallel.
public struct EncryptionSeeds: Sendable {
    /// Seeds the masks; stored in seeded objects.
    public let maskSeed: Seed
    /// Seeds the noise; must stay secret.
    let noiseSeed: Seed

    /// Fresh seeds from `randombytes_buf`.
    public static func random() -> EncryptionSeeds {
        EncryptionSeeds(maskSeed: .random(), noiseSeed: .random())
    }

    /// Explicit seeds (deterministic tests and benchmarks).
    public init(maskSeed: Seed, noiseSeed: Seed) {
        self.maskSeed = maskSeed
        self.noiseSeed = noiseSeed
    }

    /// The generator of item `index`.
    public func generator(forItem index: Int) -> EncryptionRandomGenerator {
        EncryptionRandomGenerator(
            mask: ChaCha20Stream(seed: maskSeed, streamID: UInt64(index)),
            noise: ChaCha20Stream(seed: noiseSeed, streamID: UInt64(index)))
    }
}

/// A mask stream plus a noise stream that yields rounded Gaussian torus samples.
public final class EncryptionRandomGenerator {
    /// Uniform mask words.
    public let mask: ChaCha20Stream
    private let noise: ChaCha20Stream
    private var spare: Double = 0
    private var hasSpare = false

    /// A generator over the given streams.
    public init(mask: ChaCha20Stream, noise: ChaCha20Stream) {
        self.mask = mask
        self.noise = noise
    }

    deinit { spare = 0 }

    /// Fills `words` with uniform mask words.
    @inline(__always)
    public func fillMask(_ words: UnsafeMutableBufferPointer<UInt64>) { mask.fill(words) }

    /// A standard normal sample (Box–Muller on two 53-bit uniforms from the noise stream).
    public func standardNormal() -> Double {
        if hasSpare {
            hasSpare = false
            return spare
        }
        // u1 in (0, 1] so that log is finite.
        let u1 = (Double(noise.next() >> 11) + 1) * 0x1p-53
        let u2 = Double(noise.next() >> 11) * 0x1p-53
        let radius = (-2 * Foundation.log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spare = radius * Foundation.sin(angle)
        hasSpare = true
        return radius * Foundation.cos(angle)
    }

    /// A rounded Gaussian torus sample with standard deviation `standardDeviation` (torus units):
    /// round(frac(σ·g)·2^64) mod 2^64.
    public func gaussianTorus(standardDeviation: Double) -> UInt64 {
        Torus.fromReal(standardDeviation * standardNormal())
    }
}
