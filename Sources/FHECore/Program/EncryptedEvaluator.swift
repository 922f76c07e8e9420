// Evaluates an `FHEProgram` on ciphertexts with evaluation keys only (docs/ARCHITECTURE.md#data-flow).
//
// Every encrypted value is a list of LWE ciphertexts under the big key of its partition, message m encoded
// as m·Δ with Δ = 2^(63−p), p its precision (`CircuitEncoding`). A lookup of partition q reading a value of
// partition p ≠ q keyswitches with the cross key p → q, then bootstraps with q's key (docs/PARAMETERS.md#partitions).
// Leveled operations are exact wrapping arithmetic on ciphertexts; table lookups are keyswitch + PBS
// (docs/ALGORITHMS.md#pbs), all independent lookups of an operation in parallel; exact rounding extracts bits by
// PBS (docs/ALGORITHMS.md#rounding); encrypted products use two squaring tables
// (docs/ALGORITHMS.md#encrypted-products); max-pooling uses max(a, b) = a + relu(b − a) (#max-pooling).
import Foundation

/// One circuit argument or result of one sample.
public enum CircuitArgument: Sendable, Equatable {
    /// Ciphertexts of the value's elements under the big key, in row-major order.
    case encrypted(LWECiphertextList)
    /// Clear integers (an input the client sends in the clear).
    case clear([Int64])
}

/// A problem with the ciphertexts handed to the evaluator.
public struct EncryptedEvaluationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The server-side evaluator: no secret key is reachable from here.
public struct EncryptedEvaluator: CircuitEvaluator, Sendable {
    /// The program it runs.
    public let program: FHEProgram
    /// The keys of every partition and the cross keyswitch keys.
    public let keys: PartitionedEvaluationKeys
    /// KS + PBS keys per (source partition, target partition) pair the program bootstraps,
    /// at index source · partitionCount + target.
    private let pairKeys: [Int: EvaluationKeys]
    /// Worker threads for lookups (default: every core).
    public var workers: Int

    /// An evaluator of a mono-parameter program.
    /// - Precondition: the program has one partition and the keys were generated for its parameter set.
    public init(program: FHEProgram, keys: EvaluationKeys, workers: Int = Parallel.workerCount) {
        self.init(program: program, keys: PartitionedEvaluationKeys(keys), workers: workers)
    }

    /// An evaluator with the keys of the program's key layout.
    /// - Precondition: the keys were generated for the program's key layout.
    public init(program: FHEProgram, keys: PartitionedEvaluationKeys, workers: Int = Parallel.workerCount) {
        precondition(keys.parameterSets == program.partitions,
                     "evaluation keys for \(keys.parameterSets), program compiled for \(program.partitions)")
        precondition(keys.crossKeyswitchKeys.count == program.crossKeyswitches.count,
                     "\(keys.crossKeyswitchKeys.count) cross keyswitch keys, the program uses \(program.crossKeyswitches.count)")
        let count = program.partitions.count
        var pairKeys: [Int: EvaluationKeys] = [:]
        for pair in program.bootstrapPairs {
            pairKeys[pair.source * count + pair.target] = keys.keys(
                from: pair.source, to: pair.target, crossIndex: program.crossKeyswitchIndex(from: pair.source, to: pair.target))
        }
        self.program = program
        self.keys = keys
        self.pairKeys = pairKeys
        self.workers = workers
    }

    /// The big LWE dimension of partition `partition`.
    private func dimension(_ partition: Int) -> LWEDimension { program.partitions[partition].bigLWEDimension }

