// The clear integer evaluator (`fhe: .disable`): the reference every other evaluator must match.

/// Evaluates a circuit on clear integers, checking every value against its encoding's range.
public struct ClearEvaluator: CircuitEvaluator, Sendable {
    /// When true (default), a value outside its bit-width throws `CircuitEvaluationError.overflow`
    /// instead of returning what FHE could not compute.
    public var checksOverflow: Bool

    /// An evaluator.
    public init(checksOverflow: Bool = true) { self.checksOverflow = checksOverflow }

    public func evaluate(_ circuit: Circuit, inputs: [IntTensor]) throws -> [IntTensor] {
        try evaluateAll(circuit, inputs: inputs).outputs
    }

    /// Evaluates and returns every value of the circuit (batched), for calibration and debugging.
    public func evaluateAll(_ circuit: Circuit, inputs: [IntTensor]) throws -> (values: [[Int64]], outputs: [IntTensor]) {
        guard inputs.count == circuit.inputs.count else {
            throw CircuitEvaluationError.inputCount(expected: circuit.inputs.count, got: inputs.count)
        }
        let batch = inputs.first?.shape.first ?? 0
        var values = [[Int64]](repeating: [], count: circuit.values.count)
        for op in circuit.operations {
            let result: [Int64]
            if case .input(let index) = op.kind {
                let expected = circuit[op.result].shape
                guard inputs[index].shape == [batch] + expected else {
                    throw CircuitEvaluationError.inputShape(index: index, expected: expected, got: inputs[index].shape)
                }
                result = inputs[index].values
            } else {
                if checksOverflow, case .tableLookup(let table) = op.kind {
                    try check(values[op.operands[0].rawValue], against: table.domain, op: op, value: op.operands[0],
                              perSample: max(1, circuit[op.operands[0]].elementCount))
                }
                result = IntegerKernels.evaluate(op.kind, operands: op.operands.map { values[$0.rawValue] },
                                                 operandShapes: op.operands.map { circuit[$0].shape }, batch: batch)
            }
            if checksOverflow {
                try check(result, against: circuit[op.result].representableRange, op: op, value: op.result,
                          perSample: max(1, circuit[op.result].elementCount))
            }
            values[op.result.rawValue] = result
        }
        let outputs = circuit.outputs.map { IntTensor(shape: [batch] + circuit[$0].shape, values: values[$0.rawValue]) }
        return (values, outputs)
    }

    private func check(_ data: [Int64], against allowed: IntegerRange, op: CircuitOperation, value: ValueID, perSample: Int) throws {
        guard let bad = data.firstIndex(where: { !allowed.contains($0) }) else { return }
        let outside = data.filter { !allowed.contains($0) }
        throw CircuitEvaluationError.overflow(OverflowReport(
            label: op.label, operation: op.mnemonic, value: value, allowed: allowed,
            observed: IntegerRange(of: data), elementCount: outside.count, firstSample: bad / perSample))
    }
}
