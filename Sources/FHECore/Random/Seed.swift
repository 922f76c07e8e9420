// Seeds for the deterministic ChaCha20 streams (docs/ALGORITHMS.md#seeded-objects).
import CSodium

/// A 256-bit ChaCha20 key. Public when it seeds masks (compressed keys and ciphertexts), secret when it seeds noise.
public struct Seed: Hashable, Sendable, Codable {
    /// The 32 key bytes.
    public let bytes: [UInt8]

    /// Number of bytes of a seed.
    public static let byteCount = 32

    /// A seed with the given bytes.
    /// - Precondition: `bytes.count == 32`.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount, "a seed has \(Self.byteCount) bytes, got \(bytes.count)")
        self.bytes = bytes
    }

    /// A fresh seed from the operating system's CSPRNG (`randombytes_buf`).
    public static func random() -> Seed {
        Sodium.ensureInitialized()
        var bytes = [UInt8](repeating: 0, count: byteCount)
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, byteCount) }
        return Seed(bytes: bytes)
    }
}

/// libsodium initialization, done once (package-wide: FHEClient's at-rest sealing needs it too).
package enum Sodium {
    private static let initialized: Bool = { sodium_init() >= 0 }()

    /// Calls `sodium_init` once; traps if libsodium cannot initialize (no usable entropy source).
    package static func ensureInitialized() {
        precondition(initialized, "libsodium failed to initialize")
    }
}
