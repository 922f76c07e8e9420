// A circuit lowered onto TFHE: the integer circuit, the message precision of every encrypted value,
// and the parameter set of its keys. This is what the server evaluates and what the client's
// encryption and decryption follow.

/// How one circuit input or output travels between client and server.
public struct ValueEncoding: Sendable, Codable, Equatable {
    /// Per-sample shape.
    public var shape: [Int]
    /// Message bits p of the encoding (Δ = 2^(63−p)); 0 for clear values.
    public var precision: Int
    /// Two's complement when true.
    public var isSigned: Bool
    /// False for clear inputs (`inputs_encryption_status`).
    public var isEncrypted: Bool

    /// An encoding description.
    public init(shape: [Int], precision: Int, isSigned: Bool, isEncrypted: Bool) {
        self.shape = shape
        self.precision = precision
        self.isSigned = isSigned
        self.isEncrypted = isEncrypted
    }

    /// Number of scalars per sample.
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A circuit ready for encrypted evaluation.
public struct FHEProgram: Sendable, Codable, Equatable {
    /// Name of this program's encoding in a server spec (`circuit_encoding`): the program as JSON.
    public static let circuitEncodingName = "cml.fhe-program.json.v1"

    /// The integer circuit (clear weights and tables).
    public var circuit: Circuit
    /// Message bits of every value (index = `ValueID.rawValue`); 0 for clear values.
    public var precisions: [Int]
    /// The keys' parameters (one set for the whole circuit).
    public var parameters: ParameterSet

    /// A program; `precisions` usually comes from `CircuitEncoding.precisions(of:)`.
    /// - Precondition: one precision per circuit value.
    public init(circuit: Circuit, precisions: [Int], parameters: ParameterSet) {
        precondition(precisions.count == circuit.values.count, "\(precisions.count) precisions for \(circuit.values.count) values")
        self.circuit = circuit
        self.precisions = precisions
        self.parameters = parameters
    }

    /// The encodings of the circuit inputs, in order.
    public var inputEncodings: [ValueEncoding] { circuit.inputs.map(encoding(of:)) }
    /// The encodings of the circuit outputs, in order.
    public var outputEncodings: [ValueEncoding] { circuit.outputs.map(encoding(of:)) }

    /// The encoding of value `id`.
    public func encoding(of id: ValueID) -> ValueEncoding {
        let v = circuit[id]
        return ValueEncoding(shape: v.shape, precision: precisions[id.rawValue], isSigned: v.isSigned, isEncrypted: v.isEncrypted)
    }
}
