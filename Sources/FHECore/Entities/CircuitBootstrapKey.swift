// The private functional packing keyswitch keys of the circuit bootstrap (Chillotti, Gama, Georgieva, Izabachène,
// "TFHE: Fast Fully Homomorphic Encryption over the Torus", J. Cryptology 2020, "circuit bootstrapping").

/// k + 1 private functional packing keyswitch keys from the big LWE key (dimension k·N) to the GLWE key: key r
/// packs an LWE of m into a GLWE of f_r(m), with f_r(m) = −S_r·m for r < k and f_k(m) = m, the k + 1 rows of
/// each level of a GGSW of m.
///
/// Layout: [key r][input coefficient i][level j][GLWE (k+1)·N], where coefficient i < k·N stands for the key
/// coefficient −s_i and i = k·N for the body (coefficient 1): the phase of an LWE c is Σ_i c_i·κ_i, and GLWE
/// (r, i, j) encrypts f_r(κ_i)·q/B^j.
public struct CircuitBootstrapKey: Sendable {
    /// The GLWE ciphertexts.
    public let data: [UInt64]
    /// k·N, the dimension of the LWEs it packs.
    public let inputDimension: LWEDimension
    /// k.
    public let glweDimension: GLWEDimension
    /// N.
    public let polynomialSize: PolynomialSize
    /// (β_pp, l_pp).
    public let decomposition: DecompositionParameters

    /// Words of the whole key.
    public static func wordCount(inputDimension: LWEDimension, glweDimension: GLWEDimension, polynomialSize: PolynomialSize,
                                 decomposition: DecompositionParameters) -> Int {
        glweDimension.glweSize * keyWordCount(inputDimension: inputDimension, glweDimension: glweDimension,
                                              polynomialSize: polynomialSize, decomposition: decomposition)
    }

    /// Words of one of the k + 1 keys.
    static func keyWordCount(inputDimension: LWEDimension, glweDimension: GLWEDimension, polynomialSize: PolynomialSize,
                             decomposition: DecompositionParameters) -> Int {
        inputDimension.lweSize * decomposition.levelCount.rawValue * glweDimension.glweSize * polynomialSize.rawValue
    }

    /// A key over `data`.
    /// - Precondition: `data.count` is `wordCount(...)`.
    public init(data: [UInt64], inputDimension: LWEDimension, glweDimension: GLWEDimension, polynomialSize: PolynomialSize,
                decomposition: DecompositionParameters) {
        let expected = Self.wordCount(inputDimension: inputDimension, glweDimension: glweDimension,
                                      polynomialSize: polynomialSize, decomposition: decomposition)
        precondition(data.count == expected, "circuit bootstrap key needs \(expected) words, got \(data.count)")
        self.data = data
        self.inputDimension = inputDimension
        self.glweDimension = glweDimension
        self.polynomialSize = polynomialSize
        self.decomposition = decomposition
    }

    /// Size in bytes.
    public var byteCount: Int { data.count * 8 }
}

/// What the server needs for WoP-PBS lookups: the keyswitch and bootstrap keys of the base set, and the
/// circuit bootstrap key.
public struct WoPEvaluationKeys: Sendable {
    /// The parameters.
    public let parameters: WoPParameters
    /// Keyswitch (big → small) and Fourier bootstrap key of `parameters.base`.
    public let base: EvaluationKeys
    /// The packing keyswitch keys.
    public let circuitBootstrapKey: CircuitBootstrapKey

    /// Keys for `parameters`.
    /// - Precondition: the keys match `parameters`.
    public init(parameters: WoPParameters, base: EvaluationKeys, circuitBootstrapKey: CircuitBootstrapKey) {
        precondition(base.parameters == parameters.base, "base keys are for \(base.parameters), not \(parameters.base)")
        precondition(circuitBootstrapKey.inputDimension == parameters.base.bigLWEDimension
                     && circuitBootstrapKey.glweDimension == parameters.base.glweDimension
                     && circuitBootstrapKey.polynomialSize == parameters.base.polynomialSize
                     && circuitBootstrapKey.decomposition == parameters.packingKeyswitch,
                     "circuit bootstrap key does not match \(parameters)")
        self.parameters = parameters
        self.base = base
        self.circuitBootstrapKey = circuitBootstrapKey
    }

    /// Size in bytes.
    public var byteCount: Int { base.byteCount + circuitBootstrapKey.byteCount }
}
