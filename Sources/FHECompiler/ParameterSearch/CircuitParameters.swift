// The request and the answer of circuit-level parameter selection (docs/PARAMETERS.md).
import Foundation
import FHECore

/// What the compiler asks the parameter search for one circuit.
public struct CircuitParameterRequest: Hashable, Sendable, Codable {
    /// Every TLU group and directly decrypted output of the circuit.
    public var groups: [ValueGroup]
    /// Per-PBS failure probability (Concrete ML's `p_error`); with neither target set, 2^−40.
    public var errorProbability: Double?
    /// Failure probability of the whole circuit (Concrete's `global_p_error`); exclusive with `errorProbability`.
    public var globalErrorProbability: Double?
    /// Σ m over the circuit's dot products (each operand costs k·N, docs/PARAMETERS.md#cost-model).
    public var levelledOperandCount: Int
    /// Lets the search give groups of different precisions their own parameter sets when cheaper.
    public var allowsSeveralParameterSets: Bool
    /// Which (k, N, n) to try.
    public var searchSpace: ParameterSearchSpace
    /// Largest seeded evaluation keys (what the client sends, `EvaluationKeySizes.seededTotalBytes`) the answer
    /// may need; nil: no budget. The search then returns the cheapest answer within the budget.
    public var maximalSeededKeyBytes: Int?

    /// Concrete ML's default per-PBS p_error.
    public static let defaultErrorProbability = exp2(-40.0)

    /// A request; see the properties.
    public init(groups: [ValueGroup], errorProbability: Double? = nil, globalErrorProbability: Double? = nil,
                levelledOperandCount: Int = 0, allowsSeveralParameterSets: Bool = true, searchSpace: ParameterSearchSpace = .cml,
                maximalSeededKeyBytes: Int? = nil) {
        self.maximalSeededKeyBytes = maximalSeededKeyBytes
        self.groups = groups
        self.errorProbability = errorProbability
        self.globalErrorProbability = globalErrorProbability
        self.levelledOperandCount = levelledOperandCount
        self.allowsSeveralParameterSets = allowsSeveralParameterSets
        self.searchSpace = searchSpace
    }
}

/// The parameters chosen for a circuit, with the figures that justify them.
public struct CircuitParameters: Hashable, Sendable, Codable {
    /// One parameter set and the groups that use it.
    public struct Partition: Hashable, Sendable, Codable {
        /// The set (noise = curve minimum, 128-bit).
        public let parameters: ParameterSet
        /// Names of the groups bootstrapped (or decrypted) under it.
        public let groupNames: [String]
        /// TLU instances bootstrapped with it.
        public let tluCount: Int
    }

    /// A keyswitch key from one partition's big key to another's small key, for TLUs of the second
    /// partition fed by PBS outputs of the first.
    public struct CrossKeyswitch: Hashable, Sendable, Codable {
        /// Index of the partition whose big key the ciphertexts are under.
        public let sourcePartition: Int
        /// Index of the partition that bootstraps them.
        public let targetPartition: Int
        /// The target partition's keyswitch decomposition.
        public let decomposition: DecompositionParameters
        /// k·N of the source partition.
        public let inputDimension: Int
        /// n of the target partition.
        public let outputDimension: Int
    }

    /// How one group fares under the chosen parameters.
    public struct GroupReport: Hashable, Sendable, Codable {
        /// The group as requested.
        public let group: ValueGroup
        /// Index of the partition that bootstraps (or decrypts) it.
        public let partition: Int
        /// Index of the partition whose PBS outputs feed it (equal to `partition` unless it is fed across).
        public let sourcePartition: Int
        /// Variance at the TLU's blind rotation (or at decryption).
        public let variance: Double
        /// V_max at the per-PBS target.
        public let maximalVariance: Double
        /// Probability that one of its values comes out wrong.
        public let errorProbability: Double
    }

    /// The parameter sets, one per partition (one for a mono-parameter circuit).
    public let partitions: [Partition]
    /// Keyswitch keys between partitions.
    public let crossKeyswitches: [CrossKeyswitch]
    /// Every requested group, in request order.
    public let groups: [GroupReport]
    /// The per-PBS p_error the final search ran at.
    public let errorProbabilityTarget: Double
    /// The requested global p_error, if that was the target.
    public let globalErrorProbabilityTarget: Double?
    /// The largest per-value error probability of any group (Concrete reports this as p_error).
    public let maximalErrorProbability: Double
    /// Probability that at least one value of one run of the circuit is wrong (docs/NOISE.md#global-failure-probability).
    public let globalErrorProbability: Double
    /// levelledOperandCount·k·N + Σ TLUs·(C_KS + C_PBS), abstract operations (docs/PARAMETERS.md#cost-model).
    public let totalCost: Double
    /// Evaluation keys: the bootstrap key of every partition that bootstraps, and every keyswitch key
    /// in use (a partition's own big-to-small key only when some of its TLUs read its own outputs).
    public let keySizes: EvaluationKeySizes
    /// Searches run (more than one when aiming at a global p_error).
    public let optimizerCalls: Int
    /// The cheapest single set of other GLWE shapes (k, N), cheapest first, when the compiler asked for them
    /// (bundles record them so that `cml-dev inspect` shows the latency/key-size trade-off the search made).
    public var alternatives: [ShapeAlternative]?

    /// The cheapest set of one shape, for the trade-off report.
    public struct ShapeAlternative: Hashable, Sendable, Codable {
        /// The set.
        public let parameters: ParameterSet
        /// Its circuit cost relative to the chosen answer's.
        public let relativeCost: Double
        /// Its evaluation keys.
        public let keySizes: EvaluationKeySizes

        /// An alternative; see the properties.
        public init(parameters: ParameterSet, relativeCost: Double, keySizes: EvaluationKeySizes) {
            self.parameters = parameters
            self.relativeCost = relativeCost
            self.keySizes = keySizes
        }
    }

    /// The report of the group named `name`.
    public func report(for name: String) -> GroupReport? { groups.first { $0.group.name == name } }
}
