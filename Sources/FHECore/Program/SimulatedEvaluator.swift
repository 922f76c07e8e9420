// `fhe: .simulate`: the clear circuit with the noise of the chosen parameters injected where FHE would
// feel it, at the input of every PBS (docs/ARCHITECTURE.md#three-evaluators).
import Foundation

/// Evaluates on clear integers, but every PBS reads its input plus Gaussian noise of the variance the noise
/// model predicts for it (docs/NOISE.md#atomic-pattern), rounded to the nearest box as the PBS does: table lookups,
/// the squares of encrypted products, the relu comparisons of max-pooling and the bit extractions of exact
/// rounding (`BootstrapPattern`), each computed the way the encrypted evaluator computes it. After an
/// approximate rounding a PBS reads the unrounded value (x − 1/2)/2^δ, so the off-by-one errors of
/// APPROXIMATE appear exactly where FHE makes them.
public struct SimulatedEvaluator: CircuitEvaluator, Sendable {
    /// The program whose parameters give the noise.
    public let program: FHEProgram
    /// Variance (torus units) of each PBS input at its blind rotation, per group of the operation producing a
    /// value (indexed by the result; empty for levelled operations).
    private let pbsVariances: [[Double]]

    /// A simulator of `program`. A PBS's noise is that of its own partition's keyswitch (the cross key when
    /// its input is under another partition's big key) and modulus switch, on top of its input's noise under
    /// the input's partition (docs/NOISE.md#atomic-pattern, docs/PARAMETERS.md#partitions).
    public init(program: FHEProgram) {
        self.program = program
        let circuit = program.circuit
        let weights = NoiseWeights(circuit)
        var variances = [[Double]](repeating: [], count: circuit.values.count)
        for op in circuit.operations {
            let groups = circuit.bootstrapPattern(of: op).groups
            guard !groups.isEmpty else { continue }
            let input = op.operands[0].rawValue
            let source = program.partitions[program.valuePartitions[input]]
            let target = program.partitions[program.valuePartitions[op.result.rawValue]]
            let switches = NoiseModel.keyswitchVariance(from: source, to: target) + NoiseModel.modulusSwitchVariance(for: target)
            variances[op.result.rawValue] = groups.map {
                weights.pbsInputVariance($0, of: op, operandPrecision: program.precisions[input], parameters: source) + switches
            }
        }
        pbsVariances = variances
    }

    /// The variance the simulator gives the input of the table lookup producing `result`, at its blind rotation
    /// (what the parameter search bounds by V_max).
    public func lookupInputVariance(producing result: ValueID) -> Double { pbsVariances[result.rawValue].first ?? 0 }

