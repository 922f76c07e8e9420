// `cml-dev eval`: model file + NumPy inputs → NumPy outputs through the float interpreter.
public import FHECore
import Foundation

/// File-level float evaluation of a model.
public enum ModelEvaluation {
    /// Runs the model at `modelPath` on the arrays in `inputPath` (.npy for a one-input model,
    /// .npz with one member per input name otherwise) and writes the outputs to `outputPath`
    /// (.npy for one output, .npz for several). Returns the outputs in graph order.
    @discardableResult
    public static func evaluate(modelPath: String, inputPath: String, outputPath: String?) throws -> [(name: String, tensor: Tensor)] {
        let graph = try ONNXImporter.importModel(path: modelPath)
        let arrays = try NumPyFormat.readArrays(path: inputPath)
        var inputs: [String: Tensor] = [:]
        if inputPath.hasSuffix(".npz") {
            for (name, tensor) in arrays { inputs[name] = tensor }
            // np.savez(path, x) names members arr_0, arr_1, …: map them by position.
            if inputs.keys.allSatisfy({ $0.hasPrefix("arr_") }) && !graph.inputs.contains(where: { inputs[$0.name] != nil }) {
                inputs = [:]
                for (info, array) in zip(graph.inputs, arrays) { inputs[info.name] = array.tensor }
            }
        } else {
            guard graph.inputs.count == 1, let info = graph.inputs.first else {
                throw CompilerError(.invalidInput, "the model has \(graph.inputs.count) inputs (\(graph.inputs.map(\.name).joined(separator: ", "))); pass a .npz with one array per input name")
            }
            inputs[info.name] = arrays[0].tensor
        }
        let results = try FloatInterpreter.run(graph, inputs: inputs)
        let ordered = graph.outputs.map { (name: $0.name, tensor: results[$0.name]!) }
        if let outputPath {
            if ordered.count > 1 && !outputPath.hasSuffix(".npz") {
                throw CompilerError(.invalidInput, "the model has \(ordered.count) outputs; write them to a .npz path")
            }
            try NumPyFormat.write(ordered, path: outputPath)
        }
        return ordered
    }
}
