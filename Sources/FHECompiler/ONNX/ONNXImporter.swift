// ONNX model bytes → Graph: decode, check opset and ops, sort, simplify, fold constants, infer shapes.
public import FHECore
public import Foundation
import ONNXProto
import SwiftProtobuf

/// Imports ONNX models (opsets 13…22 of the default domain, plus Brevitas/QONNX `Quant`) into a
/// `Graph` ready for the float interpreter and quantization.
public enum ONNXImporter {
    /// Default-domain opset versions accepted. Concrete ML accepts exactly 14.
    public static let supportedOpsets: ClosedRange<Int> = 13...22

    /// Custom domains whose ops we know (Brevitas exports `Quant` under either).
    static let knownDomains: Set<String> = ["", "ai.onnx", "onnx.brevitas", "qonnx.custom_op.general"]

    /// Imports the model file at `path`.
    public static func importModel(path: String) throws -> Graph {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CompilerError(.invalidModel, "cannot read model file '\(path)'")
        }
        return try importModel(data: data, source: path)
    }

    /// Imports serialized ONNX bytes; `source` names them in errors.
    public static func importModel(data: Data, source: String = "model") throws -> Graph {
        let graph = try decode(data: data, source: source)
        return try simplify(graph)
    }

    /// The imported graph as found in the file: Constant nodes turned into initializers, nodes
    /// sorted, ops checked, no other rewriting.
    public static func decode(data: Data, source: String = "model") throws -> Graph {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw CompilerError(.invalidModel, "'\(source)' is not a valid ONNX model (truncated or not protobuf): \(error)")
        }
        guard model.irVersion > 0, model.hasGraph, !model.opsetImport.isEmpty else {
            throw CompilerError(.invalidModel, "'\(source)' is not an ONNX model (no ir_version, graph or opset_import)")
        }
        guard let opset = model.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" }) else {
            throw CompilerError(.unsupportedOpset, "'\(source)' imports no default-domain (ai.onnx) opset")
        }
        let opsetVersion = Int(opset.version)
        guard supportedOpsets.contains(opsetVersion) else {
            throw CompilerError(.unsupportedOpset,
                                "'\(source)' uses ai.onnx opset \(opsetVersion); supported opsets are \(supportedOpsets.lowerBound)…\(supportedOpsets.upperBound) (re-export with opset_version=14)")
        }
        let proto = model.graph

        var initializers: [String: Tensor] = [:]
        for initializer in proto.initializer {
            initializers[initializer.name] = try ONNXDecoding.tensor(initializer, owner: "initializer '\(initializer.name)'")
        }
        if !proto.sparseInitializer.isEmpty {
            throw CompilerError(.unsupportedFeature, "'\(source)' has sparse initializers, which are not supported")
        }
        var inputs: [ValueInfo] = []
        var dynamicBatch = false
        // Exporters may list initializers among the inputs (keep_initializers_as_inputs): skip them.
        for input in proto.input where initializers[input.name] == nil {
            let (info, dynamic) = try ONNXDecoding.valueInfo(input, role: "input")
            inputs.append(info)
            dynamicBatch = dynamicBatch || dynamic
        }
        guard !proto.output.isEmpty else { throw CompilerError(.invalidModel, "'\(source)' graph has no outputs") }
        var outputs: [ValueInfo] = []
        for output in proto.output {
            // Output shapes are recomputed by shape inference; only name and type matter here.
            if case .tensorType(let type)? = output.type.value, let elementType = ONNXDecoding.elementType(code: type.elemType) {
                outputs.append(ValueInfo(name: output.name, elementType: elementType, shape: []))
            } else {
                outputs.append(ValueInfo(name: output.name, elementType: .float32, shape: []))
            }
        }

        var nodes: [Node] = []
        var unsupported: [Node] = []
        var produced: Set<String> = Set(inputs.map(\.name)).union(initializers.keys)
        for (index, nodeProto) in proto.node.enumerated() {
            var node = Node(name: nodeProto.name.isEmpty ? "\(nodeProto.opType)_\(index)" : nodeProto.name,
                            opType: nodeProto.opType, domain: nodeProto.domain,
                            inputs: nodeProto.input, outputs: nodeProto.output)
            for attribute in nodeProto.attribute {
                node.attributes[attribute.name] = try ONNXDecoding.attribute(attribute, of: node)
            }
            guard knownDomains.contains(node.domain), FloatKernels.isSupported(node) else {
                unsupported.append(node)
                continue
            }
            for output in node.outputs where !output.isEmpty {
                guard produced.insert(output).inserted else {
                    throw CompilerError(.invalidModel, at: node, "value '\(output)' is produced twice")
                }
            }
            if node.opType == "Constant" && node.domain.isEmpty {
                guard let output = node.outputs.first else { throw CompilerError(.invalidNode, at: node, "has no output") }
                initializers[output] = try constantValue(node)
            } else {
                nodes.append(node)
            }
        }
        if let first = unsupported.first {
            // Name every missing op at once, as Concrete ML does, so one pass shows all the work.
            let others = Set(unsupported.dropFirst().map(\.qualifiedOpType)).subtracting([first.qualifiedOpType]).sorted()
            let also = others.isEmpty ? "" : "; also unsupported: \(others.joined(separator: ", "))"
            throw CompilerError(.unsupportedOperator, at: first,
                                "operator is not supported\(also) (supported: \(FloatKernels.supportedOperators.joined(separator: ", ")))")
        }
        let sorted = try GraphOrdering.topologicallySorted(
            nodes, available: Set(inputs.map(\.name)).union(initializers.keys))
        for output in outputs where !produced.contains(output.name) {
            throw CompilerError(.missingInput, "graph output '\(output.name)' is produced by no node, input or initializer")
        }
        return Graph(inputs: inputs, outputs: outputs, initializers: initializers, nodes: sorted,
                     opsetVersion: opsetVersion, dynamicBatch: dynamicBatch)
    }

    /// Decodes a serialized ONNX `TensorProto` (the `.pb` files of ONNX test data sets).
    public static func decodeTensor(data: Data, source: String = "tensor") throws -> Tensor {
        let proto: Onnx_TensorProto
        do {
            proto = try Onnx_TensorProto(serializedBytes: data)
        } catch {
            throw CompilerError(.invalidModel, "'\(source)' is not a serialized ONNX TensorProto: \(error)")
        }
        return try ONNXDecoding.tensor(proto, owner: "tensor '\(source)'")
    }

    /// The tensor a Constant node holds, from whichever `value*` attribute it carries.
    static func constantValue(_ node: Node) throws -> Tensor {
        switch (node.attributes["value"], node.attributes["value_float"], node.attributes["value_floats"],
                node.attributes["value_int"], node.attributes["value_ints"]) {
        case (.tensor(let tensor)?, _, _, _, _): return tensor
        case (_, .float(let value)?, _, _, _): return Tensor(scalar: value)
        case (_, _, .floats(let values)?, _, _): return Tensor(shape: [values.count], values: values)
        case (_, _, _, .int(let value)?, _): return Tensor(scalar: Double(value), elementType: .int64)
        case (_, _, _, _, .ints(let values)?):
            return Tensor(shape: [values.count], elementType: .int64, values: values.map(Double.init))
        default:
            throw CompilerError(.unsupportedFeature, at: node,
                                "constant has no value, value_float(s) or value_int(s) attribute (string and sparse constants are not supported)")
        }
    }

    /// `graph` with some inputs replaced by constant initializers (for inputs whose values are
    /// fixed: shapes, axes, quantizer parameters given as inputs).
    /// - Throws: `.invalidInput` when a name is not an input or the tensor does not fit its shape.
    public static func bindingInputs(_ graph: Graph, constants: [String: Tensor]) throws -> Graph {
        var graph = graph
        for (name, tensor) in constants {
            guard let info = graph.inputs.first(where: { $0.name == name }) else {
                throw CompilerError(.invalidInput, "cannot bind '\(name)': it is not an input of the model")
            }
            guard info.shape == tensor.shape else {
                throw CompilerError(.invalidInput, "cannot bind input '\(name)': shape \(tensor.shape) differs from declared \(info.shape)")
            }
            graph.initializers[name] = tensor
        }
        graph.inputs.removeAll { constants[$0.name] != nil }
        return graph
    }

    /// The import passes after decoding, in order.
    public static func simplify(_ graph: Graph) throws -> Graph {
        var graph = GraphRewriting.removingNoOps(graph)
        graph = try ShapeInference.foldingConstants(graph)
        graph = GraphRewriting.fusingMatMulAdd(graph)
        graph = try ShapeInference.foldingConstants(graph)
        return GraphRewriting.removingUnusedInitializers(graph)
    }
}
