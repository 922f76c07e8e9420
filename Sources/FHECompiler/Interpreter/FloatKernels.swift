// The float reference kernels: one function per ONNX op, looked up by (domain, op type).
// Every kernel computes in Double and stores through the output element type (float32 results
// are rounded to float32), so results match onnxruntime to float32 precision.
public import FHECore

/// Float kernels for every supported ONNX operator. `evaluate(node:inputs:)` runs one node; the
/// quantization code calls it to get an op's float behaviour.
public enum FloatKernels {
    /// A kernel: the node (for attributes and errors) and its inputs (nil for an omitted optional
    /// input) to its outputs.
    typealias Kernel = @Sendable (KernelArguments) throws -> [Tensor]

    /// Every kernel, keyed by `Node.qualifiedOpType`.
    static let kernels: [String: Kernel] = {
        var table: [String: Kernel] = [:]
        table.merge(unaryKernels) { first, _ in first }
        table.merge(binaryKernels) { first, _ in first }
        table.merge(linearKernels) { first, _ in first }
        table.merge(poolKernels) { first, _ in first }
        table.merge(reduceKernels) { first, _ in first }
        table.merge(normalizationKernels) { first, _ in first }
        table.merge(shapeKernels) { first, _ in first }
        table.merge(quantizationKernels) { first, _ in first }
        return table
    }()

    /// Sorted names of the supported operators (custom domains prefixed).
    public static var supportedOperators: [String] { (Array(kernels.keys) + ["Constant"]).sorted() }

    /// True when `node`'s op (in its domain) has a kernel.
    public static func isSupported(_ node: Node) -> Bool {
        node.opType == "Constant" && node.domain.isEmpty || kernels[node.qualifiedOpType] != nil
    }

    /// Runs one node on its inputs (nil where an optional input is omitted).
    /// - Returns: one tensor per node output (trailing optional outputs may be absent).
    /// - Throws: `CompilerError` naming the node when the op is unknown or its inputs or
    ///   attributes are invalid.
    public static func evaluate(node: Node, inputs: [Tensor?]) throws -> [Tensor] {
        if node.opType == "Constant" && node.domain.isEmpty { return [try ONNXImporter.constantValue(node)] }
        guard let kernel = kernels[node.qualifiedOpType] else {
            throw CompilerError(.unsupportedOperator, at: node, "operator is not supported")
        }
        return try kernel(KernelArguments(node: node, inputs: inputs))
    }

    /// Indices of the inputs that set a shape, axes or padding: they must be constant for the
    /// graph's shapes to be static.
    public static func shapeDefiningInputs(of node: Node) -> [Int] {
        guard node.domain.isEmpty else { return [] }
        switch node.opType {
        case "Reshape", "Expand", "Tile", "Squeeze", "Unsqueeze", "OneHot": return [1]
        case "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd": return [1]
        case "ConstantOfShape": return [0]
        case "Slice": return [1, 2, 3, 4]
        case "Pad": return [1, 3]
        case "Split": return [1]
        default: return []
        }
    }
}

/// A node's inputs with accessors that throw errors naming the node.
struct KernelArguments {
    let node: Node
    let inputs: [Tensor?]

    /// Input `index`, which must be present.
    func input(_ index: Int) throws -> Tensor {
        guard index < inputs.count, let tensor = inputs[index] else {
            throw CompilerError(.missingInput, at: node, "required input \(index) is missing")
        }
        return tensor
    }

    /// Input `index`, or nil when omitted.
    func optional(_ index: Int) -> Tensor? {
        index < inputs.count ? inputs[index] : nil
    }

    /// An error attached to this node.
    func failure(_ kind: CompilerError.Kind, _ reason: String) -> CompilerError {
        CompilerError(kind, at: node, reason)
    }

    /// An `.invalidNode` error attached to this node.
    func failure(_ reason: String) -> CompilerError {
        CompilerError(.invalidNode, at: node, reason)
    }

    /// An axis attribute or value in [-rank, rank) normalised to [0, rank).
    func axis(_ value: Int, rank: Int) throws -> Int {
        guard value >= -rank && value < rank else { throw failure("axis \(value) is out of range for rank \(rank)") }
        return value < 0 ? value + rank : value
    }

    /// Throws unless a tensor of `shape` is small enough to build.
    func checkSize(_ shape: [Int]) throws {
        guard Tensor.checkedElementCount(shape) != nil else {
            throw failure("output shape \(shape) is invalid or too large")
        }
    }

    /// Integer list from a constant int64 input (axes, shapes, pads).
    func integers(_ index: Int) throws -> [Int]? {
        guard let tensor = optional(index) else { return nil }
        return tensor.values.map(FloatKernels.integer)
    }
}
