// The operations of the integer circuit IR, with their exact integer semantics.
//
// Every operation acts on one sample: shapes and axes never include the batch axis (the clear
// evaluator loops over a batch; the FHE evaluator runs one sample at a time). Arithmetic is exact
// on Int64; the compiler guarantees, from calibration, the range of every result, and the FHE
// lowering encodes each value on the bit-width of its range (two's complement when signed,
// docs/ALGORITHMS.md#signed-inputs). A value outside its bit-width at run time is an overflow.

/// How `round` removes least significant bits (docs/ALGORITHMS.md#rounding).
public enum RoundingMethod: String, Sendable, Codable, CaseIterable {
    /// floor((x + 2^(lsbs−1)) / 2^lsbs): nearest, ties up; FHE computes it exactly with lsbs PBS.
    case exact
    /// floor((x + 2^(lsbs−1) − 1) / 2^lsbs): nearest, ties down. FHE reinterprets the ciphertext
    /// after adding the same constant, so the dropped bits become noise of the next modulus switch:
    /// the encrypted result may differ from this clear value by one.
    case approximate
}

/// A table lookup: one table, or one table per element chosen by `selector`.
public struct TableLookup: Sendable, Equatable, Codable {
    /// The integer the first entry of every table stands for: out = table[x − inputMin].
    public var inputMin: Int64
    /// Distinct tables, all of the same length (2^p for a p-bit input in practice).
    public var tables: [[Int64]]
    /// For each element of the (per-sample) input, the index of its table in `tables`; nil = table 0 for all.
    public var selector: [Int]?

    /// - Precondition: at least one table, all of equal non-zero length; selector entries index `tables`.
    public init(inputMin: Int64, tables: [[Int64]], selector: [Int]? = nil) {
        precondition(!tables.isEmpty && !tables[0].isEmpty, "a table lookup needs a non-empty table")
        precondition(tables.allSatisfy { $0.count == tables[0].count }, "tables of a lookup differ in length")
        precondition(selector?.allSatisfy { $0 >= 0 && $0 < tables.count } ?? true, "table selector out of range")
        self.inputMin = inputMin
        self.tables = tables
        self.selector = selector
    }

    /// The integers the tables are defined on.
    public var domain: IntegerRange {
        IntegerRange(min: inputMin, max: inputMin + Int64(tables[0].count) - 1)
    }
}

/// Window geometry of a convolution or pooling over the trailing `kernelShape.count` spatial axes.
public struct WindowGeometry: Sendable, Equatable, Codable {
    public var kernelShape: [Int]
    public var strides: [Int]
    /// ONNX order: all begin pads, then all end pads.
    public var pads: [Int]
    public var dilations: [Int]

    /// - Precondition: one stride and dilation per spatial axis, two pads per axis, all positive (pads ≥ 0).
    public init(kernelShape: [Int], strides: [Int], pads: [Int], dilations: [Int]) {
        let rank = kernelShape.count
        precondition(rank >= 1 && strides.count == rank && dilations.count == rank && pads.count == 2 * rank,
                     "window geometry: kernel \(kernelShape), strides \(strides), pads \(pads), dilations \(dilations)")
        precondition(kernelShape.allSatisfy { $0 > 0 } && strides.allSatisfy { $0 > 0 }
                     && dilations.allSatisfy { $0 > 0 } && pads.allSatisfy { $0 >= 0 }, "window geometry must be positive")
        self.kernelShape = kernelShape
        self.strides = strides
        self.pads = pads
        self.dilations = dilations
    }

    /// Output spatial size for an input spatial size (floor mode).
    public func outputSpatialShape(input: [Int]) -> [Int] {
        input.indices.map { axis in
            let span = dilations[axis] * (kernelShape[axis] - 1) + 1
            return (input[axis] + pads[axis] + pads[axis + input.count] - span) / strides[axis] + 1
        }
    }
}

