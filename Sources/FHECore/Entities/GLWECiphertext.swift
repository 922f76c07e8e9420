// GLWE ciphertext (docs/ALGORITHMS.md#encoding): k mask polynomials then the body polynomial, N coefficients each.

/// A GLWE ciphertext over one flat buffer of (k+1)·N words.
public struct GLWECiphertext: Hashable, Sendable {
    /// Polynomial r occupies words [r·N, (r+1)·N); r = k is the body.
    public var data: [UInt64]
    /// k.
    public let glweDimension: GLWEDimension
    /// N.
    public let polynomialSize: PolynomialSize

    /// The trivial encryption of `body` (all-zero mask), or of zero.
    public init(glweDimension: GLWEDimension, polynomialSize: PolynomialSize, body: [UInt64]? = nil) {
        self.glweDimension = glweDimension
        self.polynomialSize = polynomialSize
        let n = polynomialSize.rawValue
        var d = [UInt64](repeating: 0, count: glweDimension.glweSize * n)
        if let body {
            precondition(body.count == n, "GLWE body must have N = \(n) coefficients, got \(body.count)")
            d.replaceSubrange(glweDimension.rawValue * n..<(glweDimension.rawValue + 1) * n, with: body)
        }
        self.data = d
    }

    /// A ciphertext over existing words.
    /// - Precondition: `data.count == (k+1)·N`.
    public init(data: [UInt64], glweDimension: GLWEDimension, polynomialSize: PolynomialSize) {
        precondition(data.count == glweDimension.glweSize * polynomialSize.rawValue,
                     "GLWE ciphertext (\(glweDimension), \(polynomialSize)) needs \(glweDimension.glweSize * polynomialSize.rawValue) words, got \(data.count)")
        self.data = data
        self.glweDimension = glweDimension
        self.polynomialSize = polynomialSize
    }

    /// Polynomial `index` (0 ..< k mask, k body).
    public func polynomial(_ index: Int) -> ArraySlice<UInt64> {
        let n = polynomialSize.rawValue
        return data[index * n..<(index + 1) * n]
    }
}
