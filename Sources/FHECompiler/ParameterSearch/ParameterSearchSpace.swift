// The search space of Concrete's CPU optimizer, docs/PARAMETERS.md#search (`global_parameters.rs`,
// `optimization/config.rs`), inclusive ranges.
import FHECore

/// Which (k, N, n) the parameter search tries. Decompositions always range over 1…64 levels and base logs.
public struct ParameterSearchSpace: Hashable, Sendable, Codable {
    /// k, the GLWE dimension.
    public var glweDimensions: ClosedRange<Int>
    /// log2 N, the polynomial size.
    public var log2PolynomialSizes: ClosedRange<Int>
    /// n, the small LWE dimension (keyswitch output, PBS input).
    public var lweDimensions: ClosedRange<Int>
    /// How the blind rotation may multiply in the Fourier domain (docs/NOISE.md#blind-rotation).
    public var fourierPrecisions: [FourierPrecision]

    /// A search space; the bounds are checked against what the noise and cost models support.
    public init(glweDimensions: ClosedRange<Int>, log2PolynomialSizes: ClosedRange<Int>, lweDimensions: ClosedRange<Int>,
                fourierPrecisions: [FourierPrecision] = [.standard]) {
        precondition(glweDimensions.lowerBound >= 1 && glweDimensions.upperBound <= 6, "k must stay in 1...6 (the FFT noise fit, docs/NOISE.md#blind-rotation)")
        precondition(log2PolynomialSizes.lowerBound >= 1 && log2PolynomialSizes.upperBound <= 17, "log2 N must stay in 1...17")
        precondition(lweDimensions.lowerBound > 256, "n must be > 256")
        self.glweDimensions = glweDimensions
        self.log2PolynomialSizes = log2PolynomialSizes
        self.lweDimensions = lweDimensions
        precondition(!fourierPrecisions.isEmpty, "the search needs at least one Fourier precision")
        self.fourierPrecisions = fourierPrecisions
    }

    /// Concrete's CPU defaults: k 1…6, log2 N 8…17, n 512…2047, whole-key Fourier products (what Concrete's tables
    /// were made with).
    public static let cpu = ParameterSearchSpace(glweDimensions: 1...6, log2PolynomialSizes: 8...17, lweDimensions: 512...2047)

    /// What cml compiles with: Concrete's ranges, and split-key Fourier products as well, which remove the FFT
    /// error and so save levels where it dominates (larger N, wide dot products).
    public static let cml = ParameterSearchSpace(glweDimensions: 1...6, log2PolynomialSizes: 8...17, lweDimensions: 512...2047,
                                                 fourierPrecisions: [.standard, .split])

    private enum CodingKeys: String, CodingKey { case glweDimensions, log2PolynomialSizes, lweDimensions, fourierPrecisions }

    /// Decodes a space; one written before `fourierPrecisions` existed searched whole-key products only.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(glweDimensions: try c.decode(ClosedRange<Int>.self, forKey: .glweDimensions),
                  log2PolynomialSizes: try c.decode(ClosedRange<Int>.self, forKey: .log2PolynomialSizes),
                  lweDimensions: try c.decode(ClosedRange<Int>.self, forKey: .lweDimensions),
                  fourierPrecisions: try c.decodeIfPresent([FourierPrecision].self, forKey: .fourierPrecisions) ?? [.standard])
    }
}
