// Limits a reader applies to declared lengths before it allocates anything for them.

/// Largest payload a reader accepts, per message kind.
public struct WireLimits: Sendable, Hashable {
    /// Per-kind payload limits in bytes; a kind absent here uses `defaultPayloadLimit`.
    public var payloadLimits: [MessageKind: Int]
    /// Limit for kinds not in `payloadLimits`.
    public var defaultPayloadLimit: Int

    /// Creates limits.
    public init(payloadLimits: [MessageKind: Int], defaultPayloadLimit: Int) {
        self.payloadLimits = payloadLimits
        self.defaultPayloadLimit = defaultPayloadLimit
    }

    /// The payload limit for `kind`.
    public func payloadLimit(for kind: MessageKind) -> Int { payloadLimits[kind] ?? defaultPayloadLimit }

    /// Generous limits for files a user reads on purpose: 4 GiB keys, 1 GiB batches and specs.
    public static let files = WireLimits(
        payloadLimits: [.evaluationKeys: 4 << 30, .ciphertextBatch: 1 << 30, .evaluateRequest: 1 << 30,
                        .serverSpec: 1 << 30, .clientSpec: 64 << 20],
        defaultPayloadLimit: 16 << 20)

    /// A copy with every limit at most `bytes` (used by servers and tests).
    public func capped(at bytes: Int) -> WireLimits {
        WireLimits(payloadLimits: payloadLimits.mapValues { min($0, bytes) },
                   defaultPayloadLimit: min(defaultPayloadLimit, bytes))
    }
}
