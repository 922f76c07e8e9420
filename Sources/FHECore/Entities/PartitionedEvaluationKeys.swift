// Evaluation keys of a key layout with one or more parameter sets (reference/tfhe.md §3.3): what the
// server holds for a circuit whose lookups fall into several partitions.

/// Keys of every parameter set of a layout plus its cross keyswitch keys.
public struct PartitionedEvaluationKeys: Sendable {
    /// Per parameter set, its keyswitch and Fourier bootstrap keys, in layout order.
    public let partitionKeys: [EvaluationKeys]
    /// Per partition keyswitch of the layout (same order): big key of `from` → small key of `to`.
    public let crossKeyswitchKeys: [LWEKeyswitchKey]

    /// Keys; see the properties.
    /// - Precondition: at least one parameter set.
    public init(partitionKeys: [EvaluationKeys], crossKeyswitchKeys: [LWEKeyswitchKey]) {
        precondition(!partitionKeys.isEmpty, "evaluation keys need at least one parameter set")
        self.partitionKeys = partitionKeys
        self.crossKeyswitchKeys = crossKeyswitchKeys
    }

    /// Size in bytes as held in memory.
    public var byteCount: Int {
        partitionKeys.reduce(0) { $0 + $1.byteCount } + crossKeyswitchKeys.reduce(0) { $0 + $1.byteCount }
    }
}

/// The seeded (upload) form of `PartitionedEvaluationKeys`.
public struct SeededPartitionedEvaluationKeys: Hashable, Sendable {
    /// Per parameter set, its seeded keys, in layout order.
    public let partitionKeys: [SeededEvaluationKeys]
    /// Per partition keyswitch of the layout (same order), the seeded cross keyswitch key.
    public let crossKeyswitchKeys: [SeededLWEKeyswitchKey]

    /// Keys; see the properties.
    public init(partitionKeys: [SeededEvaluationKeys], crossKeyswitchKeys: [SeededLWEKeyswitchKey]) {
        self.partitionKeys = partitionKeys
        self.crossKeyswitchKeys = crossKeyswitchKeys
    }

    /// Size in bytes.
    public var byteCount: Int {
        partitionKeys.reduce(0) { $0 + $1.byteCount } + crossKeyswitchKeys.reduce(0) { $0 + $1.byteCount }
    }
}
