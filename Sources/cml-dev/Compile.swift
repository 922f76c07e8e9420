import Foundation
import ArgumentParser
import FHECompiler
import FHECore

/// `cml-dev compile`: quantize a model on an input set and write a bundle.
struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quantize an ONNX model (PTQ or QAT import) into an integer circuit and write a bundle.",
        discussion: """
            --n-bits takes an integer (op_inputs = op_weights = n, model inputs/outputs max(5, n)) or \
            key=value pairs: op_inputs=6,op_weights=6[,model_inputs=5][,model_outputs=6]. \
            --rounding-threshold-bits keeps that many most significant bits of each accumulator before its \
            table (2..8), or 'auto' picks the fewest bits whose predictions on the input set stay within \
            --auto-tolerance of no rounding. --p-error and --global-p-error take 2^-40, 2**-40 or 1e-12.

            The bundle is written whole or not at all (into a temporary directory that takes its place); an \
            existing bundle is replaced only with --force. Progress goes to standard error (--quiet: none).

            Example:
              cml-dev compile model.onnx --inputset calib.npy --n-bits 6 --rounding-threshold-bits 6 -o bundle
            """)

    @Argument(help: "The ONNX model file.")
    var model: String

    @Option(help: "Calibration inputs: .npy (one input) or .npz (one member per input name).")
    var inputset: String

    @Option(name: .customLong("n-bits"), help: "Bits: an integer or op_inputs=..,op_weights=..[,model_inputs=..][,model_outputs=..].")
    var nBits = "8"

    @Option(name: .customLong("rounding-threshold-bits"), help: "2..8, or auto.")
    var roundingThresholdBits: String?

    @Option(name: .customLong("rounding-method"), help: "How --rounding-threshold-bits rounds.")
    var roundingMethod = RoundingMethod.exact

    @Option(name: .customLong("auto-tolerance"), help: "For auto rounding: allowed top-1 disagreement (or 1 − R²) on the input set.")
    var autoTolerance = 0.01

    @Flag(help: "Import a quantization-aware-trained model (Brevitas Quant nodes, QDQ pairs).")
    var qat = false

    @Option(name: .customLong("input-encryption"), help: "Per input: encrypted or clear, comma-separated.")
    var inputEncryption: String?

    @Option(name: .customLong("range-margin"), help: ArgumentHelp(
        "Headroom bits: every accumulator's calibrated range is widened 2^BITS times.",
        discussion: "Inputs a little beyond the input set then stay in range, at the cost of BITS more bits per table input (or BITS more rounded away with --rounding-threshold-bits)."))
    var rangeMargin = 0

    @Flag(name: .customLong("reduce-sum-copy"), help: "Identity table before each ReduceSum.")
    var reduceSumCopy = false

    @Flag(name: .customLong("show-circuit"), help: "Print the integer circuit.")
    var showCircuit = false

    @Flag(help: "Print the bit-width report and quantization decisions.")
    var verbose = false

    @Option(help: "Folder for the imported graph, quantized graph, circuit and report.")
    var artifacts: String?

    @Option(name: .customLong("p-error"), help: "Failure probability of each table lookup: 2^-40 (the default, as Concrete ML), 2**-40 or 1e-12.")
    var pError: String?

    @Option(name: .customLong("global-p-error"), help: "Failure probability of the whole circuit (instead of --p-error).")
    var globalPError: String?

    @Option(name: .customLong("max-key-mb"), help: ArgumentHelp(
        "Budget for the evaluation keys the client sends (seeded), in MB.",
        discussion: "The search then picks the cheapest parameters whose keys fit, trading latency for smaller keys; --verbose lists the cheapest set per shape with its keys."))
    var maxKeyMB: Double?

    @Option(name: .shortAndLong, help: "The bundle directory to write.")
    var output: String

    @Flag(help: "Replace an existing bundle at --output.")
    var force = false

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    func validate() throws {
        if !(0...16).contains(rangeMargin) {
            throw ValidationError("--range-margin must be 0...16 bits, got \(rangeMargin)")
        }
        if let maxKeyMB, !(maxKeyMB > 0 && maxKeyMB.isFinite) {
            throw ValidationError("--max-key-mb must be a positive number of megabytes, got \(maxKeyMB)")
        }
        // Every limit known before any work fails here, at once.
        do {
            try ModelCompilation.checkBeforeWork(options: try compileOptions(), fheOptions: try fheOptions())
        } catch let error as CompileOptionError {
            throw ValidationError(error.description)
        }
    }

    func compileOptions() throws -> CompileOptions {
        var options = CompileOptions()
        options.bits = try QuantizationBits(parsing: nBits)
        if let roundingThresholdBits {
            options.rounding = try RoundingThreshold.parse(roundingThresholdBits, method: roundingMethod.rawValue, tolerance: autoTolerance)
        }
        options.importQAT = qat
        options.reduceSumCopy = reduceSumCopy
        options.rangeMargin = rangeMargin
        if let inputEncryption {
            let statuses = inputEncryption.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            options.inputsEncryption = statuses.compactMap(InputEncryption.init(rawValue:))
            if options.inputsEncryption!.count != statuses.count {
                _ = try InputEncryption.validate(statuses, inputCount: statuses.count)
            }
        }
        return options
    }

    func fheOptions() throws -> FHEOptions {
        FHEOptions(errorProbability: try pError.map { try ErrorProbability.parse($0, option: "--p-error") },
                   globalErrorProbability: try globalPError.map { try ErrorProbability.parse($0, option: "--global-p-error") },
                   maximalSeededKeyBytes: maxKeyMB.map { Int($0 * 1e6) })
    }

    func run() throws {
        let lowered = try ModelCompilation.compile(
            modelPath: model, inputsetPath: inputset, options: try compileOptions(), fheOptions: try fheOptions(), bundlePath: output,
            artifactsPath: artifacts, replacing: force, progress: .standardError(quiet: quiet))
        let compiled = lowered.model
        if showCircuit { print(compiled.circuit) }
        if verbose {
            print(compiled.quantizationLog.joined(separator: "\n"))
            print(compiled.report)
            print(lowered.parameters)
        }
        let keys = lowered.parameters.keySizes
        print("wrote \(output): \(compiled.circuit.tluCount) TLUs per sample, widest TLU input \(compiled.circuit.maxTLUPrecision) bits")
        if let edge = compiled.report.calibrationEdge { print(edge.summary) }
        print("parameters \(lowered.program.partitions.listDescription); evaluation keys \(keys.totalBytes / 1_000_000) MB (sent seeded: \(keys.seededTotalBytes / 1_000_000) MB)")
        print("deploy: \(output)/client (to the data owner), \(output)/server (to the operator)")
    }
}
