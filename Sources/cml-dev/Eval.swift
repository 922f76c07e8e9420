import ArgumentParser
import FHECompiler

/// `cml-dev eval`: the float reference output of a model.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an ONNX model in float on NumPy inputs (the reference for quantized and FHE runs).",
        discussion: """
            The input is a .npy file (float32, float64 or int64, C order) for a one-input model, or a \
            .npz archive (np.savez, not savez_compressed) with one array per input name. Axis 0 is the \
            batch axis: any batch size works, also for models exported with batch 1. Outputs go to a \
            .npy file (.npz for several outputs); without -o their shapes are printed.

            Example:
              cml-dev eval model.onnx -i x.npy -o y.npy
            """)

    @Argument(help: "The ONNX model file.")
    var model: String

    @Option(name: .shortAndLong, help: "Input arrays: .npy (one input) or .npz (one member per input name).")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the outputs (.npy, or .npz for several outputs).")
    var output: String?

    func run() throws {
        let outputs = try ModelEvaluation.evaluate(modelPath: model, inputPath: input, outputPath: output)
        if output == nil {
            for (name, tensor) in outputs { print("\(name): \(tensor.elementType.rawValue) \(tensor.shape)") }
        }
    }
}