    /// Runs the circuit on one sample; `shouldStop` is asked before each operation (a server's deadline or a client gone).
    /// - Throws: `EncryptedEvaluationError` when an argument has the wrong kind, count or dimension;
    ///   `CancellationError` once `shouldStop` answers true.
    public func evaluate(_ arguments: [CircuitArgument], shouldStop: () -> Bool = { false }) throws -> [CircuitArgument] {
        let circuit = program.circuit
        guard arguments.count == circuit.inputs.count else {
            throw EncryptedEvaluationError("expected \(circuit.inputs.count) inputs, got \(arguments.count)")
        }
        var slots = [CircuitArgument?](repeating: nil, count: circuit.values.count)
        for op in circuit.operations {
            if shouldStop() { throw CancellationError() }
            let value = circuit[op.result]
            if case .input(let index) = op.kind {
                try check(arguments[index], against: program.encoding(of: op.result), index: index)
                slots[op.result.rawValue] = arguments[index]
                continue
            }
            let operands = op.operands.map { slots[$0.rawValue]! }
            if !value.isEncrypted {
                let clear = operands.map { if case .clear(let v) = $0 { v } else { preconditionFailure("clear op on ciphertexts") } }
                slots[op.result.rawValue] = .clear(IntegerKernels.evaluate(
                    op.kind, operands: clear, operandShapes: op.operands.map { circuit[$0].shape }, batch: 1))
                continue
            }
            slots[op.result.rawValue] = .encrypted(apply(op, operands))
        }
        return circuit.outputs.map { slots[$0.rawValue]! }
    }

    /// Runs `circuit`, which must be the program's (its encodings and keys are for it), on one sample.
    /// - Throws: `EncryptedEvaluationError` when an argument has the wrong kind, count or dimension.
    public func evaluate(_ circuit: Circuit, inputs: [CircuitArgument]) throws -> [CircuitArgument] {
        precondition(circuit.values.count == program.circuit.values.count && circuit.operations.count == program.circuit.operations.count,
                     "the encrypted evaluator runs its program's circuit")
        return try evaluate(inputs)
    }

    private func check(_ argument: CircuitArgument, against encoding: ValueEncoding, index: Int) throws {
        let circuit = program.circuit
        switch (argument, encoding.isEncrypted) {
        case (.encrypted(let list), true):
            let dimension = program.parameters(of: circuit.inputs[index]).bigLWEDimension
            guard list.lweDimension == dimension else {
                throw EncryptedEvaluationError("input \(index): ciphertexts of dimension \(list.lweDimension.rawValue), the program's keys use \(dimension.rawValue)")
            }
            guard list.count == encoding.elementCount else {
                throw EncryptedEvaluationError("input \(index): \(list.count) ciphertexts for shape \(encoding.shape)")
            }
        case (.clear(let values), false):
            guard values.count == encoding.elementCount else {
                throw EncryptedEvaluationError("input \(index): \(values.count) clear values for shape \(encoding.shape)")
            }
        case (.encrypted, false):
            throw EncryptedEvaluationError("input \(index) is declared clear but ciphertexts were sent")
        case (.clear, true):
            throw EncryptedEvaluationError("input \(index) is declared encrypted but clear values were sent")
        }
    }

    // MARK: - Operations

