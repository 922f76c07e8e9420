import ArgumentParser
import FHECompiler
import Foundation

/// `cml-dev inspect`: what a model or a compiled bundle contains.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an ONNX model's interface and operators, or a compiled bundle's parameters and costs.",
        discussion: """
            Given an .onnx file: imports the model as `compile` would (constant folding, MatMul+Add → Gemm \
            fusion, Identity and Dropout removal) and reports its interface and operator counts. It also says \
            whether the model carries quantization-aware-training quantizers (Brevitas Quant nodes or \
            QuantizeLinear → DequantizeLinear pairs), which selects the QAT import path. Shapes show axis 0 \
            as N when the batch axis is dynamic.

            Given a bundle directory (written by `compile -o`): prints what `compile --verbose` printed \
            (quantization decisions, precision per layer, TLU count, parameter set per partition and error \
            probability per TLU group, evaluation-key sizes full and seeded), an estimated latency per sample, \
            and the manifest's versions and hashes, checked against the files.

            Examples:
              cml-dev inspect model.onnx
              cml-dev inspect bundle --json
            """)

    @Argument(help: "The ONNX model file, or a bundle directory.")
    var model: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory), isDirectory.boolValue {
            let inspection = try BundleInspection.inspect(path: model)
            print(json ? try inspection.json() : inspection.text)
        } else {
            let report = try ModelInspection.inspect(path: model)
            print(json ? try report.json() : report.text)
        }
    }
}
