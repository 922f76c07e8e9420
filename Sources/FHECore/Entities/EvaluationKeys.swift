// What the server holds: no secret, only public evaluation material (docs/ARCHITECTURE.md#products-and-modules).

/// Keyswitch key plus Fourier bootstrap key for one parameter set: enough to run KS + PBS. The keyswitch key
/// goes from the set's big key to its small key, or from another partition's big key (`crossKeyswitchKey`).
public struct EvaluationKeys: Sendable {
    /// The parameter set the keys were made for.
    public let parameters: ParameterSet
    /// Big key (k·N) → small key (n).
    public let keyswitchKey: LWEKeyswitchKey
    /// Bootstrap key in the Fourier domain.
    public let bootstrapKey: FourierLWEBootstrapKey

    /// Keys for `parameters`.
    /// - Precondition: the keys' dimensions match `parameters`.
    public init(parameters: ParameterSet, keyswitchKey: LWEKeyswitchKey, bootstrapKey: FourierLWEBootstrapKey) {
        Self.checkOwnKeyswitchKey(keyswitchKey, parameters)
        self.init(parameters: parameters, crossKeyswitchKey: keyswitchKey, bootstrapKey: bootstrapKey)
    }

    /// Keys whose keyswitch key comes from another partition's big key (docs/PARAMETERS.md#partitions): KS + PBS
    /// then reads ciphertexts of the keyswitch key's input dimension and writes ciphertexts under this set's
    /// big key. Only the raw-pointer and list entry points (`Bootstrap.programmableBatch`,
    /// `Bootstrap.programmableConcurrent`) take such keys.
    /// - Precondition: the keyswitch key ends in this set's small key with its gadget; the bootstrap key matches.
    public init(parameters: ParameterSet, crossKeyswitchKey: LWEKeyswitchKey, bootstrapKey: FourierLWEBootstrapKey) {
        precondition(crossKeyswitchKey.outputDimension == parameters.lweDimension
                     && crossKeyswitchKey.decomposition == parameters.ksDecomposition,
                     "keyswitch key does not end in the small key of \(parameters)")
        Self.checkBootstrapKey(bootstrapKey, parameters)
        self.parameters = parameters
        self.keyswitchKey = crossKeyswitchKey
        self.bootstrapKey = bootstrapKey
    }

    /// Traps unless `keyswitchKey` goes from the big key of `parameters` to its small key with its gadget.
    static func checkOwnKeyswitchKey(_ keyswitchKey: LWEKeyswitchKey, _ parameters: ParameterSet) {
        precondition(keyswitchKey.inputDimension == parameters.bigLWEDimension
                     && keyswitchKey.outputDimension == parameters.lweDimension
                     && keyswitchKey.decomposition == parameters.ksDecomposition,
                     "keyswitch key does not match \(parameters)")
    }

    /// Traps unless `bootstrapKey` is a bootstrap key of `parameters`.
    static func checkBootstrapKey(_ bootstrapKey: FourierLWEBootstrapKey, _ parameters: ParameterSet) {
        precondition(bootstrapKey.inputDimension == parameters.lweDimension
                     && bootstrapKey.glweDimension == parameters.glweDimension
                     && bootstrapKey.polynomialSize == parameters.polynomialSize
                     && bootstrapKey.decomposition == parameters.pbsDecomposition
                     && bootstrapKey.fourierPrecision == parameters.fourierPrecision,
                     "bootstrap key does not match \(parameters)")
    }

    /// Size in bytes of the keys as held in memory (standard-domain KSK, Fourier BSK).
    public var byteCount: Int { keyswitchKey.byteCount + bootstrapKey.byteCount }
}

/// Evaluation keys in their compressed (seeded) form: what a client uploads.
public struct SeededEvaluationKeys: Hashable, Sendable {
    /// The parameter set the keys were made for.
    public let parameters: ParameterSet
    /// Seeded keyswitch key.
    public let keyswitchKey: SeededLWEKeyswitchKey
    /// Seeded standard-domain bootstrap key.
    public let bootstrapKey: SeededLWEBootstrapKey

    /// Seeded keys for `parameters`.
    public init(parameters: ParameterSet, keyswitchKey: SeededLWEKeyswitchKey, bootstrapKey: SeededLWEBootstrapKey) {
        self.parameters = parameters
        self.keyswitchKey = keyswitchKey
        self.bootstrapKey = bootstrapKey
    }

    /// Size in bytes.
    public var byteCount: Int { keyswitchKey.byteCount + bootstrapKey.byteCount }
}
