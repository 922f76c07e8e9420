import FHECompiler
import FHECore
import Foundation
import Testing

/// Whole models from the importer's fixtures, quantized and run in the clear against their float outputs.
@Suite struct QuantizedModelTests {
    static func load(_ relative: String) throws -> [Tensor] {
        try NumPyFormat.readArrays(path: Fixtures.path(relative)).map { $0.tensor.asFloat64() }
    }

    static func accuracy(_ y: Tensor, labels: Tensor) -> Double {
        let classes = y.shape.last!
        let rows = y.count / classes
        let hits = (0..<rows).filter { r in
            let row = y.values[(r * classes)..<((r + 1) * classes)]
            return row.firstIndex(of: row.max()!)! - r * classes == Int(labels.values[r])
        }.count
        return Double(hits) / Double(rows)
    }

    /// PyTorch-exported models at 8 bits: top-1 agreement with float ≥ 98% (R² ≥ 0.99 for all outputs).
    @Test(arguments: ["mlp", "cnn", "conv1d", "activations", "two_inputs"])
    func torchModelAt8Bits(name: String) throws {
        let graph = try ONNXImporter.importModel(path: Fixtures.path("torch/\(name).onnx"))
        let inputs = try Self.load("torch/\(name)_input.\(name == "two_inputs" ? "npz" : "npy")")
        let expected = try Self.load("torch/\(name)_output.npy")[0]
        let model = try Compiler.compile(graph: graph, calibration: inputs, options: CompileOptions())
        let y = try model.predict(inputs)[0]
        #expect(Agreement.loss(reference: expected, candidate: y) <= 0.02, "\(name): top-1 disagreement")
        #expect(Agreement.rSquared(reference: expected.values, candidate: y.values) >= 0.99, "\(name): R²")
    }

    @Test func breastCancerMLP() throws {
        let graph = try ONNXImporter.importModel(path: Fixtures.path("models/breast_cancer_mlp.onnx"))
        let calibration = try Self.load("models/breast_cancer_mlp_calibration.npy")
        let x = try Self.load("models/breast_cancer_mlp_test_x.npy")
        let labels = try Self.load("models/breast_cancer_mlp_test_y.npy")[0]
        let float = try Self.load("models/breast_cancer_mlp_test_output.npy")[0]
        // 8 bits: top-1 agreement with float ≥ 98%. Test rows may leave the calibrated ranges: no overflow check.
        let model8 = try Compiler.compile(graph: graph, calibration: calibration, options: CompileOptions())
        let y8 = try model8.predict(x, evaluator: ClearEvaluator(checksOverflow: false))[0]
        #expect(Agreement.loss(reference: float, candidate: y8) <= 0.02)
        // 6 bits with rounding 6: accuracy within 2 points of float.
        var options = CompileOptions()
        options.bits = QuantizationBits(bits: 6)
        options.rounding = try RoundingThreshold.make(bits: 6)
        let model6 = try Compiler.compile(graph: graph, calibration: calibration, options: options)
        let y6 = try model6.predict(x, evaluator: ClearEvaluator(checksOverflow: false))[0]
        #expect(Self.accuracy(y6, labels: labels) >= Self.accuracy(float, labels: labels) - 0.02)
        #expect(model6.circuit.maxTLUPrecision <= 7)
        #expect(model6.circuit.tluCount(tablesOnly: true) == 48)  // 32 + 16 hidden neurons, no input or output table
    }

    @Test func digitsCNN() throws {
        let graph = try ONNXImporter.importModel(path: Fixtures.path("models/digits_cnn.onnx"))
        let calibration = try Self.load("models/digits_cnn_calibration.npy")
        let x = try Self.load("models/digits_cnn_test_x.npy")
        let labels = try Self.load("models/digits_cnn_test_y.npy")[0]
        let float = try Self.load("models/digits_cnn_test_output.npy")[0]
        var options = CompileOptions()
        options.bits = QuantizationBits(bits: 6)
        options.rounding = try RoundingThreshold.make(bits: 6, method: .approximate)
        let model = try Compiler.compile(graph: graph, calibration: calibration, options: options)
        let y = try model.predict(x, evaluator: ClearEvaluator(checksOverflow: false))[0]
        #expect(Self.accuracy(y, labels: labels) >= Self.accuracy(float, labels: labels) - 0.02)
        #expect(model.circuit.maxTLUPrecision <= 7)
    }

    /// Brevitas 3-bit MLP: the model's quantizers are used, so the clear circuit reproduces Brevitas' output.
    @Test func brevitasDigitsMLP() throws {
        let graph = try ONNXImporter.importModel(path: Fixtures.path("models/digits_brevitas_mlp.onnx"))
        let calibration = try Self.load("models/digits_brevitas_mlp_calibration.npy")
        let x = try Self.load("models/digits_brevitas_mlp_test_x.npy")
        let brevitas = try Self.load("models/digits_brevitas_mlp_test_output.npy")[0]
        var options = CompileOptions()
        options.importQAT = true
        let model = try Compiler.compile(graph: graph, calibration: calibration, options: options)
        let y = try model.predict(x, evaluator: ClearEvaluator(checksOverflow: false))[0]
        let maxError = zip(y.values, brevitas.values).map { abs($0 - $1) }.max() ?? 0
        #expect(maxError < 1e-4, "largest difference from Brevitas' own output: \(maxError)")
        #expect(model.circuit.maxTLUPrecision <= 8)
    }
}

extension Tensor {
    func asFloat64() -> Tensor { self }
}
