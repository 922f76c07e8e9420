// The clear evaluator for inputs outside the calibrated ranges: it computes what the encrypted circuit computes
// when a value leaves its bit-width, instead of stopping, and lists where that happened.
//
// An encrypted value of precision p (`CircuitEncoding`) is m·Δ with Δ = 2^(63−p) on the 64-bit torus, so
// leveled operations keep m modulo 2^(p+1) (p message bits and the padding bit). A lookup reads the p-bit
// pattern of m and, when the padding bit is set (after the signed offset 2^(p−1)), the negacyclic blind
// rotation returns the entry negated; patterns outside the table's domain read 0. Exact rounding clears bits
// with bit extractions that work modulo 2^(p+1) too. Decryption keeps p bits (docs/ALGORITHMS.md: #encoding,
// #lookup-table, #signed-inputs, #rounding, #encrypted-products; `EncryptedEvaluator` is the encrypted side of
// each rule). Clear values stay exact.

/// Where values left their encodings over a batch: one operation, every sample concerned.
public struct OverflowRecord: Sendable, Equatable {
    /// The operation, its value, the ranges and the first sample (the strict evaluator's error).
    public var report: OverflowReport
    /// Every sample of the batch with an element outside the range, ascending.
    public var samples: [Int]
}

/// Clear evaluation with the encodings' wrap-around (see the file comment): `fhe: .disable` for inputs the
/// calibration did not cover. Values inside their ranges give exactly the `ClearEvaluator` results.
public struct WrappingClearEvaluator: CircuitEvaluator, Sendable {
    /// An evaluator.
    public init() {}

    public func evaluate(_ circuit: Circuit, inputs: [IntTensor]) throws -> [IntTensor] {
        try evaluateReporting(circuit, inputs: inputs).outputs
    }

    /// The outputs as the encrypted circuit would decrypt them, and every operation whose result (or table
    /// input) left its calibrated range, in circuit order.
    public func evaluateReporting(_ circuit: Circuit, inputs: [IntTensor]) throws -> (outputs: [IntTensor], overflows: [OverflowRecord]) {
        guard inputs.count == circuit.inputs.count else {
            throw CircuitEvaluationError.inputCount(expected: circuit.inputs.count, got: inputs.count)
        }
        let batch = inputs.first?.shape.first ?? 0
        let precisions = CircuitEncoding.precisions(of: circuit)
        var values = [[Int64]](repeating: [], count: circuit.values.count)
        var overflows: [OverflowRecord] = []
        for op in circuit.operations {
            let result = circuit[op.result]
            let perSample = max(1, result.elementCount)
            var raw: [Int64]
            if case .input(let index) = op.kind {
                guard inputs[index].shape == [batch] + result.shape else {
                    throw CircuitEvaluationError.inputShape(index: index, expected: result.shape, got: inputs[index].shape)
                }
                raw = inputs[index].values
            } else {
                if case .tableLookup(let table) = op.kind, let record = Self.record(values[op.operands[0].rawValue], outside: table.domain, op: op,
                                                                                     value: op.operands[0], perSample: max(1, circuit[op.operands[0]].elementCount)) {
                    overflows.append(record)
                }
                raw = result.isEncrypted
                    ? Self.encrypted(op, circuit: circuit, precisions: precisions, values: values, batch: batch)
                    : IntegerKernels.evaluate(op.kind, operands: op.operands.map { values[$0.rawValue] },
                                              operandShapes: op.operands.map { circuit[$0].shape }, batch: batch)
            }
            if let record = Self.record(raw, outside: result.representableRange, op: op, value: op.result, perSample: perSample) {
                overflows.append(record)
            }
            if result.isEncrypted { raw = raw.map { Self.wrap($0, bits: precisions[op.result.rawValue] + 1) } }
            values[op.result.rawValue] = raw
        }
        let outputs = circuit.outputs.map { id -> IntTensor in
            let v = circuit[id]
            let decrypted = v.isEncrypted ? values[id.rawValue].map { Self.decrypted($0, bits: precisions[id.rawValue], signed: v.isSigned) } : values[id.rawValue]
            return IntTensor(shape: [batch] + v.shape, values: decrypted)
        }
        return (outputs, overflows)
    }

    /// x modulo 2^bits, as the representative in [−2^(bits−1), 2^(bits−1)).
    static func wrap(_ x: Int64, bits: Int) -> Int64 {
        let shift = Int64(64 - bits)
        return (x << shift) >> shift
    }

    /// What decryption of a p-bit value returns: p bits, two's complement when signed.
    static func decrypted(_ x: Int64, bits: Int, signed: Bool) -> Int64 {
        let low = x & ((Int64(1) << bits) - 1)
        return signed ? wrap(low, bits: bits) : low
    }

    /// A PBS of a value m (kept modulo 2^(p+1)) through `entry(pattern)`: the pattern is m's p low bits; the
    /// entry comes back negated when the padding bit, after the signed offset, is set.
    static func bootstrapped(_ m: Int64, bits p: Int, signed: Bool, entry: (Int) -> Int64) -> Int64 {
        let count = Int64(1) << p
        let shifted = (m + (signed ? count / 2 : 0)) & (2 * count - 1)
        let value = entry(Int(m & (count - 1)))
        return shifted >= count ? -value : value
    }

    /// The value a p-bit pattern stands for (two's complement when signed).
    static func patternValue(_ pattern: Int, bits p: Int, signed: Bool) -> Int64 {
        signed && pattern >= 1 << (p - 1) ? Int64(pattern) - (Int64(1) << p) : Int64(pattern)
    }

