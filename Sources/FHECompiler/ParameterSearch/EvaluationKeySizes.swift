// Evaluation-key sizes, docs/PARAMETERS.md#key-sizes: u64 elements × 8 bytes (a Fourier bootstrap key has
// the same byte count); a seeded key stores bodies only, plus a 16-byte seed.
import FHECore

/// Bytes of the evaluation keys the server needs, full and seeded (compressed).
public struct EvaluationKeySizes: Hashable, Sendable, Codable {
    /// Bootstrap keys: Σ n·l·(k+1)²·N·8.
    public let bootstrapKeyBytes: Int
    /// Seeded bootstrap keys: Σ n·l·(k+1)·N·8 + 16.
    public let seededBootstrapKeyBytes: Int
    /// Keyswitch keys in their 32-bit evaluation form (`LWEKeyswitchKey`): Σ n_in·l·(n_out+1)·4.
    public let keyswitchKeyBytes: Int
    /// Seeded keyswitch keys: Σ n_in·l·8 + 16.
    public let seededKeyswitchKeyBytes: Int

    /// Everything the server holds, full.
    public var totalBytes: Int { bootstrapKeyBytes + keyswitchKeyBytes }
    /// Everything the client sends, seeded.
    public var seededTotalBytes: Int { seededBootstrapKeyBytes + seededKeyswitchKeyBytes }

    /// Sizes given directly.
    public init(bootstrapKeyBytes: Int, seededBootstrapKeyBytes: Int, keyswitchKeyBytes: Int, seededKeyswitchKeyBytes: Int) {
        self.bootstrapKeyBytes = bootstrapKeyBytes
        self.seededBootstrapKeyBytes = seededBootstrapKeyBytes
        self.keyswitchKeyBytes = keyswitchKeyBytes
        self.seededKeyswitchKeyBytes = seededKeyswitchKeyBytes
    }

    /// No keys.
    public static let zero = EvaluationKeySizes(bootstrapKeyBytes: 0, seededBootstrapKeyBytes: 0, keyswitchKeyBytes: 0, seededKeyswitchKeyBytes: 0)

    /// The bootstrap key and the big-to-small keyswitch key of one parameter set.
    public init(for parameters: ParameterSet) {
        self = .bootstrapKey(for: parameters)
            + .keyswitchKey(inputDimension: parameters.bigLWEDimension.rawValue, outputDimension: parameters.lweDimension.rawValue,
                            levelCount: parameters.ksDecomposition.levelCount.rawValue)
    }

    /// The bootstrap key of one parameter set.
    public static func bootstrapKey(for parameters: ParameterSet) -> EvaluationKeySizes {
        let n = parameters.lweDimension.rawValue
        let glweSize = parameters.glweDimension.glweSize
        let bigN = parameters.polynomialSize.rawValue
        let levels = parameters.pbsDecomposition.levelCount.rawValue
        return EvaluationKeySizes(
            bootstrapKeyBytes: n * levels * glweSize * glweSize * bigN * 8,
            seededBootstrapKeyBytes: seededBootstrapKeyBytes(lweDimension: n, glweDimension: glweSize - 1, polynomialSize: bigN,
                                                             levelCount: levels, bodyBits: parameters.bootstrapKeyBodyBits),
            keyswitchKeyBytes: 0, seededKeyswitchKeyBytes: 0)
    }

    /// One keyswitch key from a key of dimension `inputDimension` to one of `outputDimension`.
    public static func keyswitchKey(inputDimension: Int, outputDimension: Int, levelCount: Int) -> EvaluationKeySizes {
        EvaluationKeySizes(bootstrapKeyBytes: 0, seededBootstrapKeyBytes: 0,
                           keyswitchKeyBytes: inputDimension * levelCount * (outputDimension + 1) * 4,
                           seededKeyswitchKeyBytes: seededKeyswitchKeyBytes(inputDimension: inputDimension, levelCount: levelCount))
    }

    /// Seeded bootstrap key bytes: n·l·(k+1)·N·bodyBits/8 + 16 (the search's key budget uses it on raw dimensions).
    public static func seededBootstrapKeyBytes(lweDimension n: Int, glweDimension k: Int, polynomialSize: Int, levelCount: Int,
                                               bodyBits: Int = 64) -> Int {
        n * levelCount * (k + 1) * polynomialSize * bodyBits / 8 + 16
    }

    /// Seeded keyswitch key bytes: n_in·l·8 + 16.
    public static func seededKeyswitchKeyBytes(inputDimension: Int, levelCount: Int) -> Int {
        inputDimension * levelCount * 8 + 16
    }

    /// The keys of both.
    public static func + (a: EvaluationKeySizes, b: EvaluationKeySizes) -> EvaluationKeySizes {
        EvaluationKeySizes(bootstrapKeyBytes: a.bootstrapKeyBytes + b.bootstrapKeyBytes,
                           seededBootstrapKeyBytes: a.seededBootstrapKeyBytes + b.seededBootstrapKeyBytes,
                           keyswitchKeyBytes: a.keyswitchKeyBytes + b.keyswitchKeyBytes,
                           seededKeyswitchKeyBytes: a.seededKeyswitchKeyBytes + b.seededKeyswitchKeyBytes)
    }
}
