// The one interface behind which the clear, simulated and encrypted evaluators run a circuit.

/// Runs a circuit: the clear and simulated evaluators on batches of quantized integers (`IntTensor`), the
/// encrypted one on one sample's ciphertexts (`CircuitArgument`), since it holds no key to encrypt with.
public protocol CircuitEvaluator<Operand> {
    /// What the evaluator takes per circuit input and returns per circuit output.
    associatedtype Operand
    /// Evaluates `circuit` on `inputs` (one operand per circuit input; a batched tensor has the batch axis
    /// first, then the input's per-sample shape) and returns one operand per circuit output.
    func evaluate(_ circuit: Circuit, inputs: [Operand]) throws -> [Operand]
}

/// How `fhe` runs a compiled model, as Concrete ML's `fhe=` argument.
public enum FHEMode: String, Sendable, Codable, CaseIterable {
    /// Clear integer evaluation: the reference.
    case disable
    /// Clear integers with PBS errors injected at the parameters' rate.
    case simulate
    /// Real encryption.
    case execute
}

/// A circuit could not be evaluated on the given inputs.
public enum CircuitEvaluationError: Error, Equatable, CustomStringConvertible {
    /// Wrong number of inputs.
    case inputCount(expected: Int, got: Int)
    /// An input's shape is not [batch] + the circuit input's shape.
    case inputShape(index: Int, expected: [Int], got: [Int])
    /// Values left the range their encoding can hold: FHE would return garbage here.
    case overflow(OverflowReport)

    public var description: String {
        switch self {
        case .inputCount(let e, let g): "the circuit takes \(e) input(s), got \(g)"
        case .inputShape(let i, let e, let g): "input \(i) must have shape [batch] + \(e), got \(g)"
        case .overflow(let r): r.description
        }
    }
}

/// Where a value left its representable range, and by how much.
public struct OverflowReport: Sendable, Equatable, CustomStringConvertible {
    /// The operation whose result (or table input) overflowed.
    public var label: String
    /// Its mnemonic (`matmul`, `tlu`, ...).
    public var operation: String
    /// The value.
    public var value: ValueID
    /// The range the encoding holds (bit-width from calibration).
    public var allowed: IntegerRange
    /// The range observed on the inputs that overflowed.
    public var observed: IntegerRange
    /// Number of elements (over the batch) outside `allowed`.
    public var elementCount: Int
    /// First sample of the batch that overflowed.
    public var firstSample: Int

    public var description: String {
        "overflow in \(operation) '\(label)' (\(value)): \(elementCount) element(s) in \(observed), outside the "
            + "\(allowed.bitWidth)-bit range \(allowed) calibrated at compile time (first at sample \(firstSample)); "
            + "calibrate with data covering these inputs"
    }
}
