// The search space of Concrete's CPU optimizer, reference/tfhe.md §3.2 (`global_parameters.rs`,
// `optimization/config.rs`), inclusive ranges.

/// Which (k, N, n) the parameter search tries. Decompositions always range over 1…64 levels and base logs.
public struct ParameterSearchSpace: Hashable, Sendable, Codable {
    /// k, the GLWE dimension.
    public var glweDimensions: ClosedRange<Int>
    /// log2 N, the polynomial size.
    public var log2PolynomialSizes: ClosedRange<Int>
    /// n, the small LWE dimension (keyswitch output, PBS input).
    public var lweDimensions: ClosedRange<Int>

    /// A search space; the bounds are checked against what the noise and cost models support.
    public init(glweDimensions: ClosedRange<Int>, log2PolynomialSizes: ClosedRange<Int>, lweDimensions: ClosedRange<Int>) {
        precondition(glweDimensions.lowerBound >= 1 && glweDimensions.upperBound <= 6, "k must stay in 1...6 (FFT noise fit, §2.4)")
        precondition(log2PolynomialSizes.lowerBound >= 1 && log2PolynomialSizes.upperBound <= 17, "log2 N must stay in 1...17")
        precondition(lweDimensions.lowerBound > 256, "n must be > 256")
        self.glweDimensions = glweDimensions
        self.log2PolynomialSizes = log2PolynomialSizes
        self.lweDimensions = lweDimensions
    }

    /// Concrete's CPU defaults: k 1…6, log2 N 8…17, n 512…2047.
    public static let cpu = ParameterSearchSpace(glweDimensions: 1...6, log2PolynomialSizes: 8...17, lweDimensions: 512...2047)
}
