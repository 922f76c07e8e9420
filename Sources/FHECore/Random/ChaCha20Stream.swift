// A deterministic, seekable stream of 64-bit words: ChaCha20 keystream (libsodium) read little-endian.
import CSodium

/// ChaCha20 keystream under a 32-byte seed and a 64-bit stream id (the nonce).
///
/// The stream id separates independent streams under one seed (one per ciphertext, per GGSW, per keyswitch
/// row), so items can be generated and regenerated independently and in parallel. Zeroizes its key and buffer.
public final class ChaCha20Stream {
    private let key: UnsafeMutableBufferPointer<UInt8>
    private var nonce: UInt64
    /// Next 64-byte block counter.
    private var blockCounter: UInt64 = 0
    /// One buffered block, for reads that are not block aligned.
    private let block: UnsafeMutableBufferPointer<UInt64>
    private var blockPosition = 8

    /// A stream positioned at word 0 of stream `streamID` under `seed`.
    public init(seed: Seed, streamID: UInt64) {
        Sodium.ensureInitialized()
        key = .allocate(capacity: Seed.byteCount)
        _ = key.initialize(from: seed.bytes)
        nonce = streamID.littleEndian
        block = .allocate(capacity: 8)
        block.initialize(repeating: 0)
    }

    deinit {
        sodium_memzero(key.baseAddress!, Seed.byteCount)
        sodium_memzero(block.baseAddress!, 64)
        key.deallocate()
        block.deallocate()
    }

    /// Moves to word `wordOffset` of the stream.
    public func seek(toWord wordOffset: Int) {
        precondition(wordOffset >= 0, "negative stream offset \(wordOffset)")
        blockCounter = UInt64(wordOffset / 8)
        blockPosition = 8
        if wordOffset % 8 != 0 {
            refillBlock()
            blockPosition = wordOffset % 8
        }
    }

    private func keystream(into destination: UnsafeMutableRawPointer, blocks: Int) {
        destination.initializeMemory(as: UInt8.self, repeating: 0, count: blocks * 64)
        let d = destination.assumingMemoryBound(to: UInt8.self)
        withUnsafeBytes(of: &nonce) { n in
            _ = crypto_stream_chacha20_xor_ic(
                d, d, UInt64(blocks * 64), n.baseAddress!.assumingMemoryBound(to: UInt8.self), blockCounter,
                key.baseAddress!)
        }
        blockCounter &+= UInt64(blocks)
    }

    private func refillBlock() {
        keystream(into: UnsafeMutableRawPointer(block.baseAddress!), blocks: 1)
        blockPosition = 0
    }

    /// Fills `words` with the next `words.count` words of the stream.
    public func fill(_ words: UnsafeMutableBufferPointer<UInt64>) {
        guard let base = words.baseAddress else { return }
        var i = 0
        let count = words.count
        while i < count && blockPosition < 8 {
            base[i] = UInt64(littleEndian: block[blockPosition])
            i += 1
            blockPosition += 1
        }
        let wholeBlocks = (count - i) / 8
        if wholeBlocks > 0 {
            keystream(into: UnsafeMutableRawPointer(base + i), blocks: wholeBlocks)
            i += wholeBlocks * 8
        }
        while i < count {
            if blockPosition == 8 { refillBlock() }
            base[i] = UInt64(littleEndian: block[blockPosition])
            i += 1
            blockPosition += 1
        }
    }

    /// The next word of the stream.
    public func next() -> UInt64 {
        if blockPosition == 8 { refillBlock() }
        let w = UInt64(littleEndian: block[blockPosition])
        blockPosition += 1
        return w
    }
}
