// LWE keyswitch key (docs/ALGORITHMS.md#keyswitch): KSK[i][j] = LWE_{s_out}(s_in[i]·q/B^j).

/// A keyswitch key from the big key (dimension k·N) to the small key (n), one flat buffer:
/// [input coefficient i][level j = 1…l][n+1 words], in its 32-bit evaluation form: each word of the 64-bit key
/// (as generated, and as sent seeded) rounded to its nearest multiple of 2^32, so the keyswitch runs mod 2^32
/// on half the memory.
///
/// The rounding is public post-processing of a public key: it costs no security (an LWE key generated mod 2^32
/// with Concrete's noise would not be as secure). Its noise is that of moving every word by at most 2^−33: the
/// rows' effective noise variance grows by 2^−64/12·(1 + n/2) (`NoiseModel.keyswitchKeyVariance`), a small
/// fraction of the key's own noise (docs/NOISE.md#keyswitch). The keyswitch output feeds the modulus switch to
/// 2N ≤ 2^18, so 32 bits keep more than it reads.
public struct LWEKeyswitchKey: Hashable, Sendable {
    /// The ciphertexts' words mod 2^32 (the top halves of the 64-bit words, rounded), level 1 first within each
    /// input coefficient.
    public var data: [UInt32]
    /// Dimension of the input key.
    public let inputDimension: LWEDimension
    /// Dimension of the output key.
    public let outputDimension: LWEDimension
    /// Gadget (β, l).
    public let decomposition: DecompositionParameters

    /// Number of words of a key with these dimensions.
    public static func wordCount(input: LWEDimension, output: LWEDimension, decomposition: DecompositionParameters) -> Int {
        input.rawValue * decomposition.levelCount.rawValue * output.lweSize
    }

    /// The evaluation form of a key whose 64-bit rows `rows(i, into)` writes, input coefficient by input
    /// coefficient (l·(n+1) words each, level 1 first), in parallel: the 64-bit key never exists whole.
    public init(inputDimension: LWEDimension, outputDimension: LWEDimension, decomposition: DecompositionParameters,
                rows: (Int, UnsafeMutablePointer<UInt64>) -> Void) {
        let rowWords = decomposition.levelCount.rawValue * outputDimension.lweSize
        let count = inputDimension.rawValue
        data = [UInt32](unsafeUninitializedCapacity: count * rowWords) { buffer, initialized in
            let base = buffer.baseAddress!
            Parallel.forEach(count: count, makeState: { WorkerBuffer<UInt64>(count: rowWords) }) { words, i in
                rows(i, words.pointer)
                for t in 0..<rowWords { base[i * rowWords + t] = Self.rounded(words.pointer[t]) }
            }
            initialized = count * rowWords
        }
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension
        self.decomposition = decomposition
    }

    /// The nearest multiple of 2^32 to a torus word, as its multiple (mod 2^32).
    @inline(__always)
    public static func rounded(_ word: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: (word &+ (1 << 31)) >> 32) }

    /// Size in bytes.
    public var byteCount: Int { data.count * 4 }
}

/// A keyswitch key stored as bodies only; the mask of row (i, j) is words j·n … of stream i under `maskSeed`.
public struct SeededLWEKeyswitchKey: Hashable, Sendable {
    /// Seed of the mask streams (public).
    public let maskSeed: Seed
    /// Bodies, [input coefficient i][level j].
    public var bodies: [UInt64]
    /// Dimension of the input key.
    public let inputDimension: LWEDimension
    /// Dimension of the output key.
    public let outputDimension: LWEDimension
    /// Gadget (β, l).
    public let decomposition: DecompositionParameters

    /// A seeded key from its parts.
    /// - Precondition: one body per (input coefficient, level).
    public init(maskSeed: Seed, bodies: [UInt64], inputDimension: LWEDimension, outputDimension: LWEDimension,
                decomposition: DecompositionParameters) {
        let expected = inputDimension.rawValue * decomposition.levelCount.rawValue
        precondition(bodies.count == expected, "seeded keyswitch key needs \(expected) bodies, got \(bodies.count)")
        self.maskSeed = maskSeed
        self.bodies = bodies
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension
        self.decomposition = decomposition
    }

    /// Size in bytes (bodies plus seed).
    public var byteCount: Int { bodies.count * 8 + Seed.byteCount }
}
