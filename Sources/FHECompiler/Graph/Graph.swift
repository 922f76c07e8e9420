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
    /// Per-sample static shape of every value (inputs, node outputs, initializers), batch axis 0
    /// set to the exported batch size (1 for a dynamic batch). Filled by shape inference.
    public var valueShapes: [String: [Int]]
    /// Element type of every value, filled with `valueShapes`.
    public var valueTypes: [String: ElementType]
    /// True when the model's inputs declared a symbolic batch axis.
    public var dynamicBatch: Bool

    /// A graph; `valueShapes`/`valueTypes` start empty until shape inference runs.
    public init(inputs: [ValueInfo], outputs: [ValueInfo], initializers: [String: Tensor], nodes: [Node], opsetVersion: Int,
                valueShapes: [String: [Int]] = [:], valueTypes: [String: ElementType] = [:], dynamicBatch: Bool = false) {
        self.inputs = inputs
        self.outputs = outputs
        self.initializers = initializers
        self.nodes = nodes
        self.opsetVersion = opsetVersion
        self.valueShapes = valueShapes
        self.valueTypes = valueTypes
        self.dynamicBatch = dynamicBatch
    }

    /// The nodes that read `value`, in graph order.
    public func consumers(of value: String) -> [Node] {
        nodes.filter { $0.inputs.contains(value) }
    }

    /// The node that writes `value`, if any.
    public func producer(of value: String) -> Node? {
        nodes.first { $0.outputs.contains(value) }
    }
}

extension Node {
    /// The integer attribute `name`, or `default` when absent.
    public func int(_ name: String, default value: Int) -> Int {
        if case .int(let found)? = attributes[name] { return found }
        return value
    }

    /// The float attribute `name`, or `default` when absent.
    public func float(_ name: String, default value: Double) -> Double {
        if case .float(let found)? = attributes[name] { return found }
        if case .int(let found)? = attributes[name] { return Double(found) }
        return value
    }

    /// The integer-list attribute `name`, or nil when absent.
    public func ints(_ name: String) -> [Int]? {
        if case .ints(let found)? = attributes[name] { return found }
        if case .int(let found)? = attributes[name] { return [found] }
        return nil
    }

    /// The float-list attribute `name`, or nil when absent.
    public func floats(_ name: String) -> [Double]? {
        if case .floats(let found)? = attributes[name] { return found }
        return nil
    }

    /// The string attribute `name`, or `default` when absent.
    public func string(_ name: String, default value: String) -> String {
        if case .string(let found)? = attributes[name] { return found }
        return value
    }
}