/// The kind of an operation, with its constant operands (clear weights, tables, attributes).
public enum OperationKind: Sendable, Equatable, Codable {
    /// Graph input `index`; no operands. Clear or encrypted as its value says.
    case input(index: Int)
    /// y[..., n] = Σ_k x[..., k] · weights[k, n]; weights is [K, N] clear integers.
    case matMul(weights: IntTensor)
    /// Cross-correlation of x [C, spatial...] with weights [O, C/groups, kernel...]: y[o, p] =
    /// Σ_{c in group(o), j} x_padded[c, p·stride + j·dilation] · w[o, c, j]; x is padded with `padValue`.
    case conv(weights: IntTensor, geometry: WindowGeometry, groups: Int, padValue: Int64)
    /// Sum over `axes` (per-sample axes), keeping them as size 1 when `keepDims`.
    case reduceSum(axes: [Int], keepDims: Bool)
    /// y = x + c, c broadcast NumPy-style against x's shape.
    case addConstant(IntTensor)
    /// y = x · c, c broadcast NumPy-style against x's shape.
    case mulConstant(IntTensor)
    /// y = a + b, same shape (enc+enc, enc+clear).
    case add
    /// y = a − b, same shape.
    case subtract
    /// y = a · b element-wise, same shape; encrypted × encrypted is lowered to two TLUs per element
    /// (⌊(a+b)²/4⌋ − ⌊(a−b)²/4⌋, docs/ALGORITHMS.md#encrypted-products).
    case multiply
    /// y[..., m, n] = Σ_k a[..., m, k] · b[..., k, n] between two non-constant tensors (2 TLUs per product).
    case matMulEncrypted
    /// y = table[x − inputMin] with the element's table; x outside the domain is an overflow.
    case tableLookup(TableLookup)
    /// Removes `lsbs` least significant bits by rounding, result divided by 2^lsbs (see `RoundingMethod`).
    case round(lsbs: Int, method: RoundingMethod)
    /// Same elements in row-major order, new per-sample shape.
    case reshape(shape: [Int])
    /// y[i_perm(0), ..., ] = x[i_0, ...]: output axis a is input axis permutation[a].
    case transpose(permutation: [Int])
    /// Per axis: indices starts[a], starts[a]+steps[a], ... while < ends[a] (> ends[a] for negative steps).
    case slice(starts: [Int], ends: [Int], steps: [Int])
    /// Concatenation of all operands along `axis`.
    case concat(axis: Int)
    /// Constant padding: pads = begin pads for every axis then end pads, filled with `value`.
    case pad(pads: [Int], value: Int64)
    /// y = take(x, indices, axis): indices (already non-negative) of shape `indicesShape` replace axis `axis`.
    case gather(axis: Int, indices: [Int], indicesShape: [Int])
    /// NumPy broadcast of x to `shape`.
    case expand(shape: [Int])
    /// Max over each window of x [C, spatial...] padded with `padValue` (≤ every value of x, so padding never wins);
    /// lowered to max(a, b) = a + relu(b − a) TLUs.
    case maxPool(geometry: WindowGeometry, padValue: Int64)
}

/// One SSA operation: `result` = kind(operands).
public struct CircuitOperation: Sendable, Equatable, Codable {
    public var kind: OperationKind
    public var operands: [ValueID]
    public var result: ValueID
    /// The ONNX node (or compiler pass) the operation comes from, for reports and errors.
    public var label: String

    /// An operation; checking operands against the kind is the circuit's job (`Circuit.append`).
    public init(kind: OperationKind, operands: [ValueID], result: ValueID, label: String) {
        self.kind = kind
        self.operands = operands
        self.result = result
        self.label = label
    }

    /// The short mnemonic used in the text form and reports.
    public var mnemonic: String {
        switch kind {
        case .input: "input"
        case .matMul: "matmul"
        case .conv: "conv"
        case .reduceSum: "reduce_sum"
        case .addConstant: "add_cst"
        case .mulConstant: "mul_cst"
        case .add: "add"
        case .subtract: "sub"
        case .multiply: "mul"
        case .matMulEncrypted: "matmul_enc"
        case .tableLookup: "tlu"
        case .round: "round"
        case .reshape: "reshape"
        case .transpose: "transpose"
        case .slice: "slice"
        case .concat: "concat"
        case .pad: "pad"
        case .gather: "gather"
        case .expand: "expand"
        case .maxPool: "maxpool"
        }
    }
}
