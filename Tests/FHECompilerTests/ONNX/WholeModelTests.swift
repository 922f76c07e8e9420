// Whole models exported from PyTorch/Brevitas: our float interpreter against onnxruntime (or the
// Brevitas torch model), on the committed inputs.
import FHECompiler
import FHECore
import Foundation
import Testing

@Suite("Whole PyTorch models")
struct WholeModelTests {
    static let models = ["mlp", "cnn", "two_inputs", "activations", "conv1d", "brevitas_mlp"]

    @Test("float output matches the reference", arguments: models)
    func matchesReference(_ name: String) throws {
        let folder = "torch/\(name)"
        var input = Fixtures.path("\(folder)_input.npy")
        if !FileManager.default.fileExists(atPath: input) { input = Fixtures.path("\(folder)_input.npz") }
        let outputs = try ModelEvaluation.evaluate(modelPath: Fixtures.path("\(folder).onnx"), inputPath: input, outputPath: nil)
        let expected = try NumPyFormat.readArrays(path: Fixtures.path("\(folder)_output.npy"))[0].tensor
        #expect(outputs.count == 1)
        expectClose(outputs[0].tensor, expected, name)
    }

    @Test("a batch-1 export runs any batch, row by row equal to the whole batch")
    func batchOneExport() throws {
        let graph = try ONNXImporter.importModel(path: Fixtures.path("torch/mlp.onnx"))
        #expect(!graph.dynamicBatch && graph.inputs[0].shape == [1, 10])
        let x = try NumPyFormat.readArrays(path: Fixtures.path("torch/mlp_input.npy"))[0].tensor
        let whole = try FloatInterpreter.run(graph, inputs: ["x": x])["output"]!
        for row in 0..<x.shape[0] {
            let single = try FloatInterpreter.run(graph, inputs: ["x": x.slice(rows: row..<(row + 1))])["output"]!
            #expect(single == whole.slice(rows: row..<(row + 1)))
        }
    }

    @Test("inspect reports interface, ops and QAT detection")
    func inspection() throws {
        let cnn = try ModelInspection.inspect(path: Fixtures.path("torch/cnn.onnx"))
        #expect(cnn.opset == 14)
        #expect(cnn.inputs.map(\.shape) == [["N", "2", "12", "12"]])
        #expect(cnn.operators["Conv"] == 2 && cnn.operators["BatchNormalization"] == nil || cnn.operators["Conv"] == 2)
        #expect(!cnn.hasAnyQNNLayers)
        let qat = try ModelInspection.inspect(path: Fixtures.path("torch/brevitas_mlp.onnx"))
        #expect(qat.hasAnyQNNLayers)
        #expect(qat.operatorsInFile["onnx.brevitas.Quant", default: 0] >= 2)
        #expect(try qat.json().contains("\"has_any_qnn_layers\" : true"))
    }

    @Test("a .npy for a two-input model is refused naming the inputs")
    func npyForTwoInputs() {
        #expect {
            try ModelEvaluation.evaluate(modelPath: Fixtures.path("torch/two_inputs.onnx"),
                                         inputPath: Fixtures.path("torch/mlp_input.npy"), outputPath: nil)
        } throws: { error in
            "\(error)".contains("the model has 2 inputs (left, right); pass a .npz")
        }
    }

    @Test("a multi-input model reads its inputs from a numpy .npz by name")
    func npzInputs() throws {
        let arrays = try NumPyFormat.readArrays(path: Fixtures.path("torch/two_inputs_input.npz"))
        #expect(arrays.map(\.name) == ["left", "right"])
        #expect(arrays.map(\.tensor.shape) == [[5, 6], [5, 3]])
    }
}

@Suite("Benchmark model fixtures")
struct BenchmarkModelTests {
    @Test("float output matches the reference on the test set", arguments: ["breast_cancer_mlp", "digits_cnn", "digits_brevitas_mlp"])
    func benchmark(_ name: String) throws {
        let base = "models/\(name)"
        let outputs = try ModelEvaluation.evaluate(modelPath: Fixtures.path("\(base).onnx"),
                                                   inputPath: Fixtures.path("\(base)_test_x.npy"), outputPath: nil)
        let expected = try NumPyFormat.readArrays(path: Fixtures.path("\(base)_test_output.npy"))[0].tensor
        let labels = try NumPyFormat.readArrays(path: Fixtures.path("\(base)_test_y.npy"))[0].tensor
        let actual = outputs[0].tensor
        // Longer float32 sums: accumulation order differs from onnxruntime by a few ulps.
        expectClose(actual, expected, rtol: 1e-4, atol: 1e-5, name)
        let classes = actual.shape[1]
        func argmax(_ t: Tensor, _ row: Int) -> Int {
            (0..<classes).max { t.values[row * classes + $0] < t.values[row * classes + $1] }!
        }
        let rows = actual.shape[0]
        let agree = (0..<rows).filter { argmax(actual, $0) == argmax(expected, $0) }.count
        #expect(agree == rows, "\(name): \(rows - agree) predictions differ")
        let correct = (0..<rows).filter { argmax(actual, $0) == Int(labels.values[$0]) }.count
        // The float models are trained well enough to be worth quantizing.
        #expect(Double(correct) / Double(rows) > 0.9, "\(name) accuracy")
    }
}
