// Structural rewrites done at import: no-op removal, MatMul+Add → Gemm fusion, dead initializers.
import FHECore

/// Graph-to-graph rewrites that keep the float semantics.
public enum GraphRewriting {
    /// Removes Identity and inference-mode Dropout nodes, reconnecting their readers to their
    /// input. A no-op that writes a graph output is kept (the output name must survive).
    public static func removingNoOps(_ graph: Graph) -> Graph {
        var graph = graph
        let graphOutputs = Set(graph.outputs.map(\.name))
        var renamed: [String: String] = [:]
        var kept: [Node] = []
        for var node in graph.nodes {
            node.inputs = node.inputs.map { renamed[$0] ?? $0 }
            let isNoOp = node.domain.isEmpty && (node.opType == "Identity" || isInferenceDropout(node, graph: graph))
            if isNoOp, let output = node.outputs.first, !graphOutputs.contains(output), let input = node.inputs.first {
                renamed[output] = input
                continue
            }
            if isNoOp && node.opType == "Dropout" {
                node = Node(name: node.name, opType: "Identity", inputs: [node.inputs[0]], outputs: [node.outputs[0]])
            }
            kept.append(node)
        }
        graph.nodes = kept
        return graph
    }

    /// A Dropout whose mask output is unused and that is not forced into training mode.
    static func isInferenceDropout(_ node: Node, graph: Graph) -> Bool {
        guard node.opType == "Dropout" else { return false }
        let maskUnused = node.outputs.count < 2 || node.outputs[1].isEmpty
        let trainingInput = node.inputs.count > 2 ? node.inputs[2] : ""
        let training = trainingInput.isEmpty ? false : (graph.initializers[trainingInput]?.values.first ?? 1) != 0
        return maskUnused && !training
    }

    /// Fuses MatMul(x, W) followed by Add(·, b) into Gemm(x, W, b) (alpha = beta = 1), as Concrete
    /// ML does: W and b are initializers, W is 2-D, b broadcasts along the last axis, and the
    /// MatMul output has exactly one reader and is not a graph output.
    public static func fusingMatMulAdd(_ graph: Graph) -> Graph {
        var graph = graph
        let graphOutputs = Set(graph.outputs.map(\.name))
        var readers: [String: Int] = [:]
        for node in graph.nodes { for input in node.inputs { readers[input, default: 0] += 1 } }
        var fused: [String: Node] = [:]   // Add node name → Gemm replacing it
        var removed: Set<String> = []     // MatMul node names folded into a Gemm
        for add in graph.nodes where add.opType == "Add" && add.domain.isEmpty && add.inputs.count == 2 {
            for side in 0..<2 {
                let product = add.inputs[side], biasName = add.inputs[1 - side]
                guard let matmul = graph.producer(of: product), matmul.opType == "MatMul", matmul.domain.isEmpty,
                      readers[product] == 1, !graphOutputs.contains(product),
                      let weights = graph.initializers[matmul.inputs[1]], weights.rank == 2,
                      let bias = graph.initializers[biasName],
                      let inputShape = graph.valueShapes[matmul.inputs[0]], inputShape.count >= 2,
                      bias.shape.dropLast().allSatisfy({ $0 == 1 }), bias.rank <= 2,
                      bias.shape.last.map({ $0 == 1 || $0 == weights.shape[1] }) ?? true
                else { continue }
                fused[add.name] = Node(name: "\(matmul.name)_Gemm", opType: "Gemm",
                                       inputs: [matmul.inputs[0], matmul.inputs[1], biasName], outputs: add.outputs,
                                       attributes: ["alpha": .float(1), "beta": .float(1)])
                removed.insert(matmul.name)
                break
            }
        }
        graph.nodes = graph.nodes.compactMap { node in
            if removed.contains(node.name) { return nil }
            return fused[node.name] ?? node
        }
        return graph
    }

    /// Drops initializers no node reads and no output names.
    public static func removingUnusedInitializers(_ graph: Graph) -> Graph {
        var graph = graph
        var used = Set(graph.outputs.map(\.name))
        for node in graph.nodes { used.formUnion(node.inputs) }
        graph.initializers = graph.initializers.filter { used.contains($0.key) }
        return graph
    }
}