    private func apply(_ op: CircuitOperation, _ operands: [CircuitArgument]) -> LWECiphertextList {
        let circuit = program.circuit
        let precision = program.precisions[op.result.rawValue]
        let shapes = op.operands.map { circuit[$0].shape }
        // Levelled results are under their operands' key; bootstrapped operations read their operands' key.
        let partition = op.operands.first { circuit[$0].isEncrypted }.map { program.valuePartitions[$0.rawValue] }
            ?? program.valuePartitions[op.result.rawValue]
        let dimension = dimension(partition)
        // Operands as ciphertexts at the result's encoding (clear ones become trivial encryptions).
        func lifted(_ i: Int, bits: Int) -> LWECiphertextList {
            switch operands[i] {
            case .encrypted(let list): list
            case .clear(let v): trivial(v, bits: bits, dimension: dimension)
            }
        }
        switch op.kind {
        case .input:
            preconditionFailure("inputs are arguments, not evaluated")
        case .reshape, .transpose, .slice, .concat, .pad, .gather, .expand:
            let map = DataMovement.sourceIndices(op.kind, operandShapes: shapes)
            let sources = concatenated((0..<operands.count).map { lifted($0, bits: precision) })
            let fill: Int64 = if case .pad(_, let value) = op.kind { value } else { 0 }
            return gather(map, from: sources, fill: fill, bits: precision)
        case .multiply, .matMulEncrypted:
            if case .clear(let c) = operands[1] { return scaled(lifted(0, bits: precision), op.kind, clear: c, shapes: shapes, clearIsRight: true) }
            if case .clear(let c) = operands[0] { return scaled(lifted(1, bits: precision), op.kind, clear: c, shapes: shapes, clearIsRight: false) }
            return encryptedProduct(op, lifted(0, bits: precision), lifted(1, bits: precision))
        case .tableLookup(let t):
            let input = op.operands[0]
            return lookup(lifted(0, bits: precision), table: t, inputBits: program.precisions[input.rawValue],
                          signed: circuit[input].isSigned, outputBits: precision,
                          from: partition, to: program.valuePartitions[op.result.rawValue])
        case .round(let lsbs, let method):
            let inputBits = program.precisions[op.operands[0].rawValue]
            return round(lifted(0, bits: inputBits), lsbs: lsbs, method: method, inputBits: inputBits, partition: partition)
        case .maxPool(let geometry, let padValue):
            return maxPool(lifted(0, bits: precision), shape: shapes[0], geometry: geometry, padValue: padValue,
                           bits: precision, partition: partition)
        case .matMul, .conv, .reduceSum, .addConstant, .mulConstant, .add, .subtract:
            guard let map = LinearMap(op.kind, operandShapes: shapes) else { preconditionFailure("no lowering for \(op.mnemonic)") }
            return affine(map, concatenated((0..<operands.count).map { lifted($0, bits: precision) }), bits: precision)
        }
    }

    /// Trivial encryptions (mask 0) of clear integers.
    private func trivial(_ values: [Int64], bits: Int, dimension: LWEDimension) -> LWECiphertextList {
        var list = LWECiphertextList(lweDimension: dimension, count: values.count)
        let s = dimension.lweSize
        for (i, v) in values.enumerated() { list.data[i * s + s - 1] = Torus.encode(v, bits: bits) }
        return list
    }

    private func concatenated(_ lists: [LWECiphertextList]) -> LWECiphertextList {
        guard lists.count > 1 else { return lists[0] }
        var all = LWECiphertextList(lweDimension: lists[0].lweDimension, count: 0)
        for l in lists { all.data.append(contentsOf: l.data) }
        return all
    }

