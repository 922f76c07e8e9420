// The integer circuit: SSA values with shape, range and encryption status, and the operations producing them.

/// Index of a value in its circuit (printed `%n`).
public struct ValueID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: ValueID, b: ValueID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "%\(rawValue)" }
}

/// A value of the circuit: a per-sample tensor of integers.
public struct CircuitValue: Sendable, Equatable, Codable {
    /// Per-sample shape (no batch axis).
    public var shape: [Int]
    /// Range of every element, from calibration; its bit-width is the value's precision.
    public var range: IntegerRange
    /// Encrypted values live in ciphertexts; clear values are known to the server.
    public var isEncrypted: Bool

    /// A value description.
    public init(shape: [Int], range: IntegerRange, isEncrypted: Bool) {
        self.shape = shape
        self.range = range
        self.isEncrypted = isEncrypted
    }

    /// Precision in bits (sign bit included when signed).
    public var bitWidth: Int { range.bitWidth }
    /// Two's-complement encoding when true.
    public var isSigned: Bool { range.isSigned }
    /// Number of elements per sample.
    public var elementCount: Int { shape.reduce(1, *) }
    /// The integers the encoding can hold: an element outside it overflows.
    public var representableRange: IntegerRange { .representable(bits: bitWidth, signed: isSigned) }
}

/// The integer IR of a compiled model (see `OperationKind` for the semantics of each operation).
public struct Circuit: Sendable, Equatable, Codable {
    /// All values, indexed by `ValueID.rawValue`.
    public private(set) var values: [CircuitValue] = []
    /// Operations in topological order; operation i produces one value.
    public private(set) var operations: [CircuitOperation] = []
    /// The circuit's inputs in graph-input order.
    public private(set) var inputs: [ValueID] = []
    /// The circuit's outputs in graph-output order.
    public var outputs: [ValueID] = []

    /// An empty circuit.
    public init() {}

    /// The value `id`.
    public subscript(id: ValueID) -> CircuitValue { values[id.rawValue] }

    /// The operation that produces `id`.
    public func producer(of id: ValueID) -> CircuitOperation {
        operations[producerIndex[id.rawValue]]
    }

    private var producerIndex: [Int] = []

    /// Adds graph input `index` with its per-sample shape and range.
    public mutating func addInput(index: Int, shape: [Int], range: IntegerRange, isEncrypted: Bool, label: String) -> ValueID {
        precondition(index == inputs.count, "inputs must be added in order")
        let id = appendValue(CircuitValue(shape: shape, range: range, isEncrypted: isEncrypted),
                             kind: .input(index: index), operands: [], label: label)
        inputs.append(id)
        return id
    }

    /// Appends `kind(operands)`; the result's shape is inferred and it is encrypted iff an operand is.
    /// - Precondition: operands exist and fit the kind (programmer error otherwise).
    public mutating func append(_ kind: OperationKind, operands: [ValueID], range: IntegerRange, label: String) -> ValueID {
        precondition(!operands.isEmpty, "only inputs have no operands")
        precondition(operands.allSatisfy { $0.rawValue < values.count }, "operand of \(label) not in the circuit")
        let shape = kind.resultShape(operandShapes: operands.map { self[$0].shape })
        let encrypted = operands.contains { self[$0].isEncrypted }
        return appendValue(CircuitValue(shape: shape, range: range, isEncrypted: encrypted), kind: kind, operands: operands, label: label)
    }

    private mutating func appendValue(_ value: CircuitValue, kind: OperationKind, operands: [ValueID], label: String) -> ValueID {
        let id = ValueID(rawValue: values.count)
        values.append(value)
        producerIndex.append(operations.count)
        operations.append(CircuitOperation(kind: kind, operands: operands, result: id, label: label))
        return id
    }

    /// Widens the recorded range of `id` (e.g. to hold every calibration sample of a later pass).
    public mutating func setRange(_ range: IntegerRange, of id: ValueID) {
        values[id.rawValue].range = range
    }
}
