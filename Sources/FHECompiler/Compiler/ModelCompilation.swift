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

    /// Reads the model and input set, compiles, writes the bundle (and artifacts when asked).
    @discardableResult
    public static func compile(modelPath: String, inputsetPath: String, options: CompileOptions, bundlePath: String,
                               artifactsPath: String? = nil) throws -> CompiledModel {
        let graph = try ONNXImporter.importModel(path: modelPath)
        let calibration = try inputs(for: graph.inputs.map(\.name), path: inputsetPath)
        let model = try Compiler.compile(graph: graph, calibration: calibration, options: options)
        try write(model, to: bundlePath)
        if let artifactsPath {
            let files = [
                ("graph.txt", describe(graph)),
                ("quantized_graph.txt", model.quantizationLog.joined(separator: "\n")),
                ("circuit.txt", model.circuit.description),
                ("report.txt", model.report.description),
            ]
            try FileManager.default.createDirectory(atPath: artifactsPath, withIntermediateDirectories: true)
            for (name, text) in files { try (text + "\n").write(toFile: "\(artifactsPath)/\(name)", atomically: true, encoding: .utf8) }
        }
        return model
    }

    /// Writes `circuit.json`, `quantizers.json` and `report.txt` into `path` (created if needed).
    public static func write(_ model: CompiledModel, to path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(model).write(to: URL(fileURLWithPath: "\(path)/\(circuitFile)"))
        let spec = QuantizerSpecification(inputNames: model.inputNames, inputQuantizers: model.inputQuantizers,
                                          outputNames: model.outputNames, outputQuantizers: model.outputQuantizers)
        try encoder.encode(spec).write(to: URL(fileURLWithPath: "\(path)/\(quantizersFile)"))
        try (model.report.description + "\n").write(toFile: "\(path)/\(reportFile)", atomically: true, encoding: .utf8)
    }

    /// Loads a bundle written by `write`.
    public static func load(bundlePath: String) throws -> CompiledModel {
        let url = URL(fileURLWithPath: "\(bundlePath)/\(circuitFile)")
        guard let data = try? Data(contentsOf: url) else {
            throw CompileOptionError(option: "bundle", "no \(circuitFile) in '\(bundlePath)'")
        }
        do { return try JSONDecoder().decode(CompiledModel.self, from: data) } catch {
            throw CompileOptionError(option: "bundle", "\(url.path) is not a compiled model: \(error)")
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
            throw CompileOptionError(option: "inputs", "'\(path)' holds \(arrays.map(\.name)); the model needs \(names)")
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