    private func gather(_ map: [Int], from sources: LWECiphertextList, fill: Int64, bits: Int) -> LWECiphertextList {
        var out = LWECiphertextList(lweDimension: sources.lweDimension, count: map.count)
        let s = sources.lweDimension.lweSize
        let fillBody = Torus.encode(fill, bits: bits)
        sources.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for (i, j) in map.enumerated() {
                    if j < 0 { dst[i * s + s - 1] = fillBody } else {
                        (dst.baseAddress! + i * s).update(from: src.baseAddress! + j * s, count: s)
                    }
                }
            }
        }
        return out
    }

    private func affine(_ map: LinearMap, _ input: LWECiphertextList, bits: Int) -> LWECiphertextList {
        var out = LWECiphertextList(lweDimension: input.lweDimension, count: map.terms.count)
        let s = input.lweDimension.lweSize
        input.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for (i, row) in map.terms.enumerated() {
                    let o = dst.baseAddress! + i * s
                    for (source, weight) in row {
                        Self.multiplyAdd(o, src.baseAddress! + source * s, UInt64(bitPattern: weight), count: s)
                    }
                    o[s - 1] &+= Torus.encode(map.constants[i], bits: bits)
                }
            }
        }
        return out
    }

    /// o += w·x over `count` words (wrapping: the torus is Z/2^64).
    @inline(__always)
    private static func multiplyAdd(_ o: UnsafeMutablePointer<UInt64>, _ x: UnsafePointer<UInt64>, _ w: UInt64, count: Int) {
        if w == 1 {
            for j in 0..<count { o[j] &+= x[j] }
        } else if w == UInt64.max {
            for j in 0..<count { o[j] &-= x[j] }
        } else {
            for j in 0..<count { o[j] &+= x[j] &* w }
        }
    }

    /// Encrypted × clear products are leveled: element-wise or a matrix product with clear values known at run time.
    private func scaled(_ x: LWECiphertextList, _ kind: OperationKind, clear c: [Int64], shapes: [[Int]],
                        clearIsRight: Bool) -> LWECiphertextList {
        let s = x.lweDimension.lweSize
        if case .multiply = kind {
            var out = LWECiphertextList(lweDimension: x.lweDimension, count: x.count)
            x.data.withUnsafeBufferPointer { src in
                out.data.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<x.count { Self.multiplyAdd(dst.baseAddress! + i * s, src.baseAddress! + i * s, UInt64(bitPattern: c[i]), count: s) }
                }
            }
            return out
        }
        let a = shapes[0], b = shapes[1]
        let m = a[a.count - 2], k = a.last!, n = b.last!
        let matrices = a.dropLast(2).reduce(1, *)
        var out = LWECiphertextList(lweDimension: x.lweDimension, count: matrices * m * n)
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for t in 0..<matrices { for i in 0..<m { for j in 0..<n {
                    let o = dst.baseAddress! + (t * m * n + i * n + j) * s
                    for l in 0..<k {
                        let (cipher, weight) = clearIsRight
                            ? (t * m * k + i * k + l, c[t * k * n + l * n + j])
                            : (t * k * n + l * n + j, c[t * m * k + i * k + l])
                        Self.multiplyAdd(o, src.baseAddress! + cipher * s, UInt64(bitPattern: weight), count: s)
                    }
                } } }
            }
        }
        return out
    }

    // MARK: - Bootstrapped operations

    /// Table lookups: one KS + PBS per element, each with its element's table.
    private func lookup(_ x: LWECiphertextList, table: TableLookup, inputBits: Int, signed: Bool, outputBits: Int,
                        from source: Int, to target: Int) -> LWECiphertextList {
        let luts = table.tables.map {
            LookupTable(table: Self.patternTable($0, inputMin: table.inputMin, inputBits: inputBits, signed: signed),
                        inputBits: inputBits, outputBits: outputBits, signedInput: signed,
                        polynomialSize: program.partitions[target].polynomialSize)
        }
        let perElement = table.selector.map { $0.map { luts[$0] } } ?? [luts[0]]
        return bootstrap(x, lookupTables: perElement, from: source, to: target)
    }

    /// KS + PBS of ciphertexts under partition `source`'s big key into partition `target`: its own keys, or
    /// the cross keyswitch key source → target and the target's bootstrap key.
    private func bootstrap(_ x: LWECiphertextList, lookupTables: [LookupTable], from source: Int, to target: Int) -> LWECiphertextList {
        guard let keys = pairKeys[source * program.partitions.count + target] else {
            preconditionFailure("no keys for KS + PBS \(source) → \(target) (FHEProgram.bootstrapPairs lists every pair)")
        }
        return Bootstrap.programmableConcurrent(x, lookupTables: lookupTables, keys: keys, workers: workers)
    }

    /// A circuit table (indexed by value − inputMin) as a PBS table indexed by the p-bit pattern of the value
    /// (two's complement when signed); patterns outside the table's domain never occur and map to 0.
    static func patternTable(_ table: [Int64], inputMin: Int64, inputBits: Int, signed: Bool) -> [Int64] {
        let count = 1 << inputBits
        return (0..<count).map { j in
            let v = Int64(signed && j >= count / 2 ? j - count : j)
            let i = v - inputMin
            return i >= 0 && i < Int64(table.count) ? table[Int(i)] : 0
        }
    }

    private func functionTable(inputBits: Int, outputBits: Int, signed: Bool, partition: Int, _ f: (Int64) -> Int64) -> LookupTable {
        LookupTable(inputBits: inputBits, outputBits: outputBits, signedInput: signed,
                    polynomialSize: program.partitions[partition].polynomialSize, f)
    }

    /// Rounding (docs/ALGORITHMS.md#rounding). Exact: add 2^(δ−1)·Δ, then clear the δ low bits one by one with
    /// a bit-extraction PBS. Approximate: add −Δ/2 and let the next lookup's modulus switch round.
    /// Either way the ciphertext is then read as a (p−δ)-bit value.
    private func round(_ x: LWECiphertextList, lsbs: Int, method: RoundingMethod, inputBits p: Int, partition: Int) -> LWECiphertextList {
        guard lsbs > 0 else { return x }
        var c = x
        let s = x.lweDimension.lweSize
        let delta = Torus.delta(bits: p)
        switch method {
        case .approximate:
            for i in 0..<c.count { c.data[i * s + s - 1] &-= delta >> 1 }
        case .exact:
            for i in 0..<c.count { c.data[i * s + s - 1] &+= delta &<< UInt64(lsbs - 1) }
            for bit in 0..<lsbs {
                // Bit `bit` of the message sits at 2^(63−p+bit); scale it to bit 63 and centre on 1/4 or 3/4.
                var shifted = c
                let scale = UInt64(1) &<< UInt64(p - bit)
                for j in 0..<shifted.data.count { shifted.data[j] &*= scale }
                for i in 0..<c.count { shifted.data[i * s + s - 1] &+= 1 &<< 62 }
                let half = UInt64(1) &<< UInt64(62 - p + bit)  // half the bit's weight
                let lut = LookupTable(constantCoefficient: 0 &- half, polynomialSize: program.partitions[partition].polynomialSize)
                let bits = bootstrap(shifted, lookupTables: [lut], from: partition, to: partition)
                // bits = ±half; bit·2^(63−p+bit) = bits + half.
                for j in 0..<c.data.count { c.data[j] &-= bits.data[j] }
                for i in 0..<c.count { c.data[i * s + s - 1] &-= half }
            }
        }
        return c
    }

    /// a·b = ⌊(a+b)²/4⌋ − ⌊(a−b)²/4⌋ (docs/ALGORITHMS.md#encrypted-products), element-wise or as a matrix product.
    private func encryptedProduct(_ op: CircuitOperation, _ a: LWECiphertextList, _ b: LWECiphertextList) -> LWECiphertextList {
        let circuit = program.circuit
        let pin = program.precisions[op.operands[0].rawValue], pout = program.precisions[op.result.rawValue]
        let ra = circuit[op.operands[0]].range, rb = circuit[op.operands[1]].range
        let sumSigned = ra.min + rb.min < 0, differenceSigned = ra.min - rb.max < 0
        let source = program.valuePartitions[op.operands[0].rawValue], target = program.valuePartitions[op.result.rawValue]
        let s = a.lweDimension.lweSize
        let (pairs, outputs) = Self.productTerms(op.kind, operandShapes: op.operands.map { circuit[$0].shape })
        var sums = LWECiphertextList(lweDimension: a.lweDimension, count: pairs.count)
        var differences = LWECiphertextList(lweDimension: a.lweDimension, count: pairs.count)
        for (q, (i, j)) in pairs.enumerated() {
            for w in 0..<s {
                sums.data[q * s + w] = a.data[i * s + w] &+ b.data[j * s + w]
                differences.data[q * s + w] = a.data[i * s + w] &- b.data[j * s + w]
            }
        }
        let square: (Int64) -> Int64 = { ($0 * $0) >> 2 }
        let squares = bootstrap(
            sums.appending(differences),
            lookupTables: [LookupTable](repeating: functionTable(inputBits: pin, outputBits: pout, signed: sumSigned, partition: target, square),
                                        count: pairs.count)
                + [LookupTable](repeating: functionTable(inputBits: pin, outputBits: pout, signed: differenceSigned, partition: target, square),
                                count: pairs.count),
            from: source, to: target)
        let t = squares.lweDimension.lweSize
        var out = LWECiphertextList(lweDimension: squares.lweDimension, count: outputs.count)
        for (o, range) in outputs.enumerated() {
            for q in range {
                for w in 0..<t {
                    out.data[o * t + w] &+= squares.data[q * t + w] &- squares.data[(pairs.count + q) * t + w]
                }
            }
        }
        return out
    }

    /// The pairs (index into a, index into b) of the scalar products of an encrypted product, and the range of
    /// pairs summed into each output element.
    static func productTerms(_ kind: OperationKind, operandShapes: [[Int]]) -> (pairs: [(Int, Int)], outputs: [Range<Int>]) {
        var pairs: [(Int, Int)] = []
        var outputs: [Range<Int>] = []
        if case .multiply = kind {
            let count = operandShapes[0].reduce(1, *)
            pairs = (0..<count).map { ($0, $0) }
            outputs = (0..<count).map { $0..<($0 + 1) }
        } else {
            let sa = operandShapes[0], sb = operandShapes[1]
            let m = sa[sa.count - 2], k = sa.last!, n = sb.last!
            for t in 0..<sa.dropLast(2).reduce(1, *) { for i in 0..<m { for j in 0..<n {
                let start = pairs.count
                for l in 0..<k { pairs.append((t * m * k + i * k + l, t * k * n + l * n + j)) }
                outputs.append(start..<pairs.count)
            } } }
        }
        return (pairs, outputs)
    }

    /// Max over each window: a tree of max(a, b) = a + relu(b − a), one PBS per comparison.
    private func maxPool(_ x: LWECiphertextList, shape: [Int], geometry: WindowGeometry, padValue: Int64,
                         bits: Int, partition: Int) -> LWECiphertextList {
        let channels = shape[0], spatial = Array(shape.dropFirst())
        let (out, taps) = IntegerKernels.windows(spatial: spatial, geometry: geometry)
        let inPlane = spatial.reduce(1, *), outPlane = out.reduce(1, *)
        let dimension = x.lweDimension, s = dimension.lweSize
        let pad = trivial([padValue], bits: bits, dimension: dimension)
        // Candidates per output element.
        var candidates: [[[UInt64]]] = []
        for c in 0..<channels {
            for p in 0..<outPlane {
                candidates.append(taps[p].map { t in
                    t < 0 ? pad.data : Array(x.data[(c * inPlane + t) * s..<(c * inPlane + t + 1) * s])
                })
            }
        }
        let relu = functionTable(inputBits: bits, outputBits: bits, signed: true, partition: partition) { max($0, 0) }
        while candidates.contains(where: { $0.count > 1 }) {
            var differences = LWECiphertextList(lweDimension: dimension, count: 0)
            var pairs: [(element: Int, slot: Int)] = []
            for (e, list) in candidates.enumerated() {
                for q in stride(from: 0, to: list.count - 1, by: 2) {
                    differences.data.append(contentsOf: zip(list[q + 1], list[q]).map { $0 &- $1 })
                    pairs.append((e, q))
                }
            }
            let relus = bootstrap(differences, lookupTables: [relu], from: partition, to: partition)
            var next = candidates.map { _ in [[UInt64]]() }
            var k = 0
            for (e, list) in candidates.enumerated() {
                for q in stride(from: 0, to: list.count, by: 2) {
                    if q + 1 < list.count {
                        precondition(pairs[k] == (e, q))
                        next[e].append(zip(list[q], relus.data[k * s..<(k + 1) * s]).map { $0 &+ $1 })
                        k += 1
                    } else {
                        next[e].append(list[q])
                    }
                }
            }
            candidates = next
        }
        var result = LWECiphertextList(lweDimension: dimension, count: 0)
        for list in candidates { result.data.append(contentsOf: list[0]) }
        return result
    }
}

extension LWECiphertextList {
    /// This list followed by `other`.
    func appending(_ other: LWECiphertextList) -> LWECiphertextList {
        var copy = self
        copy.data.append(contentsOf: other.data)
        return copy
    }
}

extension LookupTable {
    /// A table whose N coefficients all equal `coefficient`: the PBS returns `coefficient` for phases in
    /// [0, 1/2) and its negation for [1/2, 1) — the bit extraction of exact rounding (docs/ALGORITHMS.md#rounding).
    init(constantCoefficient coefficient: UInt64, polynomialSize: PolynomialSize) {
        self.coefficients = [UInt64](repeating: coefficient, count: polynomialSize.rawValue)
        self.inputBits = 0
        self.isSignedInput = false
    }
}
