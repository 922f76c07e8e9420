// File-level compile and run: what `cml-dev compile` and `cml-dev run` call.
public import FHECore
import Foundation

/// The client-facing half of a compiled model: names and quantizers (no weights).
public struct QuantizerSpecification: Sendable, Codable, Equatable {
    public var inputNames: [String]
    public var inputQuantizers: [UniformQuantizer]
    public var outputNames: [String]
    public var outputQuantizers: [UniformQuantizer]
}

/// Compiles model files into bundle directories and runs bundles on NumPy files.
public enum ModelCompilation {
    /// File names inside a bundle directory (provisional format: JSON circuit and quantizers).
    public static let circuitFile = "circuit.json"
    public static let quantizersFile = "quantizers.json"
    public static let reportFile = "report.txt"

    /// What `recompile` errors tell the user to do.
    static let recompile = "compile the model again with this version (cml-dev compile MODEL --inputset … -o BUNDLE)"

    /// Reads the model and input set, quantizes, lowers onto TFHE and writes the bundle at `bundlePath` in one piece:
    /// everything goes to a temporary directory beside it that takes its place at the end, so a failed or
    /// interrupted compile leaves nothing that loads. Limits known before any work (the output, `n_bits`, the
    /// error probabilities) are checked first.
    /// - Parameters:
    ///   - replacing: whether an existing bundle at `bundlePath` may be replaced (never another kind of directory).
    ///   - progress: one line per phase with its time.
    /// - Throws: `OutputExistsError`, `CompileOptionError`, `QuantizationError`, `ParameterSearchError`, file errors.
    @discardableResult
    public static func compile(modelPath: String, inputsetPath: String, options: CompileOptions, fheOptions: FHEOptions = FHEOptions(),
                               bundlePath: String, modelName: String? = nil, artifactsPath: String? = nil, replacing: Bool = false,
                               progress: ProgressReporter = .silent) throws -> FHECompiledModel {
        let bundle = URL(fileURLWithPath: bundlePath)
        try FileOutput.checkDirectoryAvailable(bundle, replacing: replacing, isReplaceable: isBundle)
        try checkBeforeWork(options: options, fheOptions: fheOptions, paths: [("MODEL", modelPath), ("--inputset", inputsetPath)])
        let graph = try progress.phase("import \(URL(fileURLWithPath: modelPath).lastPathComponent)") {
            try ONNXImporter.importModel(path: modelPath)
        }
        let calibration = try inputs(for: graph.inputs.map(\.name), path: inputsetPath)
        let model = try progress.phase("quantize (\(calibration.first?.shape.first ?? 0) calibration samples)") {
            try Compiler.compile(graph: graph, calibration: calibration, options: options)
        }
        let lowered = try progress.phase("parameter search (\(model.circuit.tluCount) TLUs, widest \(model.circuit.maxTLUPrecision) bits)") {
            var lowered = try FHELowering.lower(model, options: fheOptions)
            lowered.parameters.alternatives = FHELowering.alternativeShapes(model.circuit, chosen: lowered.parameters, options: fheOptions)
            return lowered
        }
        try progress.phase("write \(bundlePath)") {
            try FileOutput.writeDirectory(at: bundle, replacing: replacing, isReplaceable: isBundle) { directory in
                try write(model, to: directory.path)
                try writeProgram(lowered, to: directory.path)
                try lowered.writeBundle(
                    to: directory, modelName: modelName ?? URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent)
            }
            if let artifactsPath {
                let files = [
                    ("graph.txt", describe(graph)),
                    ("quantized_graph.txt", model.quantizationLog.joined(separator: "\n")),
                    ("circuit.txt", model.circuit.description),
                    ("report.txt", model.report.description),
                ]
                try FileManager.default.createDirectory(atPath: artifactsPath, withIntermediateDirectories: true)
                for (name, text) in files {
                    try FileOutput.write(Data((text + "\n").utf8), to: URL(fileURLWithPath: "\(artifactsPath)/\(name)"), replacing: true)
                }
            }
        }
        return lowered
    }

    /// The checks that need no work, so that a compile bound to fail fails at once: encrypted values wider than
    /// programmable bootstrapping supports, error probabilities outside (0, 1), unreadable files.
    /// - Throws: `CompileOptionError` naming the flag.
    public static func checkBeforeWork(options: CompileOptions, fheOptions: FHEOptions, paths: [(option: String, path: String)] = []) throws {
        try options.bits.checkEncryptable(maximum: ParameterSearchError.maximalPrecision)
        for (flag, value) in [("--p-error", fheOptions.errorProbability), ("--global-p-error", fheOptions.globalErrorProbability)] {
            if let value, !(value > 0 && value < 1) {
                throw CompileOptionError(option: flag, "a probability must be in (0, 1), got \(value)")
            }
        }
        if fheOptions.errorProbability != nil && fheOptions.globalErrorProbability != nil {
            throw CompileOptionError(option: "--p-error", "--p-error and --global-p-error are exclusive (as in Concrete ML): set one")
        }
        for (option, path) in paths where !FileManager.default.isReadableFile(atPath: path) {
            throw CompileOptionError(option: option, "cannot read '\(path)'")
        }
    }

