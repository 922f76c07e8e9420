// What the parameter search needs to know about a circuit (DESIGN.md "Parameter search").

/// TLUs of one layer (or any set of TLUs with the same input precision), with the worst squared
/// 2-norm of the dot products that feed them.
public struct TLUGroup: Hashable, Sendable {
    /// The layer or node name, used in reports and errors.
    public let name: String
    /// Bits of the TLU input (message bits, padding excluded), 1…16.
    public let precision: Int
    /// ν², the largest squared 2-norm Σw² of the dot product of PBS outputs feeding one of these TLUs.
    public let squaredNorm: Double
    /// Number of TLU instances (the flat size of the tensor, times the TLUs per element).
    public let count: Int
    /// Names of the groups whose PBS outputs feed these TLUs: nil when unknown (any group may), empty
    /// when only circuit inputs do. Used only when several parameter sets are chosen.
    public let sources: [String]?

    /// A group of `count` TLUs of `precision` bits fed by dot products of squared 2-norm at most `squaredNorm`.
    public init(name: String, precision: Int, squaredNorm: Double, count: Int, sources: [String]? = nil) {
        precondition(count >= 0, "TLU count of '\(name)' is negative: \(count)")
        self.name = name
        self.precision = precision
        self.squaredNorm = squaredNorm
        self.count = count
        self.sources = sources
    }
}

/// Circuit outputs that the client decrypts directly, without a TLU in between: their noise is
/// ν²·V_BR and must stay below V_max of their precision (reference/tfhe.md §2.5).
public struct DecryptedOutput: Hashable, Sendable {
    /// The output name.
    public let name: String
    /// Bits of the output value (message bits, padding excluded).
    public let precision: Int
    /// ν², the squared 2-norm of the dot product of PBS outputs that produces it.
    public let squaredNorm: Double
    /// Number of scalar values decrypted.
    public let count: Int
    /// Names of the TLU groups that feed it (nil: unknown, any group may).
    public let sources: [String]?

    /// `count` output values of `precision` bits produced by dot products of squared 2-norm at most `squaredNorm`.
    public init(name: String, precision: Int, squaredNorm: Double, count: Int, sources: [String]? = nil) {
        precondition(count >= 0, "output count of '\(name)' is negative: \(count)")
        self.name = name
        self.precision = precision
        self.squaredNorm = squaredNorm
        self.count = count
        self.sources = sources
    }
}
