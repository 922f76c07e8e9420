// `fhe="simulate"` and `fhe="execute"` for a compiled bundle, and the FHE part of the bundle.
@_spi(KeyHolder) import FHECore
import Foundation

extension ModelCompilation {
    /// The lowered program (circuit + encodings + parameter set), JSON.
    public static let programFile = "program.json"
    /// The parameter search's choice and figures, text.
    public static let parametersFile = "parameters.txt"
    /// The same as JSON (`CircuitParameters`), for `cml-dev inspect BUNDLE`.
    public static let parametersJSONFile = "parameters.json"

    /// Writes the developer's files of a lowered model into the bundle directory `path`: `program.json`,
    /// `parameters.txt` and `parameters.json` (the deployable parts are `writeBundle`'s).
    public static func writeProgram(_ lowered: FHECompiledModel, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileOutput.write(try encoder.encode(lowered.program), to: URL(fileURLWithPath: "\(path)/\(programFile)"), replacing: true)
        try FileOutput.write(Data((lowered.parameters.description + "\n").utf8), to: URL(fileURLWithPath: "\(path)/\(parametersFile)"),
                             replacing: true)
        try FileOutput.write(try encoder.encode(lowered.parameters), to: URL(fileURLWithPath: "\(path)/\(parametersJSONFile)"),
                             replacing: true)
    }

    /// Loads the program of a bundle, if the bundle's manifest covers it unchanged.
    /// - Throws: `BundleError`, `CompileOptionError`.
    public static func loadProgram(bundlePath: String) throws -> FHEProgram {
        let data = try BundleWriter.readHashedFile(programFile, inBundle: URL(fileURLWithPath: bundlePath), recompile: recompile)
        do { return try JSONDecoder().decode(FHEProgram.self, from: data) } catch {
            throw CompileOptionError(option: "BUNDLE", "\(bundlePath)/\(programFile) is not an FHE program: \(error)")
        }
    }

    /// Loads the parameter search's answer of a bundle (nil for a bundle written before `parameters.json`).
    /// - Throws: `BundleError` when the file is there but not as the manifest hashes it.
    public static func loadParameters(bundlePath: String) throws -> CircuitParameters? {
        let bundle = URL(fileURLWithPath: bundlePath)
        guard FileManager.default.fileExists(atPath: bundle.appendingPathComponent(parametersJSONFile).path) else { return nil }
        let data = try BundleWriter.readHashedFile(parametersJSONFile, inBundle: bundle, recompile: recompile)
        return try? JSONDecoder().decode(CircuitParameters.self, from: data)
    }

    /// Runs the model in simulation or under encryption (local keygen, encrypt, evaluate, decrypt), one
    /// sample at a time, printing progress to `log`.
    public static func predictFHE(_ model: CompiledModel, program: FHEProgram, inputs: [Tensor], mode: FHEMode,
                                  log: (String) -> Void = { _ in }) throws -> [Tensor] {
        let quantized = model.quantizeInputs(inputs)
        switch mode {
        case .disable:
            return model.dequantizeOutputs(try ClearEvaluator().evaluate(model.circuit, inputs: quantized))
        case .simulate:
            return model.dequantizeOutputs(try SimulatedEvaluator(program: program).evaluate(model.circuit, inputs: quantized))
        case .execute:
            let started = Date()
            let keys = PartitionedSecretKeys(layout: program.keyLayout)
            let evaluator = EncryptedEvaluator(program: program, keys: keys.evaluationKeys())
            let keygen = Date().timeIntervalSince(started)
            log(String(format: "keygen: %.2f s (%@)", keygen, program.partitions.listDescription))
            let batch = quantized.first?.shape.first ?? 0
            let inputEncodings = program.inputEncodings, outputEncodings = program.outputEncodings
            var outputs = outputEncodings.map { _ in [Int64]() }
            var evaluation = 0.0
            for b in 0..<batch {
                let arguments: [CircuitArgument] = zip(quantized, inputEncodings).enumerated().map { index, pair in
                    let (tensor, encoding) = pair
                    let per = encoding.elementCount
                    let sample = Array(tensor.values[b * per..<(b + 1) * per])
                    return encoding.isEncrypted ? .encrypted(keys.encrypt(sample, input: index, of: program)) : .clear(sample)
                }
                let t0 = Date()
                let results = try evaluator.evaluate(arguments)
                evaluation += Date().timeIntervalSince(t0)
                for (i, result) in results.enumerated() {
                    switch result {
                    case .encrypted(let list): outputs[i] += keys.decrypt(list, output: i, of: program)
                    case .clear(let values): outputs[i] += values
                    }
                }
                log(String(format: "sample %d/%d: %.2f s", b + 1, batch, Date().timeIntervalSince(t0)))
            }
            log(String(format: "execute: %d samples, %.2f s per sample (evaluation only), keygen %.2f s",
                       batch, batch > 0 ? evaluation / Double(batch) : 0, keygen))
            let tensors = zip(outputs, outputEncodings).map { IntTensor(shape: [batch] + $1.shape, values: $0) }
            return model.dequantizeOutputs(tensors)
        }
    }
}
