// `fhe: .simulate`: the clear circuit with the noise of the chosen parameters injected where FHE would
// feel it, at each table lookup's input (DESIGN.md "one Circuit IR, three evaluators").
import Foundation

/// Evaluates on clear integers, but every table lookup reads its input plus Gaussian noise of the
/// variance the noise model predicts for it (reference/tfhe.md §2.5), rounded to the nearest box as the
/// PBS does. After an approximate rounding the lookup reads the unrounded value (x − 1/2)/2^δ, so the
/// off-by-one errors of APPROXIMATE appear exactly where FHE makes them. Exact rounding, products and
/// max-pooling are computed exactly (their PBS run at the same p_error but are not perturbed).
public struct SimulatedEvaluator: CircuitEvaluator, Sendable {
    public let program: FHEProgram
    /// Variance (torus units) of each lookup's input at its blind rotation, indexed by the lookup's result (0 for
    /// other values).
    private let lookupVariances: [Double]

    /// A simulator of `program`. A lookup's noise is that of its own partition's keyswitch (the cross key when
    /// its input is under another partition's big key) and modulus switch, on top of its input's noise under
    /// the input's partition (reference/tfhe.md §2.5, §3.3).
    public init(program: FHEProgram) {
        self.program = program
        let weights = NoiseWeights(program.circuit)
        var variances = [Double](repeating: 0, count: program.circuit.values.count)
        for op in program.circuit.operations {
            guard case .tableLookup = op.kind, program.circuit[op.result].isEncrypted else { continue }
            let input = op.operands[0].rawValue
            let bits = program.precisions[input]
            guard bits > 0 else { continue }
            let source = program.partitions[program.valuePartitions[input]]
            let target = program.partitions[program.valuePartitions[op.result.rawValue]]
            variances[op.result.rawValue] = weights.variance(of: input, parameters: source)
                + NoiseModel.keyswitchVariance(from: source, to: target) + NoiseModel.modulusSwitchVariance(for: target)
        }
        lookupVariances = variances
    }

    /// The variance the simulator gives the input of the table lookup producing `result`, at its blind rotation
    /// (what the parameter search bounds by V_max).
    public func lookupInputVariance(producing result: ValueID) -> Double { lookupVariances[result.rawValue] }

    public func evaluate(_ circuit: Circuit, inputs: [IntTensor]) throws -> [IntTensor] {
        guard inputs.count == circuit.inputs.count else {
            throw CircuitEvaluationError.inputCount(expected: circuit.inputs.count, got: inputs.count)
        }
        let batch = inputs.first?.shape.first ?? 0
        var values = [[Int64]](repeating: [], count: circuit.values.count)
        var generator = SystemRandomNumberGenerator()
        for op in circuit.operations {
            if case .input(let index) = op.kind {
                guard inputs[index].shape == [batch] + circuit[op.result].shape else {
                    throw CircuitEvaluationError.inputShape(index: index, expected: circuit[op.result].shape, got: inputs[index].shape)
                }
                values[op.result.rawValue] = inputs[index].values
                continue
            }
            guard case .tableLookup(let table) = op.kind, circuit[op.result].isEncrypted else {
                values[op.result.rawValue] = IntegerKernels.evaluate(
                    op.kind, operands: op.operands.map { values[$0.rawValue] },
                    operandShapes: op.operands.map { circuit[$0].shape }, batch: batch)
                continue
            }
            let input = op.operands[0]
            let bits = program.precisions[input.rawValue]
            // The standard deviation in units of the input step Δ = 2^(−1−p) of the torus.
            let sigma = lookupVariances[op.result.rawValue].squareRoot() * exp2(Double(bits + 1))
            let representable = IntegerRange.representable(bits: bits, signed: circuit[input].isSigned)
            // The value the PBS reads, in input steps, before noise.
            let producer = circuit.producer(of: input)
            let phases: [Double]
            if case .round(let lsbs, .approximate) = producer.kind, lsbs > 0 {
                let scale = exp2(Double(lsbs))
                phases = values[producer.operands[0].rawValue].map { (Double($0) - 0.5) / scale }
            } else {
                phases = values[input.rawValue].map(Double.init)
            }
            let perSample = max(1, circuit[input].elementCount)
            var out = [Int64](repeating: 0, count: phases.count)
            for i in phases.indices {
                var read = Int64((phases[i] + sigma * Self.gaussian(&generator)).rounded())
                // The PBS works modulo 2^p: wrap into the representable patterns.
                let span = Int64(1) << bits
                read = ((read - representable.min) % span + span) % span + representable.min
                let t = table.tables[table.selector?[i % perSample] ?? 0]
                let index = read - table.inputMin
                out[i] = index >= 0 && index < Int64(t.count) ? t[Int(index)] : 0
            }
            values[op.result.rawValue] = out
        }
        return circuit.outputs.map { IntTensor(shape: [batch] + circuit[$0].shape, values: values[$0.rawValue]) }
    }

    /// A standard normal sample (Box–Muller).
    static func gaussian(_ generator: inout SystemRandomNumberGenerator) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