    /// An encrypted operation on the wrapped values of its operands, before its own wrap.
    static func encrypted(_ op: CircuitOperation, circuit: Circuit, precisions: [Int], values: [[Int64]], batch: Int) -> [Int64] {
        let operands = op.operands.map { values[$0.rawValue] }
        let shapes = op.operands.map { circuit[$0].shape }
        let bothEncrypted = op.operands.count == 2 && op.operands.allSatisfy { circuit[$0].isEncrypted }
        switch op.kind {
        case .tableLookup(let table):
            let input = circuit[op.operands[0]]
            let p = precisions[op.operands[0].rawValue], count = max(1, input.elementCount)
            return operands[0].enumerated().map { i, m in
                let t = table.tables[table.selector?[i % count] ?? 0]
                return bootstrapped(m, bits: p, signed: input.isSigned) { pattern in
                    let index = patternValue(pattern, bits: p, signed: input.isSigned) - table.inputMin
                    return index >= 0 && index < Int64(t.count) ? t[Int(index)] : 0
                }
            }
        case .multiply where bothEncrypted, .matMulEncrypted where bothEncrypted:
            return products(op, circuit: circuit, precisions: precisions, a: operands[0], b: operands[1], batch: batch)
        case .maxPool(let geometry, let padValue):
            return maxPool(operands[0], shape: shapes[0], geometry: geometry, padValue: padValue,
                           bits: precisions[op.result.rawValue], batch: batch)
        default:
            return IntegerKernels.evaluate(op.kind, operands: operands, operandShapes: shapes, batch: batch)
        }
    }

    /// a·b = ⌊(a+b)²/4⌋ − ⌊(a−b)²/4⌋ with both squares bootstrapped at the operands' precision.
    static func products(_ op: CircuitOperation, circuit: Circuit, precisions: [Int], a: [Int64], b: [Int64], batch: Int) -> [Int64] {
        let p = precisions[op.operands[0].rawValue]
        let ra = circuit[op.operands[0]].range, rb = circuit[op.operands[1]].range
        let sumSigned = ra.min + rb.min < 0, differenceSigned = ra.min - rb.max < 0
        func square(_ x: Int64, signed: Bool) -> Int64 {
            bootstrapped(wrap(x, bits: p + 1), bits: p, signed: signed) { pattern in
                let v = patternValue(pattern, bits: p, signed: signed)
                return (v * v) >> 2
            }
        }
        let sa = circuit[op.operands[0]].shape, sb = circuit[op.operands[1]].shape
        let na = max(1, sa.reduce(1, *)), nb = max(1, sb.reduce(1, *))
        var out: [Int64] = []
        for s in 0..<batch {
            func product(_ i: Int, _ j: Int) -> Int64 {
                let x = a[s * na + i], y = b[s * nb + j]
                return square(x + y, signed: sumSigned) - square(x - y, signed: differenceSigned)
            }
            if case .multiply = op.kind {
                for i in 0..<na { out.append(product(i, i)) }
                continue
            }
            let m = sa[sa.count - 2], k = sa.last!, n = sb.last!
            for t in 0..<sa.dropLast(2).reduce(1, *) { for i in 0..<m { for j in 0..<n {
                out.append((0..<k).reduce(Int64(0)) { $0 + product(t * m * k + i * k + $1, t * k * n + $1 * n + j) })
            } } }
        }
        return out
    }

    /// The encrypted max-pooling tree: pairs (0, 1), (2, 3), ... of each window's candidates, max(a, b) =
    /// a + relu(b − a) with relu bootstrapped, until one candidate is left.
    static func maxPool(_ x: [Int64], shape: [Int], geometry: WindowGeometry, padValue: Int64, bits p: Int, batch: Int) -> [Int64] {
        let channels = shape[0], spatial = Array(shape.dropFirst())
        let (out, taps) = IntegerKernels.windows(spatial: spatial, geometry: geometry)
        let inPlane = spatial.reduce(1, *), perSample = channels * inPlane
        var result: [Int64] = []
        for s in 0..<batch {
            for c in 0..<channels {
                for o in 0..<out.reduce(1, *) {
                    var candidates = taps[o].map { t in t < 0 ? wrap(padValue, bits: p + 1) : x[s * perSample + c * inPlane + t] }
                    while candidates.count > 1 {
                        candidates = stride(from: 0, to: candidates.count, by: 2).map { q in
                            guard q + 1 < candidates.count else { return candidates[q] }
                            let difference = wrap(candidates[q + 1] - candidates[q], bits: p + 1)
                            let relu = bootstrapped(difference, bits: p, signed: true) { max(patternValue($0, bits: p, signed: true), 0) }
                            return wrap(candidates[q] + relu, bits: p + 1)
                        }
                    }
                    result.append(candidates[0])
                }
            }
        }
        return result
    }

    /// The record of the elements of `data` outside `allowed`, nil when there are none.
    static func record(_ data: [Int64], outside allowed: IntegerRange, op: CircuitOperation, value: ValueID, perSample: Int) -> OverflowRecord? {
        var samples: [Int] = [], count = 0
        for (i, v) in data.enumerated() where !allowed.contains(v) {
            count += 1
            if samples.last != i / perSample { samples.append(i / perSample) }
        }
        guard let first = samples.first else { return nil }
        return OverflowRecord(report: OverflowReport(label: op.label, operation: op.mnemonic, value: value, allowed: allowed,
                                                     observed: IntegerRange(of: data), elementCount: count, firstSample: first),
                              samples: samples)
    }
}
