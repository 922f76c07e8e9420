// What the parameter search needs to know about a circuit (docs/PARAMETERS.md#circuit-constraints): for each
// layer, the precision of its TLU inputs (or of its directly decrypted outputs), the worst squared
// 2-norm of the dot products producing them, and how many there are.

/// Values of one layer that share a precision and a noise bound: the inputs of its TLUs, or circuit
/// outputs the client decrypts directly (no TLU in between: their noise is ν²·V_BR, docs/NOISE.md#atomic-pattern).
public struct ValueGroup: Hashable, Sendable, Codable {
    /// What happens to the values.
    public enum Role: String, Hashable, Sendable, Codable {
        /// Each value goes through a TLU (keyswitch + PBS).
        case tluInput
        /// Each value is decrypted by the client as it is.
        case decryptedOutput
    }

    /// The layer or node name, used in reports and errors.
    public let name: String
    /// What happens to the values.
    public let role: Role
    /// Bits of the values (message bits, padding excluded), 0…16; 0 is the one-bit extraction step of
    /// exact rounding (docs/ALGORITHMS.md#rounding), whose bound 2^−2 is that of a 0-bit value with padding.
    public let precision: Int
    /// ν², the largest squared 2-norm Σw² of the dot product of PBS outputs producing one of them.
    public let squaredNorm: Double
    /// The same for the fresh encryptions (circuit inputs) in that dot product: their variance is the
    /// GLWE key's Var_min(k·N), far below V_BR, so they are weighed apart (Concrete's
    /// `input_coeff·V_fresh + lut_coeff·V_BR`, docs/NOISE.md#linear-operations).
    public let freshSquaredNorm: Double
    /// Number of values (TLU instances, or decrypted scalars).
    public let count: Int
    /// Names of the TLU groups whose PBS outputs feed the dot products: nil when unknown, empty when
    /// only circuit inputs do. Needed to give the circuit several parameter sets.
    public let sources: [String]?

    /// A group of `count` values of `precision` bits produced by dot products of squared 2-norm at most `squaredNorm`.
    public init(name: String, role: Role, precision: Int, squaredNorm: Double, count: Int, sources: [String]? = nil,
                freshSquaredNorm: Double = 0) {
        precondition(freshSquaredNorm >= 0, "fresh ν² of '\(name)' is negative: \(freshSquaredNorm)")
        self.freshSquaredNorm = freshSquaredNorm
        precondition(count >= 0, "value count of '\(name)' is negative: \(count)")
        self.name = name
        self.role = role
        self.precision = precision
        self.squaredNorm = squaredNorm
        self.count = count
        self.sources = sources
    }

    /// `count` TLUs of `precision` bits fed by dot products of squared 2-norm at most `squaredNorm`.
    public static func tlus(_ name: String, precision: Int, squaredNorm: Double, count: Int, sources: [String]? = nil,
                            freshSquaredNorm: Double = 0) -> ValueGroup {
        ValueGroup(name: name, role: .tluInput, precision: precision, squaredNorm: squaredNorm, count: count, sources: sources,
                   freshSquaredNorm: freshSquaredNorm)
    }

    /// `count` outputs of `precision` bits decrypted directly, produced by dot products of squared 2-norm at most `squaredNorm`.
    public static func decryptedOutputs(_ name: String, precision: Int, squaredNorm: Double, count: Int, sources: [String]? = nil,
                                        freshSquaredNorm: Double = 0) -> ValueGroup {
        ValueGroup(name: name, role: .decryptedOutput, precision: precision, squaredNorm: squaredNorm, count: count, sources: sources,
                   freshSquaredNorm: freshSquaredNorm)
    }

    /// The noise bound of these values under the searched set's own keys, at `errorProbability`.
    func ownConstraint(errorProbability: Double) -> NoiseConstraint {
        switch role {
        case .tluInput: .tluInput(precision: precision, squaredNorm: squaredNorm, errorProbability: errorProbability,
                                  freshSquaredNorm: freshSquaredNorm)
        case .decryptedOutput: .decryptedOutput(precision: precision, squaredNorm: squaredNorm, errorProbability: errorProbability,
                                                freshSquaredNorm: freshSquaredNorm)
        }
    }
}
