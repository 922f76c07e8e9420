// LWE bootstrap key (docs/ALGORITHMS.md#external-product): n GGSW encryptions of the small-key bits under the GLWE key.

/// A bootstrap key in the standard (torus) domain: n GGSW ciphertexts back to back.
public struct LWEBootstrapKey: Hashable, Sendable {
    /// GGSW i occupies words [i·G, (i+1)·G), G = l·(k+1)²·N, laid out as `GGSWCiphertext`.
    public var data: [UInt64]
    /// n: number of GGSWs (small key bits).
    public let inputDimension: LWEDimension
    /// k.
    public let glweDimension: GLWEDimension
    /// N.
    public let polynomialSize: PolynomialSize
    /// Gadget (β, l).
    public let decomposition: DecompositionParameters

    /// Words of one GGSW.
    public var ggswWordCount: Int {
        GGSWCiphertext.wordCount(glweDimension: glweDimension, polynomialSize: polynomialSize, decomposition: decomposition)
    }

    /// A key over existing words.
    /// - Precondition: `data.count` matches the dimensions.
    public init(data: [UInt64], inputDimension: LWEDimension, glweDimension: GLWEDimension,
                polynomialSize: PolynomialSize, decomposition: DecompositionParameters) {
        self.inputDimension = inputDimension
        self.glweDimension = glweDimension
        self.polynomialSize = polynomialSize
        self.decomposition = decomposition
        self.data = []
        precondition(data.count == inputDimension.rawValue * ggswWordCount,
                     "bootstrap key needs \(inputDimension.rawValue * ggswWordCount) words, got \(data.count)")
        self.data = data
    }

    /// GGSW `index`.
    public func ggsw(_ index: Int) -> GGSWCiphertext {
        let g = ggswWordCount
        return GGSWCiphertext(data: Array(data[index * g..<(index + 1) * g]), glweDimension: glweDimension,
                              polynomialSize: polynomialSize, decomposition: decomposition)
    }

    /// Size in bytes.
    public var byteCount: Int { data.count * 8 }
}

/// A bootstrap key stored as GLWE bodies only; the masks of GGSW i are stream i under `maskSeed`, consumed
/// k·N words per row in (level, row) order.
public struct SeededLWEBootstrapKey: Hashable, Sendable {
    /// Seed of the mask streams (public).
    public let maskSeed: Seed
    /// Bodies: [GGSW i][level j][row r][N].
    public var bodies: [UInt64]
    /// n.
    public let inputDimension: LWEDimension
    /// k.
    public let glweDimension: GLWEDimension
    /// N.
    public let polynomialSize: PolynomialSize
    /// Gadget (β, l).
    public let decomposition: DecompositionParameters
    /// Bits of each body that carry information (`ParameterSet.bootstrapKeyBodyBits`): the wire sends bits/8
    /// bytes per body.
    public let bodyBits: Int

    /// A seeded key from its parts.
    /// - Precondition: `bodies.count == n·l·(k+1)·N`; with `bodyBits` < 64 every body is a multiple of 2^(64 − bodyBits).
    public init(maskSeed: Seed, bodies: [UInt64], inputDimension: LWEDimension, glweDimension: GLWEDimension,
                polynomialSize: PolynomialSize, decomposition: DecompositionParameters, bodyBits: Int = 64) {
        let expected = inputDimension.rawValue * decomposition.levelCount.rawValue * glweDimension.glweSize
            * polynomialSize.rawValue
        precondition(bodies.count == expected, "seeded bootstrap key needs \(expected) body words, got \(bodies.count)")
        self.maskSeed = maskSeed
        self.bodies = bodies
        self.inputDimension = inputDimension
        self.glweDimension = glweDimension
        self.polynomialSize = polynomialSize
        self.decomposition = decomposition
        precondition(bodyBits % 8 == 0 && (8...64).contains(bodyBits), "body bits must be a multiple of 8 in 8...64, got \(bodyBits)")
        precondition(bodyBits == 64 || bodies.allSatisfy { $0 & ((1 << UInt64(64 - bodyBits)) - 1) == 0 },
                     "bodies of a \(bodyBits)-bit seeded bootstrap key must have their low \(64 - bodyBits) bits clear")
        self.bodyBits = bodyBits
    }

    /// Size in bytes as sent (bodies at `bodyBits`, plus seed).
    public var byteCount: Int { bodies.count * bodyBits / 8 + Seed.byteCount }
}
