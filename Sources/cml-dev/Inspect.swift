import ArgumentParser
import FHECompiler

/// `cml-dev inspect`: what a model contains.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an ONNX model's inputs, outputs, shapes, operators and opset.",
        discussion: """
            Imports the model as `compile` would (constant folding, MatMul+Add → Gemm fusion, Identity and \
            Dropout removal) and reports its interface and operator counts. It also says whether the model \
            carries quantization-aware-training quantizers (Brevitas Quant nodes or QuantizeLinear → \
            DequantizeLinear pairs), which selects the QAT import path. Shapes show axis 0 as N when the \
            batch axis is dynamic.
            """)

    @Argument(help: "The ONNX model file.")
    var model: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let report = try ModelInspection.inspect(path: model)
        print(json ? try report.json() : report.text)
    }
}
