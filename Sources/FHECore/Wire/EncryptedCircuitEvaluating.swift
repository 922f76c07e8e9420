// The interface a server evaluates through. The encrypted evaluator (the circuit lowered onto
// TFHE) implements it; the server only ever holds evaluation keys and ciphertexts, so nothing
// here can reach a secret key.

/// Evaluation keys made ready to use (seeded masks regenerated, bootstrap keys in the Fourier
/// domain); a server caches these per key id.
public protocol PreparedEvaluationKeys: AnyObject, Sendable {
    /// Bytes held in memory, for cache accounting and metrics.
    var byteCount: Int { get }
}

/// Runs one compiled circuit on encrypted batches.
public protocol EncryptedCircuitEvaluating: Sendable {
    /// Which backend executes requests (reported to clients), e.g. "cpu".
    var backendName: String { get }
    /// Programmable bootstraps (table lookups) per sample, for throughput metrics.
    var tableLookupsPerSample: Int { get }
    /// Prepares uploaded keys; they already passed `checkConformance(to:)` for this circuit's layout.
    /// - Throws: `WireFormatError` when the keys cannot be used.
    func prepare(_ keys: Cml_V1_EvaluationKeys) throws -> any PreparedEvaluationKeys
    /// Evaluates the circuit on `inputs` (already checked against the circuit's input specs) and
    /// returns full output ciphertexts, one tensor per circuit output.
    /// - Throws: `WireFormatError` for inputs the circuit cannot take; other errors are server faults.
    func evaluate(_ inputs: Cml_V1_CiphertextBatch, keys: any PreparedEvaluationKeys) async throws -> Cml_V1_CiphertextBatch
}
