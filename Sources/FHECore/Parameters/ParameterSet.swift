// A TFHE parameter set for the KS-PBS atomic pattern (docs/NOISE.md#atomic-pattern): ciphertexts live under
// the big key (dimension k·N); a keyswitch brings them to the small key (n) before bootstrapping.
import Foundation

/// Everything that fixes the keys and ciphertexts of one circuit partition.
public struct ParameterSet: Hashable, Sendable, Codable, CustomStringConvertible {
    /// n: dimension of the small LWE key (keyswitch output, PBS input).
    public let lweDimension: LWEDimension
    /// k: number of GLWE mask polynomials.
    public let glweDimension: GLWEDimension
    /// N: polynomial size.
    public let polynomialSize: PolynomialSize
    /// Gadget of the bootstrap key (GGSW rows).
    public let pbsDecomposition: DecompositionParameters
    /// Gadget of the keyswitch key.
    public let ksDecomposition: DecompositionParameters
    /// Standard deviation (torus) of the noise under the small key: keyswitch key and small-key encryptions.
    public let lweNoiseStandardDeviation: Double
    /// Standard deviation (torus) of the noise under the GLWE key: bootstrap key and big-key encryptions.
    public let glweNoiseStandardDeviation: Double
    /// True only for toy sets used by fast tests; such a set is never accepted by `validateSecurity()`.
    public let isInsecureTestSet: Bool
    /// How the blind rotation multiplies by the bootstrap key in the Fourier domain. It sets the FFT term of
    /// the PBS noise; the keys themselves do not depend on it.
    public let fourierPrecision: FourierPrecision
    /// Bits kept of each bootstrap-key body coefficient: 64, or a multiple of 8 below it. The client rounds the
    /// bodies to multiples of 2^(64 − bits), which adds uniform noise of variance 2^(−2·bits)/12 (torus) to the
    /// key, and a seeded key then carries bits/8 bytes per body instead of 8. The search lowers it only where
    /// the noise allows (`bootstrapKeyVariance`).
    public let bootstrapKeyBodyBits: Int

    /// A parameter set whose noise is the 128-bit curve minimum for its dimensions (what Concrete uses).
    public init(
        lweDimension: Int, glweDimension: Int, polynomialSize: Int,
        pbs: (levelCount: Int, baseLog: Int), ks: (levelCount: Int, baseLog: Int), fourierPrecision: FourierPrecision = .standard,
        bootstrapKeyBodyBits: Int = 64
    ) {
        self.init(
            lweDimension: lweDimension, glweDimension: glweDimension, polynomialSize: polynomialSize,
            pbs: pbs, ks: ks,
            lweNoiseStandardDeviation: SecurityCurve.minimalStandardDeviation(dimension: lweDimension),
            glweNoiseStandardDeviation: SecurityCurve.minimalStandardDeviation(dimension: glweDimension * polynomialSize),
            isInsecureTestSet: false, fourierPrecision: fourierPrecision, bootstrapKeyBodyBits: bootstrapKeyBodyBits)
    }

    /// A parameter set with explicit noise; set `isInsecureTestSet` for toy parameters.
    public init(
        lweDimension: Int, glweDimension: Int, polynomialSize: Int,
        pbs: (levelCount: Int, baseLog: Int), ks: (levelCount: Int, baseLog: Int),
        lweNoiseStandardDeviation: Double, glweNoiseStandardDeviation: Double, isInsecureTestSet: Bool,
        fourierPrecision: FourierPrecision = .standard, bootstrapKeyBodyBits: Int = 64
    ) {
        precondition(bootstrapKeyBodyBits % 8 == 0 && (8...64).contains(bootstrapKeyBodyBits),
                     "bootstrap-key body bits must be a multiple of 8 in 8...64, got \(bootstrapKeyBodyBits)")
        self.lweDimension = LWEDimension(lweDimension)
        self.glweDimension = GLWEDimension(glweDimension)
        self.polynomialSize = PolynomialSize(polynomialSize)
        self.pbsDecomposition = DecompositionParameters(baseLog: pbs.baseLog, levelCount: pbs.levelCount)
        self.ksDecomposition = DecompositionParameters(baseLog: ks.baseLog, levelCount: ks.levelCount)
        self.lweNoiseStandardDeviation = lweNoiseStandardDeviation
        self.glweNoiseStandardDeviation = glweNoiseStandardDeviation
        self.isInsecureTestSet = isInsecureTestSet
        self.fourierPrecision = fourierPrecision
        self.bootstrapKeyBodyBits = bootstrapKeyBodyBits
    }