    /// The variance the simulator gives each PBS input of group `group` (`BootstrapPattern.groups`) of the
    /// operation producing `result`, at its blind rotation.
    public func pbsInputVariance(producing result: ValueID, group: Int) -> Double { pbsVariances[result.rawValue][group] }

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
            let r = op.result.rawValue
            switch circuit.bootstrapPattern(of: op) {
            case .levelled:
                values[r] = IntegerKernels.evaluate(op.kind, operands: op.operands.map { values[$0.rawValue] },
                                                    operandShapes: op.operands.map { circuit[$0].shape }, batch: batch)
            case .lookup:
                guard case .tableLookup(let table) = op.kind else { preconditionFailure("a lookup pattern for \(op.mnemonic)") }
                values[r] = lookup(op, table: table, circuit: circuit, values: values, using: &generator)
            case .squares:
                values[r] = products(op, circuit: circuit, values: values, batch: batch, using: &generator)
            case .maxTree:
                guard case .maxPool(let geometry, let padValue) = op.kind else { preconditionFailure("a max tree for \(op.mnemonic)") }
                values[r] = maxPool(op, geometry: geometry, padValue: padValue, circuit: circuit, values: values, batch: batch,
                                    using: &generator)
            case .bitExtraction(let lsbs):
                values[r] = exactRound(op, lsbs: lsbs, values: values, using: &generator)
            }
        }
        return circuit.outputs.map { IntTensor(shape: [batch] + circuit[$0].shape, values: values[$0.rawValue]) }
    }

    // MARK: - What each PBS reads

    /// The value a PBS reads of `operand`, in steps of its Δ, before noise: its integers, or the unrounded value
    /// after an approximate rounding.
    private func phases(of operand: ValueID, circuit: Circuit, values: [[Int64]]) -> [Double] {
        let producer = circuit.producer(of: operand)
        if case .round(let lsbs, .approximate) = producer.kind, lsbs > 0 {
            let scale = exp2(Double(lsbs))
            return values[producer.operands[0].rawValue].map { (Double($0) - 0.5) / scale }
        }
        return values[operand.rawValue].map(Double.init)
    }

    /// The integer a p-bit PBS decodes from `phase` (in input steps) plus noise of standard deviation `sigma`
    /// (in input steps): the nearest box, wrapped into the p-bit patterns as the PBS works modulo 2^p.
    private static func read(_ phase: Double, sigma: Double, representable: IntegerRange, bits: Int,
                             using generator: inout SystemRandomNumberGenerator) -> Int64 {
        let read = Int64((phase + sigma * gaussian(&generator)).rounded())
        let span = Int64(1) << bits
        return ((read - representable.min) % span + span) % span + representable.min
    }

    /// The standard deviation of group `group`'s PBS input of `op`, in steps Δ = 2^(−1−p) of the torus.
    private func sigma(_ op: CircuitOperation, group: Int, bits: Int) -> Double {
        pbsVariances[op.result.rawValue][group].squareRoot() * exp2(Double(bits + 1))
    }

    // MARK: - Bootstrapped operations

    /// One noisy read of the operand per element, through the element's table.
    private func lookup(_ op: CircuitOperation, table: TableLookup, circuit: Circuit, values: [[Int64]],
                        using generator: inout SystemRandomNumberGenerator) -> [Int64] {
        let input = op.operands[0]
        let bits = program.precisions[input.rawValue]
        let sigma = sigma(op, group: 0, bits: bits)
        let representable = IntegerRange.representable(bits: bits, signed: circuit[input].isSigned)
        let phases = phases(of: input, circuit: circuit, values: values)
        let perSample = max(1, circuit[input].elementCount)
        return phases.indices.map { i in
            let read = Self.read(phases[i], sigma: sigma, representable: representable, bits: bits, using: &generator)
            let t = table.tables[table.selector?[i % perSample] ?? 0]
            let index = read - table.inputMin
            return index >= 0 && index < Int64(t.count) ? t[Int(index)] : 0
        }
    }

    /// Σ ⌊s²/4⌋ − ⌊d²/4⌋ over the scalar products, s = a + b and d = a − b each read by its own noisy PBS.
    private func products(_ op: CircuitOperation, circuit: Circuit, values: [[Int64]], batch: Int,
                          using generator: inout SystemRandomNumberGenerator) -> [Int64] {
        let shapes = op.operands.map { circuit[$0].shape }
        let (pairs, outputs) = EncryptedEvaluator.productTerms(op.kind, operandShapes: shapes)
        let bits = program.precisions[op.operands[0].rawValue]
        let sigma = sigma(op, group: 0, bits: bits)
        let ra = circuit[op.operands[0]].range, rb = circuit[op.operands[1]].range
        let sums = IntegerRange.representable(bits: bits, signed: ra.min + rb.min < 0)
        let differences = IntegerRange.representable(bits: bits, signed: ra.min - rb.max < 0)
        let a = phases(of: op.operands[0], circuit: circuit, values: values)
        let b = phases(of: op.operands[1], circuit: circuit, values: values)
        let aCount = shapes[0].reduce(1, *), bCount = shapes[1].reduce(1, *)
        var out = [Int64](repeating: 0, count: batch * outputs.count)
        for s in 0..<batch {
            for (o, range) in outputs.enumerated() {
                for (i, j) in pairs[range] {
                    let x = a[s * aCount + i], y = b[s * bCount + j]
                    let sum = Self.read(x + y, sigma: sigma, representable: sums, bits: bits, using: &generator)
                    let difference = Self.read(x - y, sigma: sigma, representable: differences, bits: bits, using: &generator)
                    out[s * outputs.count + o] &+= ((sum * sum) >> 2) - ((difference * difference) >> 2)
                }
            }
        }
        return out
    }

    /// The encrypted evaluator's tree over each window: max(a, b) = a + relu(b − a), b − a read by a noisy PBS.
    private func maxPool(_ op: CircuitOperation, geometry: WindowGeometry, padValue: Int64, circuit: Circuit, values: [[Int64]],
                         batch: Int, using generator: inout SystemRandomNumberGenerator) -> [Int64] {
        let shape = circuit[op.operands[0]].shape
        let channels = shape[0], spatial = Array(shape.dropFirst())
        let (out, taps) = IntegerKernels.windows(spatial: spatial, geometry: geometry)
        let inPlane = spatial.reduce(1, *), outPlane = out.reduce(1, *)
        let bits = program.precisions[op.result.rawValue]
        let sigma = sigma(op, group: 0, bits: bits)
        let representable = IntegerRange.representable(bits: bits, signed: true)
        let x = phases(of: op.operands[0], circuit: circuit, values: values)
        var result = [Int64](repeating: 0, count: batch * channels * outPlane)
        for plane in 0..<(batch * channels) {
            for p in 0..<outPlane {
                var candidates = taps[p].map { $0 < 0 ? Double(padValue) : x[plane * inPlane + $0] }
                while candidates.count > 1 {
                    var next: [Double] = []
                    for q in stride(from: 0, to: candidates.count, by: 2) {
                        guard q + 1 < candidates.count else { next.append(candidates[q]); continue }
                        let difference = Self.read(candidates[q + 1] - candidates[q], sigma: sigma, representable: representable,
                                                   bits: bits, using: &generator)
                        next.append(candidates[q] + Double(max(difference, 0)))
                    }
                    candidates = next
                }
                result[plane * outPlane + p] = Int64(candidates[0].rounded())
            }
        }
        return result
    }

    /// The encrypted evaluator's exact rounding: add 2^(δ−1), then extract and subtract the δ low bits one by one,
    /// each by a PBS that reads the sign of the torus after the bit was moved to the top (docs/ALGORITHMS.md#rounding).
    private func exactRound(_ op: CircuitOperation, lsbs: Int, values: [[Int64]],
                            using generator: inout SystemRandomNumberGenerator) -> [Int64] {
        let sigmas = (0..<lsbs).map { pbsVariances[op.result.rawValue][$0].squareRoot() }
        return values[op.operands[0].rawValue].map { x in
            var m = x + (Int64(1) << (lsbs - 1))
            for bit in 0..<lsbs {
                // Bits 0…bit of m, scaled to the top of the torus, centred on 1/4 or 3/4.
                let low = Double(m & ((Int64(1) << (bit + 1)) - 1)) / exp2(Double(bit + 1))
                let phase = low + 0.25 + sigmas[bit] * Self.gaussian(&generator)
                if phase - phase.rounded(.down) >= 0.5 { m -= Int64(1) << bit }
            }
            // The result reads m at a 2^δ-times coarser Δ: bits a failed extraction left behind round to the nearest.
            return (m + (Int64(1) << (lsbs - 1))) >> lsbs
        }
    }

    /// A standard normal sample (Box–Muller).
    static func gaussian(_ generator: inout SystemRandomNumberGenerator) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
