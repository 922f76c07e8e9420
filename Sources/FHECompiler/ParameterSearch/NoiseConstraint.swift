// What a parameter set must satisfy, docs/NOISE.md#atomic-pattern: every TLU input, and every value
// decrypted directly, below V_max(p, p_error). With several parameter sets a value may come from, or
// go to, another set; the terms that belong to that other set are then fixed numbers.
import FHECore

/// One noise bound the parameter search enforces: ν²·V_BR + V_KS + V_MS ≤ V_max, where each term is
/// the searched set's own, another set's fixed value, or absent.
public struct NoiseConstraint: Hashable, Sendable {
    /// V_BR of the PBS outputs feeding the dot product.
    public enum BlindRotationTerm: Hashable, Sendable {
        /// The searched set's V_BR.
        case own
        /// Another set's V_BR (the dot product reads its outputs).
        case fixed(Double)
    }

    /// The keyswitch into the small key before the blind rotation.
    public enum KeyswitchTerm: Hashable, Sendable {
        /// None: the value is decrypted directly.
        case none
        /// The searched set's keyswitch from its own big key.
        case own
        /// The searched set's keyswitch decomposition and small key, from another set's big key of this
        /// dimension (k·N).
        case ownFrom(bigDimension: Int)
        /// Another set's keyswitch (this variance per input coefficient) from the searched set's big key.
        case fixedPerInputCoefficient(Double)
    }

    /// The modulus switch before the blind rotation.
    public enum ModulusSwitchTerm: Hashable, Sendable {
        /// None: the value is decrypted directly.
        case none
        /// The searched set's.
        case own
        /// Another set's (it bootstraps the value).
        case fixed(Double)
    }

    /// Message bits of the value (padding excluded).
    public let precision: Int
    /// ν², the squared 2-norm of the dot product of PBS outputs that produces the value.
    public let squaredNorm: Double
    /// ν² over the fresh encryptions in the dot product, weighed with the searched set's Var_min(k·N).
    public let freshSquaredNorm: Double
    /// V_max(precision, p_error).
    public let maximalVariance: Double
    /// Whose V_BR the dot product sees.
    public let blindRotation: BlindRotationTerm
    /// Which keyswitch follows.
    public let keyswitch: KeyswitchTerm
    /// Which modulus switch follows.
    public let modulusSwitch: ModulusSwitchTerm

    /// A bound at `maximalVariance` on ν²·V_BR + V_KS + V_MS with the given terms.
    public init(precision: Int, squaredNorm: Double, maximalVariance: Double, freshSquaredNorm: Double = 0,
                blindRotation: BlindRotationTerm = .own, keyswitch: KeyswitchTerm = .own, modulusSwitch: ModulusSwitchTerm = .own) {
        precondition(squaredNorm >= 0 && freshSquaredNorm >= 0 && maximalVariance > 0, "need ν² ≥ 0 and V_max > 0")
        self.freshSquaredNorm = freshSquaredNorm
        self.precision = precision
        self.squaredNorm = squaredNorm
        self.maximalVariance = maximalVariance
        self.blindRotation = blindRotation
        self.keyswitch = keyswitch
        self.modulusSwitch = modulusSwitch
    }

    /// The input of a TLU of the searched set, fed by its own PBS outputs, at failure probability
    /// `errorProbability` (docs/NOISE.md#atomic-pattern, #failure-probability).
    public static func tluInput(precision: Int, squaredNorm: Double, errorProbability: Double,
                                freshSquaredNorm: Double = 0) -> NoiseConstraint {
        NoiseConstraint(precision: precision, squaredNorm: squaredNorm,
                        maximalVariance: NoiseModel.maximalVariance(precision: precision, errorProbability: errorProbability),
                        freshSquaredNorm: freshSquaredNorm)
    }

    /// A value decrypted directly (no keyswitch, no modulus switch) at failure probability `errorProbability`.
    public static func decryptedOutput(precision: Int, squaredNorm: Double, errorProbability: Double,
                                       freshSquaredNorm: Double = 0) -> NoiseConstraint {
        NoiseConstraint(precision: precision, squaredNorm: squaredNorm,
                        maximalVariance: NoiseModel.maximalVariance(precision: precision, errorProbability: errorProbability),
                        freshSquaredNorm: freshSquaredNorm, keyswitch: .none, modulusSwitch: .none)
    }

    /// True when the searched set's modulus switch adds to this value.
    var includesOwnModulusSwitch: Bool { modulusSwitch == .own }
}

/// What the search minimises: levelledOperandCount·k·N + Σ count·(C_KS + C_PBS)
/// (docs/PARAMETERS.md#cost-model). The v0 tables use 4096 levelled operands and one TLU.
public struct CostObjective: Hashable, Sendable {
    /// TLU instances whose keyswitch starts from the big key of dimension `keyswitchInputDimension`
    /// (nil: the searched set's own).
    public struct TLUs: Hashable, Sendable {
        /// How many.
        public let count: Int
        /// k·N of the big key they are keyswitched from (nil: the searched set's own).
        public let keyswitchInputDimension: Int?
        /// `count` TLUs keyswitched from `keyswitchInputDimension` (nil: own big key).
        public init(count: Int, keyswitchInputDimension: Int? = nil) {
            precondition(count >= 0, "a TLU count is never negative")
            self.count = count
            self.keyswitchInputDimension = keyswitchInputDimension
        }
    }

    /// Σ m over the circuit's dot products (each operand costs k·N).
    public let levelledOperandCount: Int
    /// The TLUs bootstrapped with the searched set.
    public let tlus: [TLUs]

    /// An objective counting `tluCount` TLUs keyswitched from the set's own big key.
    public init(levelledOperandCount: Int, tluCount: Int) {
        self.init(levelledOperandCount: levelledOperandCount, tlus: [TLUs(count: tluCount)])
    }

    /// An objective with TLU groups whose keyswitch may start from another set's big key.
    public init(levelledOperandCount: Int, tlus: [TLUs]) {
        precondition(levelledOperandCount >= 0, "a levelled operand count is never negative")
        self.levelledOperandCount = levelledOperandCount
        self.tlus = tlus
    }

    /// Total number of TLU instances.
    public var tluCount: Int { tlus.reduce(0) { $0 + $1.count } }
}