    /// The same set with the blind rotation's Fourier products at `precision`.
    public func with(fourierPrecision precision: FourierPrecision) -> ParameterSet {
        with(fourierPrecision: precision, bootstrapKeyBodyBits: bootstrapKeyBodyBits)
    }

    /// The same set with bootstrap-key bodies rounded to `bits`.
    public func with(bootstrapKeyBodyBits bits: Int) -> ParameterSet {
        with(fourierPrecision: fourierPrecision, bootstrapKeyBodyBits: bits)
    }

    private func with(fourierPrecision: FourierPrecision, bootstrapKeyBodyBits: Int) -> ParameterSet {
        ParameterSet(
            lweDimension: lweDimension.rawValue, glweDimension: glweDimension.rawValue, polynomialSize: polynomialSize.rawValue,
            pbs: (pbsDecomposition.levelCount.rawValue, pbsDecomposition.baseLog.rawValue),
            ks: (ksDecomposition.levelCount.rawValue, ksDecomposition.baseLog.rawValue),
            lweNoiseStandardDeviation: lweNoiseStandardDeviation, glweNoiseStandardDeviation: glweNoiseStandardDeviation,
            isInsecureTestSet: isInsecureTestSet, fourierPrecision: fourierPrecision, bootstrapKeyBodyBits: bootstrapKeyBodyBits)
    }

    /// Variance (torus) of the bootstrap key's noise: σ_glwe² plus the rounding of the bodies to
    /// `bootstrapKeyBodyBits`.
    public var bootstrapKeyVariance: Double {
        glweNoiseStandardDeviation * glweNoiseStandardDeviation + Self.bodyRoundingVariance(bits: bootstrapKeyBodyBits)
    }

    /// Variance (torus) that rounding key bodies to `bits` bits adds: 2^(−2·bits)/12, none at 64.
    public static func bodyRoundingVariance(bits: Int) -> Double {
        bits < 64 ? exp2(-2 * Double(bits)) / 12 : 0
    }

    private enum CodingKeys: String, CodingKey {
        case lweDimension, glweDimension, polynomialSize, pbsDecomposition, ksDecomposition, lweNoiseStandardDeviation,
             glweNoiseStandardDeviation, isInsecureTestSet, fourierPrecision, bootstrapKeyBodyBits
    }

