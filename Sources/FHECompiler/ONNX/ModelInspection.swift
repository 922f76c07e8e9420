// What `cml-dev inspect` reports about a model: its interface, ops and whether it is QAT.
public import FHECore
import Foundation

/// A summary of an imported model.
public struct ModelInspection: Sendable, Equatable, Codable {
    /// One graph input or output.
    public struct Value: Sendable, Equatable, Codable {
        /// ONNX value name.
        public var name: String
        /// Element type.
        public var dtype: String
        /// Shape, axis 0 = batch ("N" when the batch axis is dynamic).
        public var shape: [String]
    }

    /// Model file.
    public var source: String
    /// Default-domain opset version.
    public var opset: Int
    /// Graph inputs.
    public var inputs: [Value]
    /// Graph outputs.
    public var outputs: [Value]
    /// Op counts after import (folding, fusion, no-op removal), by qualified op type.
    public var operators: [String: Int]
    /// Op counts as found in the file, before import rewrites.
    public var operatorsInFile: [String: Int]
    /// True when the model carries QAT quantizers: Brevitas `Quant` nodes or QuantizeLinear →
    /// DequantizeLinear pairs (Concrete ML's `has_any_qnn_layers`).
    public var hasAnyQNNLayers: Bool
    /// Number of constant parameters (initializer elements) after import.
    public var parameterCount: Int
    /// The nodes `compile` refuses whatever the input set (`Compiler.unsupportedNodes`), one line each.
    public var unsupportedNodes: [String]

    enum CodingKeys: String, CodingKey {
        case source, opset, inputs, outputs, operators
        case operatorsInFile = "operators_in_file"
        case hasAnyQNNLayers = "has_any_qnn_layers"
        case parameterCount = "parameter_count"
        case unsupportedNodes = "unsupported_nodes"
    }

    /// Imports the model at `path` and summarises it.
    public static func inspect(path: String) throws -> ModelInspection {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CompilerError(.invalidModel, "cannot read model file '\(path)'")
        }
        let raw = try ONNXImporter.decode(data: data, source: path)
        let graph = try ONNXImporter.simplify(raw)
        func describe(_ info: ValueInfo) -> Value {
            let dims = info.shape.enumerated().map { $0.offset == 0 && graph.dynamicBatch ? "N" : String($0.element) }
            return Value(name: info.name, dtype: info.elementType.rawValue, shape: dims)
        }
        func counts(_ nodes: [Node]) -> [String: Int] {
            nodes.reduce(into: [:]) { $0[$1.qualifiedOpType, default: 0] += 1 }
        }
        return ModelInspection(
            source: path, opset: graph.opsetVersion, inputs: graph.inputs.map(describe), outputs: graph.outputs.map(describe),
            operators: counts(graph.nodes), operatorsInFile: counts(raw.nodes), hasAnyQNNLayers: hasQuantizers(raw),
            parameterCount: graph.initializers.values.reduce(0) { $0 + $1.count },
            unsupportedNodes: Compiler.unsupportedNodes(graph).map(\.description))
    }

    /// Brevitas `Quant` nodes, or a QuantizeLinear whose output feeds a DequantizeLinear.
    public static func hasQuantizers(_ graph: Graph) -> Bool {
        graph.nodes.contains { node in
            if node.opType == "Quant" && node.domain != "" { return true }
            guard node.opType == "QuantizeLinear", let output = node.outputs.first else { return false }
            return graph.consumers(of: output).contains { $0.opType == "DequantizeLinear" }
        }
    }

    /// JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Human-readable report.
    public var text: String {
        var lines = ["model: \(source)", "opset: ai.onnx \(opset)"]
        for (title, values) in [("inputs", inputs), ("outputs", outputs)] {
            lines.append("\(title):")
            for value in values { lines.append("  \(value.name): \(value.dtype) [\(value.shape.joined(separator: ", "))]") }
        }
        lines.append("operators (after import):")
        for (op, count) in operators.sorted(by: { $0.key < $1.key }) { lines.append("  \(op): \(count)") }
        lines.append("parameters: \(parameterCount)")
        lines.append("QAT quantizers (has_any_qnn_layers): \(hasAnyQNNLayers ? "yes" : "no")")
        if unsupportedNodes.isEmpty {
            lines.append("compile: every operator is supported on encrypted values (the bit-widths are known once compile calibrates on an input set)")
        } else {
            lines.append("compile: REFUSES this model (\(unsupportedNodes.count) node(s)):")
            lines += unsupportedNodes.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
