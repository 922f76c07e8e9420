// What a parameter set must satisfy, reference/tfhe.md §2.5: every TLU input, and every value
// decrypted directly, below V_max(p, p_error).
import FHECore

/// One noise bound the parameter search enforces.
public struct NoiseConstraint: Hashable, Sendable {
    /// Where the bound applies.
    public enum Kind: Hashable, Sendable {
        /// The input of a TLU's blind rotation: ν²·V_BR + V_KS + V_MS ≤ V_max.
        case tluInput
        /// A value decrypted directly by the client (a circuit output that is no TLU result):
        /// ν²·V_BR ≤ V_max, no keyswitch or modulus switch.
        case decryptedOutput
    }

    /// Where the bound applies.
    public let kind: Kind
    /// Message bits of the value (padding excluded).
    public let precision: Int
    /// ν², the squared 2-norm of the dot product of PBS outputs that produces the value.
    public let squaredNorm: Double
    /// V_max(precision, p_error).
    public let maximalVariance: Double
    /// V_BR of PBS outputs from another parameter set that also feed the value (0: none); the search
    /// uses the larger of it and its own V_BR.
    public let externalPBSOutputVariance: Double
    /// k·N of another parameter set whose ciphertexts are keyswitched into this one (0: none); the
    /// keyswitch noise grows with its input dimension, so the search uses the larger.
    public let externalKeyswitchInputDimension: Int

    /// A bound at `maximalVariance` for a value of `precision` bits produced by a dot product of squared
    /// 2-norm `squaredNorm`.
    public init(kind: Kind, precision: Int, squaredNorm: Double, maximalVariance: Double,
                externalPBSOutputVariance: Double = 0, externalKeyswitchInputDimension: Int = 0) {
        precondition(squaredNorm >= 0 && maximalVariance > 0, "need ν² ≥ 0 and V_max > 0")
        self.kind = kind
        self.precision = precision
        self.squaredNorm = squaredNorm
        self.maximalVariance = maximalVariance
        self.externalPBSOutputVariance = externalPBSOutputVariance
        self.externalKeyswitchInputDimension = externalKeyswitchInputDimension
    }

    /// A bound for `precision` bits at failure probability `errorProbability` (§2.6).
    public init(kind: Kind, precision: Int, squaredNorm: Double, errorProbability: Double,
                externalPBSOutputVariance: Double = 0, externalKeyswitchInputDimension: Int = 0) {
        self.init(kind: kind, precision: precision, squaredNorm: squaredNorm,
                  maximalVariance: NoiseModel.maximalVariance(precision: precision, errorProbability: errorProbability),
                  externalPBSOutputVariance: externalPBSOutputVariance,
                  externalKeyswitchInputDimension: externalKeyswitchInputDimension)
    }
}

/// What the search minimises: levelledOperandCount·k·N + Σ_groups count·(C_KS + C_PBS)
/// (reference/tfhe.md §3.1). The v0 tables use 4096 levelled operands and one TLU.
public struct CostObjective: Hashable, Sendable {
    /// Σ m over the circuit's dot products (each operand costs k·N).
    public let levelledOperandCount: Int
    /// TLU instances, with the k·N of the keys their keyswitch starts from (0: the set's own).
    public let tluCounts: [(count: Int, externalKeyswitchInputDimension: Int)]

    /// An objective counting `tluCount` TLUs that keyswitch from the set's own big key.
    public init(levelledOperandCount: Int, tluCount: Int) {
        self.init(levelledOperandCount: levelledOperandCount, tluCounts: [(tluCount, 0)])
    }

    /// An objective with TLU groups whose keyswitch may start from another set's bigger key.
    public init(levelledOperandCount: Int, tluCounts: [(count: Int, externalKeyswitchInputDimension: Int)]) {
        precondition(levelledOperandCount >= 0 && tluCounts.allSatisfy { $0.count >= 0 }, "counts are never negative")
        self.levelledOperandCount = levelledOperandCount
        self.tluCounts = tluCounts
    }

    /// Total number of TLU instances.
    public var tluCount: Int { tluCounts.reduce(0) { $0 + $1.count } }

    public static func == (a: CostObjective, b: CostObjective) -> Bool {
        a.levelledOperandCount == b.levelledOperandCount
            && a.tluCounts.map(\.count) == b.tluCounts.map(\.count)
            && a.tluCounts.map(\.externalKeyswitchInputDimension) == b.tluCounts.map(\.externalKeyswitchInputDimension)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(levelledOperandCount)
        for entry in tluCounts { hasher.combine(entry.count); hasher.combine(entry.externalKeyswitchInputDimension) }
    }
}
