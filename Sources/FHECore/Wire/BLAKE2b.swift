// BLAKE2b-256 through libsodium's crypto_generichash: frame checksums, key ids, bundle hashes.
import CSodium

/// Unkeyed BLAKE2b with a 32-byte digest.
public enum BLAKE2b {
    /// Digest length in bytes.
    public static let digestByteCount = 32

    /// The digest of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = Hasher()
        hasher.update(Array(bytes))
        return hasher.finalize()
    }

    /// Incremental hashing, for data that arrives in pieces (uploads, big files).
    public struct Hasher: ~Copyable {
        // crypto_generichash_state is a 64-byte-aligned C struct that Swift does not import,
        // so the state lives in raw memory of libsodium's advertised size and alignment.
        private let state: UnsafeMutableRawPointer
        private var finished = false

        /// A fresh hasher.
        public init() {
            Sodium.ensureInitialized()
            state = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
            let rc = crypto_generichash_init(OpaquePointer(state), nil, 0, BLAKE2b.digestByteCount)
            precondition(rc == 0, "crypto_generichash_init failed")
        }

        /// Absorbs `bytes`.
        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            precondition(!finished, "BLAKE2b.Hasher used after finalize()")
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            _ = crypto_generichash_update(OpaquePointer(state), base.assumingMemoryBound(to: UInt8.self),
                                          UInt64(bytes.count))
        }

        /// Absorbs `bytes`.
        public mutating func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { update($0) }
        }

        /// The digest; the hasher cannot be updated afterwards.
        public mutating func finalize() -> [UInt8] {
            precondition(!finished, "BLAKE2b.Hasher finalized twice")
            finished = true
            var digest = [UInt8](repeating: 0, count: BLAKE2b.digestByteCount)
            digest.withUnsafeMutableBufferPointer {
                _ = crypto_generichash_final(OpaquePointer(state), $0.baseAddress!, BLAKE2b.digestByteCount)
            }
            return digest
        }

        deinit { state.deallocate() }
    }

    /// Lower-case hexadecimal of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
