// Fourier-domain bootstrap key (docs/ALGORITHMS.md#negacyclic-fft): every GGSW polynomial forward-transformed once.

/// A bootstrap key whose polynomials are Fourier polynomials (N doubles each: M re, then M im), laid out
/// like `LWEBootstrapKey`: [GGSW i][level j][row r][polynomial c][N]. A split key (`FourierPrecision.split`)
/// holds two such GGSWs per i, the top parts then the rests: [GGSW i][part][level j][row r][polynomial c][N].
public struct FourierLWEBootstrapKey: Sendable {
    /// The Fourier polynomials, cache-line aligned for the vector kernels.
    public let storage: AlignedBuffer<Double>
    /// n.
    public let inputDimension: LWEDimension
    /// k.
    public let glweDimension: GLWEDimension
    /// N.
    public let polynomialSize: PolynomialSize
    /// Gadget (β, l).
    public let decomposition: DecompositionParameters
    /// Whole or split key polynomials.
    public let fourierPrecision: FourierPrecision

    /// A key over a copy of `data`.
    /// - Precondition: `data.count == n·l·(k+1)²·N`, twice that for a split key.
    public init(data: [Double], inputDimension: LWEDimension, glweDimension: GLWEDimension,
                polynomialSize: PolynomialSize, decomposition: DecompositionParameters,
                fourierPrecision: FourierPrecision = .standard) {
        self.init(storage: AlignedBuffer(data), inputDimension: inputDimension, glweDimension: glweDimension,
                  polynomialSize: polynomialSize, decomposition: decomposition, fourierPrecision: fourierPrecision)
    }

    /// A key over existing Fourier data.
    /// - Precondition: `storage.count == n·l·(k+1)²·N`, twice that for a split key.
    public init(storage: AlignedBuffer<Double>, inputDimension: LWEDimension, glweDimension: GLWEDimension,
                polynomialSize: PolynomialSize, decomposition: DecompositionParameters,
                fourierPrecision: FourierPrecision = .standard) {
        let expected = inputDimension.rawValue * fourierPrecision.keyParts * GGSWCiphertext.wordCount(
            glweDimension: glweDimension, polynomialSize: polynomialSize, decomposition: decomposition)
        precondition(storage.count == expected, "Fourier bootstrap key needs \(expected) doubles, got \(storage.count)")
        self.storage = storage
        self.inputDimension = inputDimension
        self.glweDimension = glweDimension
        self.polynomialSize = polynomialSize
        self.decomposition = decomposition
        self.fourierPrecision = fourierPrecision
    }

    /// Size in bytes.
    public var byteCount: Int { storage.count * 8 }

    /// A copy of the Fourier polynomials.
    public var data: [Double] { storage.array }
}
