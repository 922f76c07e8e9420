// Fourier-domain bootstrap key (reference/tfhe.md §5.5): every GGSW polynomial forward-transformed once.

/// A bootstrap key whose polynomials are Fourier polynomials (N doubles each: M re, then M im), laid out
/// like `LWEBootstrapKey`: [GGSW i][level j][row r][polynomial c][N].
public struct FourierLWEBootstrapKey: Sendable {
    /// The Fourier polynomials.
    public let data: [Double]
    /// n.
    public let inputDimension: LWEDimension
    /// k.
    public let glweDimension: GLWEDimension
    /// N.
    public let polynomialSize: PolynomialSize
    /// Gadget (β, l).
    public let decomposition: DecompositionParameters

    /// A key over existing Fourier data.
    /// - Precondition: `data.count == n·l·(k+1)²·N`.
    public init(data: [Double], inputDimension: LWEDimension, glweDimension: GLWEDimension,
                polynomialSize: PolynomialSize, decomposition: DecompositionParameters) {
        let expected = inputDimension.rawValue * GGSWCiphertext.wordCount(
            glweDimension: glweDimension, polynomialSize: polynomialSize, decomposition: decomposition)
        precondition(data.count == expected, "Fourier bootstrap key needs \(expected) doubles, got \(data.count)")
        self.data = data
        self.inputDimension = inputDimension
        self.glweDimension = glweDimension
        self.polynomialSize = polynomialSize
        self.decomposition = decomposition
    }

    /// Size in bytes.
    public var byteCount: Int { data.count * 8 }
}
