// A TFHE parameter set for the KS-PBS atomic pattern (reference/tfhe.md §2.5): ciphertexts live under
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

    /// A parameter set whose noise is the 128-bit curve minimum for its dimensions (what Concrete uses).
    public init(
        lweDimension: Int, glweDimension: Int, polynomialSize: Int,
        pbs: (levelCount: Int, baseLog: Int), ks: (levelCount: Int, baseLog: Int)
    ) {
        self.init(
            lweDimension: lweDimension, glweDimension: glweDimension, polynomialSize: polynomialSize,
            pbs: pbs, ks: ks,
            lweNoiseStandardDeviation: SecurityCurve.minimalStandardDeviation(dimension: lweDimension),
            glweNoiseStandardDeviation: SecurityCurve.minimalStandardDeviation(dimension: glweDimension * polynomialSize),
            isInsecureTestSet: false)
    }

    /// A parameter set with explicit noise; set `isInsecureTestSet` for toy parameters.
    public init(
        lweDimension: Int, glweDimension: Int, polynomialSize: Int,
        pbs: (levelCount: Int, baseLog: Int), ks: (levelCount: Int, baseLog: Int),
        lweNoiseStandardDeviation: Double, glweNoiseStandardDeviation: Double, isInsecureTestSet: Bool
    ) {
        self.lweDimension = LWEDimension(lweDimension)
        self.glweDimension = GLWEDimension(glweDimension)
        self.polynomialSize = PolynomialSize(polynomialSize)
        self.pbsDecomposition = DecompositionParameters(baseLog: pbs.baseLog, levelCount: pbs.levelCount)
        self.ksDecomposition = DecompositionParameters(baseLog: ks.baseLog, levelCount: ks.levelCount)
        self.lweNoiseStandardDeviation = lweNoiseStandardDeviation
        self.glweNoiseStandardDeviation = glweNoiseStandardDeviation
        self.isInsecureTestSet = isInsecureTestSet
    }

    /// k·N: dimension of the big LWE key (sample-extraction output).
    public var bigLWEDimension: LWEDimension { LWEDimension(glweDimension.rawValue * polynomialSize.rawValue) }

    public var description: String {
        "n=\(lweDimension.rawValue) k=\(glweDimension.rawValue) N=\(polynomialSize.rawValue) "
            + "pbs=\(pbsDecomposition) ks=\(ksDecomposition)" + (isInsecureTestSet ? " [INSECURE TEST SET]" : "")
    }

    /// Checks both keys against the 128-bit curve (reference/tfhe.md §1.1).
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
