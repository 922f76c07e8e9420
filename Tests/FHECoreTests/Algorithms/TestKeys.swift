import Foundation
@_spi(KeyHolder) @testable import FHECore

/// Keys per parameter set, generated once per test process from fixed seeds (deterministic runs).
final class TestKeys: @unchecked Sendable {
    static let shared = TestKeys()
    private let lock = NSLock()
    private var cache: [ParameterSet: (SecretKeys, EvaluationKeys)] = [:]

    static func seed(_ byte: UInt8) -> Seed { Seed(bytes: [UInt8](repeating: byte, count: 32)) }
    static let seeds = EncryptionSeeds(maskSeed: seed(7), noiseSeed: seed(9))

    func keys(_ parameters: ParameterSet) -> (secret: SecretKeys, evaluation: EvaluationKeys) {
        lock.lock()
        defer { lock.unlock() }
        if let k = cache[parameters] { return k }
        let secret = SecretKeys(parameters: parameters, seed: Self.seed(3))
        let evaluation = secret.evaluationKeys(seeds: Self.seeds)
        cache[parameters] = (secret, evaluation)
        return (secret, evaluation)
    }
}
