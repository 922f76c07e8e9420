// What the server holds: no secret, only public evaluation material (DESIGN.md "Server").

/// Keyswitch key plus Fourier bootstrap key for one parameter set: enough to run KS + PBS.
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
        precondition(keyswitchKey.inputDimension == parameters.bigLWEDimension
                     && keyswitchKey.outputDimension == parameters.lweDimension
                     && keyswitchKey.decomposition == parameters.ksDecomposition,
                     "keyswitch key does not match \(parameters)")
        precondition(bootstrapKey.inputDimension == parameters.lweDimension
                     && bootstrapKey.glweDimension == parameters.glweDimension
                     && bootstrapKey.polynomialSize == parameters.polynomialSize
                     && bootstrapKey.decomposition == parameters.pbsDecomposition,
                     "bootstrap key does not match \(parameters)")
        self.parameters = parameters
        self.keyswitchKey = keyswitchKey
        self.bootstrapKey = bootstrapKey
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
