// A float chain over one integer producer: everything between two integer points, tabulated into one TLU.
public import FHECore

/// The float value of a tensor as a function of the integers of one circuit value (its producer):
/// a de-quantization, then univariate float ops and data movement. Between two integer points such
/// a chain costs one table lookup (docs/QUANTIZATION.md#fusion).
public indirect enum FusedExpression: Sendable {
    /// x = scale · (q − zp) of circuit value `source`, element-wise in `source`'s layout. `fromQuantNode`
    /// marks a tensor quantized by the model itself (Brevitas `Quant`, QDQ): QAT needs one before each linear op.
    case affine(UniformQuantizer, source: ValueID, shape: [Int], fromQuantNode: Bool)
    /// `node` applied to the operands (chains of the same producer, or constants).
    case node(Node, [Operand])
    /// Element movement (reshape, transpose, ...) of `inner`, whose per-sample shape is `innerShape`.
    case move(OperationKind, FusedExpression, innerShape: [Int])
    /// One of the model's own quantizers (a Brevitas `Quant`) applied to `inner`: x ↦ dequant(quant(x)).
    /// It stays a float function of the producer, so a chain of quantizers costs one table, read by the
    /// next linear op on this quantizer's grid.
    case requantize(UniformQuantizer, FusedExpression)
    /// Rows of a constant table [V, ...] picked by `indices` (an embedding): `indices` is already spread
    /// over the row's axes, and element e takes entry e mod (row size) of row clamp(round(index_e), 0, V − 1).
    case tableRows(Tensor, indices: FusedExpression)

    /// An operand of a node in a chain.
    public enum Operand: Sendable {
        case chain(FusedExpression)
        case constant(Tensor)
        case absent
    }

    /// When the chain is only a de-quantization (possibly moved): its quantizer in the output layout,
    /// and whether it came from a quantization node.
    public func pureQuantizer() -> (UniformQuantizer, fromQuantNode: Bool)? {
        switch self {
        case .affine(let q, _, _, let fromQuant):
            return (q, fromQuant)
        case .node, .requantize, .tableRows:
            return nil
        case .move(let kind, let inner, let innerShape):
            guard let (q, fromQuant) = inner.pureQuantizer() else { return nil }
            if q.zeroPoints.count == 1 && q.elementScales == nil { return (q, fromQuant) }
            let count = innerShape.reduce(1, *)
            let map = DataMovement.sourceIndices(kind, operandShapes: [innerShape])
            func moved(_ f: (Int) -> Double) -> [Double] {
                DataMovement.apply(map, operands: [(0..<count).map(f)], operandCounts: [count], batch: 1, fill: 0)
            }
            var result = q
            if q.zeroPoints.count > 1 { result.zeroPoints = moved { q.zeroPoint(element: $0) } }
            if let e = q.elementScales { result.elementScales = moved { e[$0 % e.count] } }
            return (result, fromQuant)
        }
    }

    /// The model's quantizer of the chain's last step (a `Quant` node, possibly moved since): a linear op
    /// reads the chain's integers on that grid. nil when the chain ends in anything else.
    public var modelQuantizer: UniformQuantizer? {
        switch self {
        case .requantize(let q, _): q
        case .move(_, let inner, _): inner.modelQuantizer.flatMap { $0.hasIntegerScalarZeroPoint ? $0 : nil }
        case .affine, .node, .tableRows: nil
        }
    }

    /// The source circuit values of the affine leaves.
    public var leaves: [ValueID] {
        switch self {
        case .affine(_, let source, _, _): [source]
        case .node(_, let operands):
            operands.flatMap { (operand: Operand) -> [ValueID] in
                if case .chain(let c) = operand { return c.leaves }
                return []
            }
        case .move(_, let inner, _), .requantize(_, let inner), .tableRows(_, let inner): inner.leaves
        }
    }

    /// Evaluates the chain for `rows` rows: `leaf(source)` gives the integers of a leaf, `rows` × its
    /// per-sample element count, row-major. Returns a tensor of shape [rows] + per-sample shape.
    public func evaluate(rows: Int, kernels: any FloatOperatorSet, leaf: (ValueID, Int) -> [Int64]) throws -> Tensor {
        switch self {
        case .affine(let q, let source, let shape, _):
            let count = shape.reduce(1, *)
            let ints = leaf(source, count)
            var values = [Double](repeating: 0, count: ints.count)
            for i in ints.indices { values[i] = q.dequantize(ints[i], element: i % max(1, count)) }
            return Tensor(shape: [rows] + shape, elementType: .float64, values: values)
        case .node(let node, let operands):
            let inputs: [Tensor?] = try operands.map {
                switch $0 {
                case .chain(let c): try c.evaluate(rows: rows, kernels: kernels, leaf: leaf)
                case .constant(let t): t
                case .absent: nil
                }
            }
            guard let out = try kernels.evaluate(node: node, inputs: inputs).first else {
                throw QuantizationError(node: node.name, op: node.opType, "the float kernel returned no output")
            }
            return out
        case .move(let kind, let inner, let innerShape):
            let x = try inner.evaluate(rows: rows, kernels: kernels, leaf: leaf)
            let count = innerShape.reduce(1, *)
            let outShape = kind.resultShape(operandShapes: [innerShape])
            let values = DataMovement.apply(DataMovement.sourceIndices(kind, operandShapes: [innerShape]), operands: [x.values],
                                            operandCounts: [count], batch: rows, fill: 0.0)
            return Tensor(shape: [rows] + outShape, elementType: .float64, values: values)
        case .requantize(let q, let inner):
            let x = try inner.evaluate(rows: rows, kernels: kernels, leaf: leaf)
            let count = max(1, x.count / max(1, rows))
            let values = x.values.indices.map { q.dequantize(q.quantize(x.values[$0], element: $0 % count), element: $0 % count) }
            return Tensor(shape: x.shape, elementType: .float64, values: values)
        case .tableRows(let table, let indices):
            let x = try indices.evaluate(rows: rows, kernels: kernels, leaf: leaf)
            let rowCount = table.shape[0], rowSize = max(1, table.count / max(1, rowCount))
            let values = x.values.indices.map { e -> Double in
                // ONNX Gather counts negative indices from the end; integers outside the table (never met by
                // valid ids, but tabulated over the whole encoding) take the nearest row.
                var row = Int(min(max(x.values[e].rounded(.toNearestOrEven), -Double(rowCount)), Double(rowCount)))
                if row < 0 { row += rowCount }
                row = min(max(row, 0), rowCount - 1)
                return table.values[row * rowSize + e % rowSize]
            }
            return Tensor(shape: x.shape, elementType: .float64, values: values)
        }
    }
}

