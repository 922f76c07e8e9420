// Batched float evaluation of an imported graph: the reference every later stage is checked against.
public import FHECore

/// Runs a `Graph` in float on named input tensors.
public enum FloatInterpreter {
    /// Evaluates `graph` on `inputs` (one tensor per graph input, by name) and returns its outputs
    /// by name. Inputs may carry any batch size on axis 0: a graph exported with batch 1 (or a
    /// dynamic batch) runs sample by sample, so literal batch-1 reshapes stay valid.
    /// - Parameter intermediates: also return every node output (for calibration).
    /// - Throws: `.invalidInput` naming the input whose type, rank or shape does not fit;
    ///   kernel errors naming the node.
    public static func run(_ graph: Graph, inputs: [String: Tensor], intermediates: Bool = false) throws -> [String: Tensor] {
        let batch = try checkedBatchSize(graph, inputs: inputs)
        let exported = graph.inputs.first?.shape.first ?? 1
        if graph.inputs.isEmpty || batch == exported {
            return try evaluate(graph, inputs: inputs, intermediates: intermediates)
        }
        // Exported batch is 1 here (checked above): run each sample and stack the results.
        var perSample: [[String: Tensor]] = []
        for row in 0..<batch {
            var sample: [String: Tensor] = [:]
            for (name, tensor) in inputs { sample[name] = tensor.slice(rows: row..<(row + 1)) }
            perSample.append(try evaluate(graph, inputs: sample, intermediates: intermediates))
        }
        var results: [String: Tensor] = [:]
        for name in perSample[0].keys {
            let parts = perSample.map { $0[name]! }
            // Values without a batch axis (scalars) are the same for every sample.
            results[name] = parts[0].rank == 0 ? parts[0] : Tensor.concatenatingRows(parts)
        }
        return results
    }

    /// Validates inputs against the graph and returns their common batch size.
    static func checkedBatchSize(_ graph: Graph, inputs: [String: Tensor]) throws -> Int {
        // Inputs of exactly the declared shapes run as they are, batch or not (e.g. node tests).
        let exact = graph.inputs.allSatisfy { info in
            inputs[info.name].map { $0.shape == info.shape && ($0.elementType == info.elementType
                || $0.elementType.isFloatingPoint && info.elementType.isFloatingPoint) } ?? false
        }
        if exact && inputs.count == graph.inputs.count { return graph.inputs.first?.shape.first ?? 1 }
        var batch: Int?
        for info in graph.inputs {
            guard let tensor = inputs[info.name] else {
                throw CompilerError(.invalidInput, "model input '\(info.name)' was not supplied (supplied: \(inputs.keys.sorted().joined(separator: ", ")))")
            }
            let typeFits = tensor.elementType == info.elementType
                || (tensor.elementType.isFloatingPoint && info.elementType.isFloatingPoint)
            guard typeFits else {
                throw CompilerError(.invalidInput, "input '\(info.name)' has dtype \(tensor.elementType), the model expects \(info.elementType)")
            }
            guard tensor.rank == info.shape.count else {
                throw CompilerError(.invalidInput, "input '\(info.name)' has rank \(tensor.rank) (shape \(tensor.shape)), the model expects rank \(info.shape.count) (shape \(info.shape), axis 0 = batch)")
            }
            guard info.shape.isEmpty || Array(tensor.shape.dropFirst()) == Array(info.shape.dropFirst()) else {
                throw CompilerError(.invalidInput, "input '\(info.name)' has shape \(tensor.shape), the model expects \(["N"] + info.shape.dropFirst().map(String.init)) (N = batch)")
            }
            let rows = tensor.shape.first ?? 1
            if let batch, batch != rows {
                throw CompilerError(.invalidInput, "input '\(info.name)' has batch \(rows), other inputs have \(batch)")
            }
            if let exported = info.shape.first, exported != 1 && rows != exported {
                throw CompilerError(.invalidInput, "input '\(info.name)' has batch \(rows) but the model was exported with a fixed batch of \(exported)")
            }
            batch = rows
        }
        let known = Set(graph.inputs.map(\.name))
        if let extra = inputs.keys.sorted().first(where: { !known.contains($0) }) {
            throw CompilerError(.invalidInput, "'\(extra)' is not an input of the model (inputs: \(graph.inputs.map(\.name).joined(separator: ", ")))")
        }
        return batch ?? 1
    }

    /// One pass over the nodes in order.
    static func evaluate(_ graph: Graph, inputs: [String: Tensor], intermediates: Bool) throws -> [String: Tensor] {
        var values = graph.initializers
        for info in graph.inputs {
            // Float inputs are computed in the model's declared float type.
            var tensor = inputs[info.name]!
            if tensor.elementType != info.elementType {
                tensor.elementType = info.elementType
                tensor = tensor.roundedToElementType()
            }
            values[info.name] = tensor
        }
        for node in graph.nodes {
            let arguments = node.inputs.map { $0.isEmpty ? nil : values[$0] }
            for (index, name) in node.inputs.enumerated() where !name.isEmpty && arguments[index] == nil {
                throw CompilerError(.missingInput, at: node, "input '\(name)' has no value")
            }
            let outputs = try FloatKernels.evaluate(node: node, inputs: arguments)
            for (name, value) in zip(node.outputs, outputs) where !name.isEmpty { values[name] = value }
        }
        if intermediates { return values.filter { graph.initializers[$0.key] == nil } }
        var results: [String: Tensor] = [:]
        for output in graph.outputs {
            guard let value = values[output.name] else {
                throw CompilerError(.missingInput, "graph output '\(output.name)' was not computed")
            }
            results[output.name] = value
        }
        return results
    }
}
