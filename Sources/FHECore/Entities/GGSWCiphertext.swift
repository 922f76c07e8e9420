// GGSW ciphertext (docs/ALGORITHMS.md#external-product): l levels × (k+1) rows, each row a GLWE ciphertext.

/// A GGSW ciphertext over one flat buffer: [level j = 1…l][row r = 0…k][polynomial 0…k][N].
public struct GGSWCiphertext: Hashable, Sendable {
    /// Row (j, r) is the GLWE at word offset ((j·(k+1) + r)·(k+1))·N.
    public var data: [UInt64]
    /// k.
    public let glweDimension: GLWEDimension
    /// N.
    public let polynomialSize: PolynomialSize
    /// Gadget (β, l).
    public let decomposition: DecompositionParameters

    /// Number of words of one GGSW ciphertext.
    public static func wordCount(glweDimension: GLWEDimension, polynomialSize: PolynomialSize,
                                 decomposition: DecompositionParameters) -> Int {
        decomposition.levelCount.rawValue * glweDimension.glweSize * glweDimension.glweSize * polynomialSize.rawValue
    }

    /// A ciphertext over existing words.
    /// - Precondition: `data.count` matches the dimensions.
    public init(data: [UInt64], glweDimension: GLWEDimension, polynomialSize: PolynomialSize,
                decomposition: DecompositionParameters) {
        let expected = Self.wordCount(glweDimension: glweDimension, polynomialSize: polynomialSize, decomposition: decomposition)
        precondition(data.count == expected, "GGSW ciphertext needs \(expected) words, got \(data.count)")
        self.data = data
        self.glweDimension = glweDimension
        self.polynomialSize = polynomialSize
        self.decomposition = decomposition
    }
}
