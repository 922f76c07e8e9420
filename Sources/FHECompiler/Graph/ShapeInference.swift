// Static shape inference and constant folding in one walk: every node runs once on its real
// constant inputs and on zero placeholders of the per-sample shape (batch axis = exported batch,
// 1 when dynamic) for the variable ones. Nodes with only constant inputs become initializers; so do
// Shape nodes, whose output is fixed once shapes are static.
import FHECore

/// Infers every value's shape and type, and folds constant sub-graphs.
public enum ShapeInference {
    /// The graph with constant nodes folded and `valueShapes`/`valueTypes`/output infos filled.
    /// - Throws: `.dynamicShape` when a shape-defining input depends on model inputs; any kernel
    ///   error (shape mismatch, bad attribute) naming the node.
    public static func foldingConstants(_ graph: Graph) throws -> Graph {
        var graph = graph
        var values: [String: Tensor] = graph.initializers
        var variable: Set<String> = []
        for input in graph.inputs {
            values[input.name] = Tensor.zeros(input.shape, elementType: input.elementType)
            variable.insert(input.name)
        }
        var kept: [Node] = []
        for node in graph.nodes {
            for index in FloatKernels.shapeDefiningInputs(of: node) where index < node.inputs.count {
                let name = node.inputs[index]
                if variable.contains(name) {
                    throw CompilerError(.dynamicShape, at: node,
                                        "input \(index) ('\(name)') defines a shape or axes but depends on the model's input values; it cannot be resolved statically")
                }
            }
            let inputs = node.inputs.map { $0.isEmpty ? nil : values[$0] }
            let outputs = try FloatKernels.evaluate(node: node, inputs: inputs)
            let isShapeOnly = node.opType == "Shape" || node.opType == "Size"
            let foldable = isShapeOnly || node.inputs.allSatisfy { $0.isEmpty || !variable.contains($0) }
            for (name, value) in zip(node.outputs, outputs) where !name.isEmpty {
                values[name] = value
                graph.valueShapes[name] = value.shape
                graph.valueTypes[name] = value.elementType
                if foldable { graph.initializers[name] = value } else { variable.insert(name) }
            }
            if !foldable { kept.append(node) }
        }
        graph.nodes = kept
        for input in graph.inputs {
            graph.valueShapes[input.name] = input.shape
            graph.valueTypes[input.name] = input.elementType
        }
        for (name, tensor) in graph.initializers {
            graph.valueShapes[name] = tensor.shape
            graph.valueTypes[name] = tensor.elementType
        }
        for index in graph.outputs.indices {
            let name = graph.outputs[index].name
            if let shape = graph.valueShapes[name] { graph.outputs[index].shape = shape }
            if let type = graph.valueTypes[name] { graph.outputs[index].elementType = type }
        }
        return graph
    }
}
