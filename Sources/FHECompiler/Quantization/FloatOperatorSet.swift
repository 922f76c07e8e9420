// The float behaviour of ONNX operators, as the quantizer needs it (tabulating fused chains, folding constants).
public import FHECore

/// Runs one ONNX node in float. The reference implementation is the importer's float kernels;
/// the quantizer evaluates nodes on tensors whose axis 0 stands for a batch.
public protocol FloatOperatorSet: Sendable {
    /// The node's outputs for its inputs (nil for an omitted optional input).
    func evaluate(node: Node, inputs: [Tensor?]) throws -> [Tensor]
}

/// A problem with the model met while quantizing it; names the ONNX node.
public struct QuantizationError: Error, Equatable, CustomStringConvertible {
    /// The ONNX node at fault (or the tensor, for missing-quantizer errors).
    public var node: String
    /// Its op type.
    public var op: String
    /// Why, in words.
    public var reason: String
    /// An error.
    public init(node: String, op: String, _ reason: String) {
        self.node = node
        self.op = op
        self.reason = reason
    }
    public var description: String { "node '\(node)' (\(op)): \(reason)" }
}

/// The importer's float kernels (`FloatKernels`): the float behaviour the compiler uses by default.
public struct ReferenceFloatOperators: FloatOperatorSet {
    /// The reference set.
    public init() {}
    public func evaluate(node: Node, inputs: [Tensor?]) throws -> [Tensor] {
        try FloatKernels.evaluate(node: node, inputs: inputs)
    }
}
