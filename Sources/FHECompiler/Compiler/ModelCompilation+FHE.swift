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

    /// Lowers `model` onto TFHE and writes the deployable parts (`manifest`, `client/`, `server/`) and, for
    /// the developer, `program.json`, `parameters.txt` and `parameters.json` into the bundle.
    @discardableResult
    public static func writeProgram(for model: CompiledModel, options: FHEOptions, to path: String,
                                    modelName: String = "model") throws -> FHECompiledModel {
        var lowered = try FHELowering.lower(model, options: options)
        lowered.parameters.alternatives = FHELowering.alternativeShapes(model.circuit, chosen: lowered.parameters, options: options)
        try lowered.writeBundle(to: URL(fileURLWithPath: path), modelName: modelName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(lowered.program).write(to: URL(fileURLWithPath: "\(path)/\(programFile)"))
        try (lowered.parameters.description + "\n").write(toFile: "\(path)/\(parametersFile)", atomically: true, encoding: .utf8)
        try encoder.encode(lowered.parameters).write(to: URL(fileURLWithPath: "\(path)/\(parametersJSONFile)"))
        return lowered
    }

    /// Loads the program written by `writeProgram`.
    public static func loadProgram(bundlePath: String) throws -> FHEProgram {
        let url = URL(fileURLWithPath: "\(bundlePath)/\(programFile)")
        guard let data = try? Data(contentsOf: url) else {
            throw CompileOptionError(option: "bundle", "no \(programFile) in '\(bundlePath)': compile the model again with this version")
        }
        do { return try JSONDecoder().decode(FHEProgram.self, from: data) } catch {
            throw CompileOptionError(option: "bundle", "\(url.path) is not an FHE program: \(error)")
        }
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
