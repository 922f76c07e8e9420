// LWE keyswitch key (reference/tfhe.md §5.3): KSK[i][j] = LWE_{s_out}(s_in[i]·q/B^j).

/// A keyswitch key from the big key (dimension k·N) to the small key (n), one flat buffer:
/// [input coefficient i][level j = 1…l][n+1 words].
public struct LWEKeyswitchKey: Hashable, Sendable {
    /// The ciphertexts, level 1 first within each input coefficient.
    public var data: [UInt64]
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

    /// A key over existing words.
    /// - Precondition: `data.count` matches the dimensions.
    public init(data: [UInt64], inputDimension: LWEDimension, outputDimension: LWEDimension,
                decomposition: DecompositionParameters) {
        let expected = Self.wordCount(input: inputDimension, output: outputDimension, decomposition: decomposition)
        precondition(data.count == expected, "keyswitch key needs \(expected) words, got \(data.count)")
        self.data = data
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension
        self.decomposition = decomposition
    }

    /// Size in bytes.
    public var byteCount: Int { data.count * 8 }
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
