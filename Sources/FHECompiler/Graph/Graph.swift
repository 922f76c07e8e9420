// The imported model: ONNX nodes with decoded attributes and static shapes, independent of protobuf.
public import FHECore

/// An attribute value of a node, decoded from ONNX.
public enum Attribute: Sendable, Equatable {
    case int(Int)
    case float(Double)
    case string(String)
    case tensor(Tensor)
    case ints([Int])
    case floats([Double])
    case strings([String])
    case tensors([Tensor])
}

/// A graph input or output: name, element type and static shape (the batch axis is axis 0).
public struct ValueInfo: Sendable, Equatable {
    public var name: String
    public var elementType: ElementType
    public var shape: [Int]
    public init(name: String, elementType: ElementType, shape: [Int]) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }
}

/// One operator application.
public struct Node: Sendable, Equatable {
    /// The node's name in the ONNX file (or a generated `op_<index>` when it had none).
    public var name: String
    public var opType: String
    /// "" for the default ONNX domain; "onnx.brevitas" / "qonnx.custom_op.general" for Brevitas `Quant`.
    public var domain: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: Attribute]
    public init(name: String, opType: String, domain: String = "", inputs: [String], outputs: [String],
                attributes: [String: Attribute] = [:]) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }
}

/// A model graph in topological order, with constant tensors kept apart.
public struct Graph: Sendable, Equatable {
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    /// Initializers and folded constants by value name.
    public var initializers: [String: Tensor]
    /// Nodes in topological order.
    public var nodes: [Node]
    /// Version of the default-domain opset the model was exported with.
    public var opsetVersion: Int
    public init(inputs: [ValueInfo], outputs: [ValueInfo], initializers: [String: Tensor], nodes: [Node], opsetVersion: Int) {
        self.inputs = inputs
        self.outputs = outputs
        self.initializers = initializers
        self.nodes = nodes
        self.opsetVersion = opsetVersion
    }
}