/// Tabulation of a fused chain into per-element integer tables.
enum Tabulation {
    /// Quantized tables of `expression` (per-sample element count `elements`) over every integer of `domain`,
    /// each entry quantized by `quantizer`; identical tables are shared.
    static func tables(of expression: FusedExpression, elements: Int, domain: IntegerRange, quantizer: UniformQuantizer,
                       kernels: any FloatOperatorSet) throws -> TableLookup {
        let size = Int(domain.max - domain.min + 1)
        let chunk = max(1, min(size, (1 << 21) / max(1, elements)))
        // Evaluate by chunks of the domain; quantize column by column.
        func forEachChunk(_ body: (Int, Int, Tensor) -> Void) throws {
            var start = 0
            while start < size {
                let rows = min(chunk, size - start)
                let t = try expression.evaluate(rows: rows, kernels: kernels) { _, count in
                    var ints = [Int64](repeating: 0, count: rows * count)
                    for r in 0..<rows { for e in 0..<count { ints[r * count + e] = domain.min + Int64(start + r) } }
                    return ints
                }
                precondition(t.count == rows * elements, "fused chain produced \(t.shape), expected \(elements) elements per row")
                body(start, rows, t)
                start += rows
            }
        }
        // Pass 1: a hash per element column, to find the distinct tables without holding them all.
        var hashes = [UInt64](repeating: 0xcbf2_9ce4_8422_2325, count: elements)
        try forEachChunk { _, rows, t in
            for r in 0..<rows {
                for e in 0..<elements {
                    let q = UInt64(bitPattern: quantizer.quantize(t.values[r * elements + e], element: e))
                    hashes[e] = (hashes[e] ^ q) &* 0x100_0000_01b3
                }
            }
        }
        var tableOfHash = [UInt64: Int]()
        var representatives = [Int]()
        var selector = [Int](repeating: 0, count: elements)
        for e in 0..<elements {
            if let t = tableOfHash[hashes[e]] { selector[e] = t } else {
                tableOfHash[hashes[e]] = representatives.count
                selector[e] = representatives.count
                representatives.append(e)
            }
        }
        // Pass 2 (or reuse when the domain fit in one chunk): the representative columns.
        var tables = [[Int64]](repeating: [], count: representatives.count)
        for i in tables.indices { tables[i].reserveCapacity(size) }
        try forEachChunk { _, rows, t in
            for r in 0..<rows {
                for (i, e) in representatives.enumerated() {
                    tables[i].append(quantizer.quantize(t.values[r * elements + e], element: e))
                }
            }
        }
        return TableLookup(inputMin: domain.min, tables: tables, selector: representatives.count == 1 ? nil : selector)
    }
}
