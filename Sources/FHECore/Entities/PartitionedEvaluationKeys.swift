// Evaluation keys of a key layout with one or more parameter sets (docs/PARAMETERS.md#partitions): what the
// server holds for a circuit whose lookups fall into several partitions.

/// Per parameter set of a layout its bootstrap key and, where a lookup uses it, its own keyswitch key; per
/// cross keyswitch of the layout a key from one set's big key to another's small key.
public struct PartitionedEvaluationKeys: Sendable {
    /// The layout's parameter sets.
    public let parameterSets: [ParameterSet]
    /// Bootstrap keys in the Fourier domain, one per set.
    public let bootstrapKeys: [FourierLWEBootstrapKey]
    /// Own keyswitch keys (big → small key of the set), nil where the layout has none.
    public let keyswitchKeys: [LWEKeyswitchKey?]
    /// Per partition keyswitch of the layout (same order): big key of `from` → small key of `to`.
    public let crossKeyswitchKeys: [LWEKeyswitchKey]

    /// Keys; see the properties.
    /// - Precondition: one bootstrap key and one optional keyswitch key per set, matching it.
    public init(parameterSets: [ParameterSet], bootstrapKeys: [FourierLWEBootstrapKey], keyswitchKeys: [LWEKeyswitchKey?],
                crossKeyswitchKeys: [LWEKeyswitchKey]) {
        precondition(!parameterSets.isEmpty && bootstrapKeys.count == parameterSets.count && keyswitchKeys.count == parameterSets.count,
                     "\(bootstrapKeys.count) bootstrap and \(keyswitchKeys.count) keyswitch keys for \(parameterSets.count) sets")
        for (index, set) in parameterSets.enumerated() {
            EvaluationKeys.checkBootstrapKey(bootstrapKeys[index], set)
            if let key = keyswitchKeys[index] { EvaluationKeys.checkOwnKeyswitchKey(key, set) }
        }
        self.parameterSets = parameterSets
        self.bootstrapKeys = bootstrapKeys
        self.keyswitchKeys = keyswitchKeys
        self.crossKeyswitchKeys = crossKeyswitchKeys
    }

    /// The mono-parameter keys of one set.
    public init(_ keys: EvaluationKeys) {
        self.init(parameterSets: [keys.parameters], bootstrapKeys: [keys.bootstrapKey], keyswitchKeys: [keys.keyswitchKey],
                  crossKeyswitchKeys: [])
    }

    /// KS + PBS keys for lookups of set `target` reading ciphertexts under set `source`'s big key: the target's own
    /// keyswitch key, or the cross keyswitch key `crossIndex` of the layout, with the target's bootstrap key.
    /// - Precondition: the key exists (the layout lists it).
    public func keys(from source: Int, to target: Int, crossIndex: Int?) -> EvaluationKeys {
        if source == target {
            guard let own = keyswitchKeys[target] else { preconditionFailure("set \(target) has no own keyswitch key in this layout") }
            return EvaluationKeys(parameters: parameterSets[target], keyswitchKey: own, bootstrapKey: bootstrapKeys[target])
        }
        guard let crossIndex else { preconditionFailure("no cross keyswitch key \(source) → \(target)") }
        return EvaluationKeys(parameters: parameterSets[target], crossKeyswitchKey: crossKeyswitchKeys[crossIndex],
                              bootstrapKey: bootstrapKeys[target])
    }

    /// Size in bytes as held in memory.
    public var byteCount: Int {
        bootstrapKeys.reduce(0) { $0 + $1.byteCount } + keyswitchKeys.reduce(0) { $0 + ($1?.byteCount ?? 0) }
            + crossKeyswitchKeys.reduce(0) { $0 + $1.byteCount }
    }
}

/// The seeded (upload) form of `PartitionedEvaluationKeys`.
public struct SeededPartitionedEvaluationKeys: Hashable, Sendable {
    /// The layout's parameter sets.
    public let parameterSets: [ParameterSet]
    /// Seeded standard-domain bootstrap keys, one per set.
    public let bootstrapKeys: [SeededLWEBootstrapKey]
    /// Seeded own keyswitch keys, nil where the layout has none.
    public let keyswitchKeys: [SeededLWEKeyswitchKey?]
    /// Per partition keyswitch of the layout (same order), the seeded cross keyswitch key.
    public let crossKeyswitchKeys: [SeededLWEKeyswitchKey]

    /// Keys; see the properties.
    /// - Precondition: one bootstrap key and one optional keyswitch key per set.
    public init(parameterSets: [ParameterSet], bootstrapKeys: [SeededLWEBootstrapKey], keyswitchKeys: [SeededLWEKeyswitchKey?],
                crossKeyswitchKeys: [SeededLWEKeyswitchKey]) {
        precondition(bootstrapKeys.count == parameterSets.count && keyswitchKeys.count == parameterSets.count,
                     "\(bootstrapKeys.count) bootstrap and \(keyswitchKeys.count) keyswitch keys for \(parameterSets.count) sets")
        self.parameterSets = parameterSets
        self.bootstrapKeys = bootstrapKeys
        self.keyswitchKeys = keyswitchKeys
        self.crossKeyswitchKeys = crossKeyswitchKeys
    }

    /// Size in bytes.
    public var byteCount: Int {
        bootstrapKeys.reduce(0) { $0 + $1.byteCount } + keyswitchKeys.reduce(0) { $0 + ($1?.byteCount ?? 0) }
            + crossKeyswitchKeys.reduce(0) { $0 + $1.byteCount }
    }
}