    /// Decodes a set; `fourierPrecision` and `bootstrapKeyBodyBits` are absent from sets written before they
    /// existed (standard, 64).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lweDimension = try c.decode(LWEDimension.self, forKey: .lweDimension)
        glweDimension = try c.decode(GLWEDimension.self, forKey: .glweDimension)
        polynomialSize = try c.decode(PolynomialSize.self, forKey: .polynomialSize)
        pbsDecomposition = try c.decode(DecompositionParameters.self, forKey: .pbsDecomposition)
        ksDecomposition = try c.decode(DecompositionParameters.self, forKey: .ksDecomposition)
        lweNoiseStandardDeviation = try c.decode(Double.self, forKey: .lweNoiseStandardDeviation)
        glweNoiseStandardDeviation = try c.decode(Double.self, forKey: .glweNoiseStandardDeviation)
        isInsecureTestSet = try c.decode(Bool.self, forKey: .isInsecureTestSet)
        fourierPrecision = try c.decodeIfPresent(FourierPrecision.self, forKey: .fourierPrecision) ?? .standard
        bootstrapKeyBodyBits = try c.decodeIfPresent(Int.self, forKey: .bootstrapKeyBodyBits) ?? 64
        guard bootstrapKeyBodyBits % 8 == 0, (8...64).contains(bootstrapKeyBodyBits) else {
            throw DecodingError.dataCorruptedError(forKey: .bootstrapKeyBodyBits, in: c,
                                                   debugDescription: "must be a multiple of 8 in 8...64, got \(bootstrapKeyBodyBits)")
        }
    }

    /// Encodes a set; a standard `fourierPrecision` and 64 body bits are left out, so such sets read as before.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lweDimension, forKey: .lweDimension)
        try c.encode(glweDimension, forKey: .glweDimension)
        try c.encode(polynomialSize, forKey: .polynomialSize)
        try c.encode(pbsDecomposition, forKey: .pbsDecomposition)
        try c.encode(ksDecomposition, forKey: .ksDecomposition)
        try c.encode(lweNoiseStandardDeviation, forKey: .lweNoiseStandardDeviation)
        try c.encode(glweNoiseStandardDeviation, forKey: .glweNoiseStandardDeviation)
        try c.encode(isInsecureTestSet, forKey: .isInsecureTestSet)
        if fourierPrecision != .standard { try c.encode(fourierPrecision, forKey: .fourierPrecision) }
        if bootstrapKeyBodyBits != 64 { try c.encode(bootstrapKeyBodyBits, forKey: .bootstrapKeyBodyBits) }
    }

    /// k·N: dimension of the big LWE key (sample-extraction output).
    public var bigLWEDimension: LWEDimension { LWEDimension(glweDimension.rawValue * polynomialSize.rawValue) }

    public var description: String {
        "n=\(lweDimension.rawValue) k=\(glweDimension.rawValue) N=\(polynomialSize.rawValue) "
            + "pbs=\(pbsDecomposition)\(fourierPrecision == .split ? " fft=split" : "")"
            + (bootstrapKeyBodyBits < 64 ? " bsk-bodies=\(bootstrapKeyBodyBits)b" : "") + " ks=\(ksDecomposition)"
            + (isInsecureTestSet ? " [INSECURE TEST SET]" : "")
    }

    /// Checks both keys against the 128-bit curve (docs/PARAMETERS.md#security-curve).
    /// - Throws: `ParameterSecurityError` naming the key whose noise is below the curve, or any
    ///   insecure test set.
    public func validateSecurity() throws {
        if isInsecureTestSet { throw ParameterSecurityError(parameterSet: self, reason: "marked as an insecure test set") }
        try Self.check(key: "small LWE key", dimension: lweDimension.rawValue, standardDeviation: lweNoiseStandardDeviation, in: self)
        try Self.check(key: "GLWE key", dimension: bigLWEDimension.rawValue, standardDeviation: glweNoiseStandardDeviation, in: self)
    }

    private static func check(key: String, dimension: Int, standardDeviation: Double, in set: ParameterSet) throws {
        let minimal = SecurityCurve.minimalLog2StandardDeviation(dimension: dimension)
        // A relative slack of 1e-9 on log2 σ absorbs the round trip of exp2/log2.
        if log2(standardDeviation) < minimal - 1e-9 {
            throw ParameterSecurityError(
                parameterSet: set,
                reason: String(format: "%@ of dimension %d has noise σ = 2^%.3f, below the 128-bit minimum 2^%.3f",
                               key, dimension, log2(standardDeviation), minimal))
        }
    }
}

/// How the server's blind rotation multiplies by the bootstrap key in f64 Fourier arithmetic (docs/NOISE.md#blind-rotation).
public enum FourierPrecision: String, Hashable, Sendable, Codable {
    /// Each key polynomial is transformed whole: products carry the f64 rounding error of the FFT term (docs/NOISE.md#fft-error).
    case standard
    /// Each key polynomial is split into its top `splitBits` bits and the rest, transformed separately. The top
    /// part's product is a multiple of 2^−splitBits, so rounding it to that grid removes its f64 error; only
    /// the rest's error, 2^−splitBits of the whole, remains. Twice the products and inverse transforms per
    /// level, which pays where it saves levels (larger N, outputs of wide dot products).
    case split

    /// h: bits of the key's top part.
    public static let splitBits = 16

    /// Fourier copies of every key polynomial: 2 for a split key (top part and rest), else 1.
    public var keyParts: Int { self == .split ? 2 : 1 }
}

/// A parameter set that does not reach 128-bit security.
public struct ParameterSecurityError: Error, CustomStringConvertible, Sendable {
    public let parameterSet: ParameterSet
    public let reason: String
    public var description: String { "insecure parameter set (\(parameterSet)): \(reason)" }
}

extension Sequence where Element == ParameterSet {
    /// The sets' descriptions joined by "; " (one per partition): how `cml-dev compile`, `cml-dev inspect`, keygen
    /// logs and the benchmarks list a circuit's parameters, so that their lines match.
    public var listDescription: String { map(\.description).joined(separator: "; ") }
}
