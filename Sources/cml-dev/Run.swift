import ArgumentParser
import FHECompiler
import FHECore

/// `cml-dev run`: run a bundle on NumPy inputs.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a compiled bundle on NumPy inputs: quantize, evaluate the circuit, de-quantize.",
        discussion: """
            Runs only what the bundle's manifest hashes: a bundle changed after compile, or written before its \
            circuit was hashed, is refused (compile it again).

            Example:
              cml-dev run bundle -i x.npy --fhe simulate -o y.npy
            """)

    @Argument(help: "The bundle directory written by compile.")
    var bundle: String

    @Option(name: .shortAndLong, help: "Inputs: .npy (one input) or .npz (one member per input name).")
    var input: String

    @Option(help: "disable (clear integers), simulate (clear with PBS errors at the parameters' rate) or execute (encrypted).")
    var fhe = FHEMode.disable

    @Option(name: .shortAndLong, help: "Where to write the outputs (.npy, or .npz for several).")
    var output: String?

    @Option(name: .customLong("on-overflow"), help: ArgumentHelp(
        "What --fhe disable does with samples outside the calibrated ranges.",
        discussion: "warn (default) gives every output, as the FHE circuit computes it, and lists the samples and operations that overflowed; error stops at the first."))
    var onOverflow = OverflowPolicy.warn

    func run() throws {
        let outputs = try ModelCompilation.run(bundlePath: bundle, inputPath: input, outputPath: output, mode: fhe, onOverflow: onOverflow) { print($0) }
        for (index, y) in outputs.enumerated() { print(y.preview(name: "output \(index)")) }
    }
}
