// The one error type of the compiler front end: every bad model or input names where it went wrong.

/// A model, input or option the compiler cannot accept. The message names the node, the op and
/// the reason whenever one node is at fault.
public struct CompilerError: Error, Equatable, CustomStringConvertible {
    /// What kind of problem this is, for callers that branch on it.
    public enum Kind: String, Sendable, Equatable {
        /// Bytes that are not a (complete) ONNX model.
        case invalidModel
        /// A default-domain opset outside the supported range.
        case unsupportedOpset
        /// An operator (op type + domain) we do not implement.
        case unsupportedOperator
        /// A supported operator used with an attribute value or data type we do not implement.
        case unsupportedFeature
        /// A shape that depends on input values, or a symbolic dimension other than the batch axis.
        case dynamicShape
        /// The nodes form a cycle.
        case cycle
        /// A value is consumed but nothing produces it, or a model input is not supplied.
        case missingInput
        /// A node's inputs or attributes are inconsistent (shapes, ranks, types).
        case invalidNode
        /// A user-supplied input tensor does not fit the model.
        case invalidInput
    }

    /// The kind of problem.
    public var kind: Kind
    /// The node at fault, if one is.
    public var node: String?
    /// That node's op type (with its domain when not the default one).
    public var op: String?
    /// Why, in words.
    public var reason: String

    /// An error, optionally attached to a node.
    public init(_ kind: Kind, node: String? = nil, op: String? = nil, _ reason: String) {
        self.kind = kind
        self.node = node
        self.op = op
        self.reason = reason
    }

    /// An error attached to `node`.
    public init(_ kind: Kind, at node: Node, _ reason: String) {
        self.init(kind, node: node.name, op: node.qualifiedOpType, reason)
    }

    /// "node 'name' (Op): reason", or just the reason.
    public var description: String {
        switch (node, op) {
        case let (node?, op?): return "node '\(node)' (\(op)): \(reason)"
        case let (node?, nil): return "node '\(node)': \(reason)"
        case let (nil, op?): return "\(op): \(reason)"
        case (nil, nil): return reason
        }
    }
}

extension Node {
    /// `domain.opType` for custom domains, `opType` for the default ONNX domain.
    public var qualifiedOpType: String {
        domain.isEmpty || domain == "ai.onnx" ? opType : "\(domain).\(opType)"
    }
}