    /// Whether `url` holds a bundle (its manifest), the only kind of directory `compile --force` replaces.
    static func isBundle(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(BundleManifest.fileName).path)
    }

    /// Writes `circuit.json`, `quantizers.json` and `report.txt` into `path` (created if needed).
    public static func write(_ model: CompiledModel, to path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileOutput.write(try encoder.encode(model), to: URL(fileURLWithPath: "\(path)/\(circuitFile)"), replacing: true)
        let spec = QuantizerSpecification(inputNames: model.inputNames, inputQuantizers: model.inputQuantizers,
                                          outputNames: model.outputNames, outputQuantizers: model.outputQuantizers)
        try FileOutput.write(try encoder.encode(spec), to: URL(fileURLWithPath: "\(path)/\(quantizersFile)"), replacing: true)
        try FileOutput.write(Data((model.report.description + "\n").utf8), to: URL(fileURLWithPath: "\(path)/\(reportFile)"),
                             replacing: true)
    }

    /// Loads the compiled model of a bundle, if the bundle's manifest covers it unchanged.
    /// - Throws: `BundleError` (not hashed: an older bundle; changed since compile), `CompileOptionError`.
    public static func load(bundlePath: String) throws -> CompiledModel {
        let data = try BundleWriter.readHashedFile(circuitFile, inBundle: URL(fileURLWithPath: bundlePath), recompile: recompile)
        do { return try JSONDecoder().decode(CompiledModel.self, from: data) } catch {
            throw CompileOptionError(option: "BUNDLE", "\(bundlePath)/\(circuitFile) is not a compiled model: \(error)")
        }
    }

    /// Runs a bundle on the inputs in `inputPath` (.npy, or .npz by input name) and writes the outputs.
    /// With `.disable`, samples that leave the calibrated ranges still get the outputs the FHE circuit computes
    /// for them; each overflowing operation and its samples go to `log`, and `.error` throws instead.
    @discardableResult
    public static func run(bundlePath: String, inputPath: String, outputPath: String?, mode: FHEMode = .disable,
                           onOverflow: OverflowPolicy = .warn, log: (String) -> Void = { _ in }) throws -> [Tensor] {
        let model = try load(bundlePath: bundlePath)
        let x = try inputs(for: model.inputNames, path: inputPath)
        let y: [Tensor]
        if mode == .disable {
            let (outputs, overflows) = try model.predictReportingOverflow(x)
            if !overflows.isEmpty {
                let error = OverflowError(records: overflows, samples: x.first?.shape.first ?? 0)
                if onOverflow == .error { throw error }
                log(error.listing)
            }
            y = outputs
        } else {
            y = try predictFHE(model, program: loadProgram(bundlePath: bundlePath), inputs: x, mode: mode, log: log)
        }
        if let outputPath {
            try NumPyFormat.write(Array(zip(model.outputNames, y)).map { (name: $0.0, tensor: $0.1) }, path: outputPath)
        }
        return y
    }

    /// Input arrays in graph-input order, as float64.
    static func inputs(for names: [String], path: String) throws -> [Tensor] {
        let arrays = try NumPyFormat.readArrays(path: path)
        let byName = Dictionary(arrays.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        let ordered: [Tensor]
        if names.count == 1 && arrays.count == 1 {
            ordered = [arrays[0].tensor]
        } else if names.allSatisfy({ byName[$0] != nil }) {
            ordered = names.map { byName[$0]! }
        } else if arrays.count == names.count {
            ordered = arrays.map(\.tensor)  // np.savez positional members arr_0, arr_1, ...
        } else {
            throw CompileOptionError(option: "--input", "'\(path)' holds \(arrays.map(\.name)); the model needs \(names)")
        }
        return ordered.map { Tensor(shape: $0.shape, elementType: .float64, values: $0.values) }
    }

    static func describe(_ graph: Graph) -> String {
        var lines = graph.inputs.map { "input \($0.name): \($0.elementType.rawValue)\($0.shape)" }
        for node in graph.nodes {
            lines.append("\(node.outputs.joined(separator: ", ")) = \(node.domain.isEmpty ? "" : node.domain + ".")\(node.opType)(\(node.inputs.joined(separator: ", ")))  ‖ \(node.name)")
        }
        lines += graph.outputs.map { "output \($0.name): \($0.elementType.rawValue)\($0.shape)" }
        return lines.joined(separator: "\n")
    }
}
