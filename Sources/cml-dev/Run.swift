import ArgumentParser
import FHECompiler
import FHECore

/// `cml-dev run`: run a bundle on NumPy inputs.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a compiled bundle on NumPy inputs: quantize, evaluate the circuit, de-quantize.")

    @Argument(help: "The bundle directory written by compile.")
    var bundle: String

    @Option(name: .shortAndLong, help: "Inputs: .npy (one input) or .npz (one member per input name).")
    var input: String

    @Option(help: "disable (clear integers), simulate or execute.")
    var fhe = "disable"

    @Option(name: .shortAndLong, help: "Where to write the outputs (.npy, or .npz for several).")
    var output: String?

    @Option(name: .customLong("on-overflow"), help: ArgumentHelp(
        "warn or error: what --fhe disable does with samples outside the calibrated ranges.",
        discussion: "warn (default) gives every output, as the FHE circuit computes it, and lists the samples and operations that overflowed; error stops at the first."))
    var onOverflow = "warn"

    func run() throws {
        guard let mode = FHEMode(rawValue: fhe) else {
            throw ValidationError("--fhe must be disable, simulate or execute, got '\(fhe)'")
        }
        guard let policy = OverflowPolicy(rawValue: onOverflow) else {
            throw ValidationError("--on-overflow must be warn or error, got '\(onOverflow)'")
        }
        let outputs = try ModelCompilation.run(bundlePath: bundle, inputPath: input, outputPath: output, mode: mode, onOverflow: policy) { print($0) }
        for (index, y) in outputs.enumerated() { print(y.preview(name: "output \(index)")) }
    }
}
