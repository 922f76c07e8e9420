// Issue 5's model benchmark: each shipped benchmark model compiled at n_bits 6 with approximate rounding
// to 6 bits (Concrete ML's setting; others with --rounding-threshold-bits) (Brevitas: its own QAT quantizers), then keygen, one KS+PBS timing, encrypted execution of a
// few test samples on every core, and agreement of `execute` with `disable` on them.
import ArgumentParser
import FHECompiler
@_spi(KeyHolder) import FHECore
import Foundation

extension Main {
    /// `cml-bench models`.
    struct Models: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile the benchmark models (n_bits 6, approximate rounding) and measure keygen, keys, encrypted latency, accuracy.",
            discussion: """
                Slow: at 6 rounding bits the models need polynomial size 8192. Each model and rounding is time-boxed: \
                when TLUs × (measured ms per KS+PBS) / cores × samples exceeds --max-seconds, the encrypted \
                run is skipped and that estimate is reported instead (marked 'est.').
                """)

        @Option(help: "Encrypted test samples per model.")
        var samples = 1

        @Option(help: "Comma-separated model names (files <name>.onnx, <name>_calibration.npy, <name>_test_x.npy, <name>_test_y.npy).")
        var models = ModelBenchmark.defaultModels.joined(separator: ",")

        @Option(help: "Folder holding the model files.", completion: .directory)
        var fixtures = "Tests/FHECompilerTests/Fixtures/models"

        @Option(help: "Time box per model for the encrypted samples, in seconds.")
        var maxSeconds = 600.0

        @Option(help: "Comma-separated accumulator rounding bits (approximate) to compile each model at; 6 is Concrete ML's benchmark setting.")
        var roundingThresholdBits = "6"

        /// The parsed `--rounding-threshold-bits` list.
        var roundings: [Int] {
            roundingThresholdBits.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }

        func validate() throws {
            guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
            guard maxSeconds > 0 else { throw ValidationError("--max-seconds must be positive, got \(maxSeconds)") }
            let parts = roundingThresholdBits.split(separator: ",")
            guard !parts.isEmpty, roundings.count == parts.count, roundings.allSatisfy({ (2...8).contains($0) }) else {
                throw ValidationError("--rounding-threshold-bits takes comma-separated integers in 2...8, got '\(roundingThresholdBits)'")
            }
        }

        func run() throws {
            var results: [ModelBenchmark.Result] = []
            for name in models.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                for rounding in roundings {
                    results.append(try ModelBenchmark.run(
                        name: name, fixtures: URL(fileURLWithPath: fixtures), roundingBits: rounding, samples: samples,
                        maxSeconds: maxSeconds) {
                            // Unbuffered, so that progress shows up at once also when piped to a file.
                            FileHandle.standardOutput.write(Data(($0 + "\n").utf8))
                        }
                    )
                }
            }
            print(ModelBenchmark.table(results))
        }
    }
}

/// Compile + keygen + encrypted execution of one model, timed.
enum ModelBenchmark {
    /// The three models of issue 5, shipped in Tests/FHECompilerTests/Fixtures/models.
    static let defaultModels = ["breast_cancer_mlp", "digits_cnn", "digits_brevitas_mlp"]

    /// One model's figures.
    struct Result {
        var name: String
        /// Accumulator bits kept by the approximate rounding.
        var roundingBits: Int
        var tluCount: Int
        /// The parameter sets, one per partition (`listDescription`).
        var parameters: String
        var keygenSeconds: Double
        var keySizes: EvaluationKeySizes
        /// Single-thread KS+PBS at the model's parameters (median of 3).
        var millisecondsPerTLU: Double
        /// Measured encrypted seconds per sample, or the estimate when the time box skipped execution.
        var secondsPerSample: Double
        var measured: Bool
        /// Encrypted samples run (0 when skipped).
        var samples: Int
        /// Samples whose integer outputs under encryption equal the clear circuit's, and whose top-1 class does.
        var equalOutputs: Int
        var equalTop1: Int
        /// Top-1 accuracy against the labels: the clear circuit on every test sample, and on the encrypted samples.
        var clearAccuracy: Double
        var clearTestCount: Int
        var executeAccuracy: Double?
    }

    /// Runs the benchmark of model `name`, printing progress to `log`.
    /// - Throws: import, compile and parameter-search errors.
    static func run(name: String, fixtures: URL, roundingBits: Int, samples: Int, maxSeconds: Double,
                    log: (String) -> Void) throws -> Result {
        let clock = ContinuousClock()
        func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18 }
        func file(_ suffix: String) -> String { fixtures.appendingPathComponent(name + suffix).path }

        log("== \(name): compiling (n_bits 6, rounding \(roundingBits) approximate\(name.contains("brevitas") ? ", QAT quantizers" : ""))")
        let graph = try ONNXImporter.importModel(path: file(".onnx"))
        let calibration = try NumPyFormat.readArrays(path: file("_calibration.npy")).map(\.tensor)
        let x = try NumPyFormat.readArrays(path: file("_test_x.npy"))[0].tensor
        let labels = try NumPyFormat.readArrays(path: file("_test_y.npy"))[0].tensor.values.map { Int($0) }
        var options = CompileOptions()
        options.bits = QuantizationBits(bits: 6)
        options.rounding = try RoundingThreshold.make(bits: roundingBits, method: .approximate)
        options.importQAT = name.contains("brevitas")
        let model = try Compiler.compile(graph: graph, calibration: [calibration[0]], options: options)
        let lowered = try FHELowering.lower(model)
        let program = lowered.program
        let tlus = model.circuit.tluCount
        let sets = program.partitions.listDescription
        log("   \(tlus) TLUs per sample, widest TLU input \(model.circuit.maxTLUPrecision) bits, \(sets)")

        // The clear circuit on the whole test set (test rows may leave the calibrated ranges: no overflow check).
        let clear = ClearEvaluator(checksOverflow: false)
        let clearAll = try clear.evaluate(model.circuit, inputs: model.quantizeInputs([x]))[0]
        let clearAccuracy = accuracy(model.dequantizeOutputs([clearAll])[0], labels: labels)

        log("   keygen…")
        let keygenStart = clock.now
        let secret = PartitionedSecretKeys(layout: program.keyLayout)
        let keys = secret.evaluationKeys()
        let keygen = seconds(clock.now - keygenStart)
        log(String(format: "   keygen %.1f s, evaluation keys %.0f MB (seeded %.0f MB)", keygen,
                   Double(lowered.parameters.keySizes.totalBytes) / 1e6, Double(lowered.parameters.keySizes.seededTotalBytes) / 1e6))

        // The per-TLU figure is taken on the costliest set (its own keys, not timed as keygen).
        let costliest = program.partitions.max { CostModel.tlu(for: $0) < CostModel.tlu(for: $1) }!
        let probe = SecretKeys(parameters: costliest)
        let msPerTLU = measureTLU(secret: probe, keys: probe.evaluationKeys(), bits: model.circuit.maxTLUPrecision) * 1000
        let estimate = Double(tlus) * msPerTLU / 1000 / Double(Parallel.workerCount)
        log(String(format: "   KS+PBS %.1f ms (one thread, lockstep batch); estimate %.1f s per sample on %d cores", msPerTLU, estimate, Parallel.workerCount))

        var result = Result(name: name, roundingBits: roundingBits, tluCount: tlus, parameters: sets, keygenSeconds: keygen,
                            keySizes: lowered.parameters.keySizes, millisecondsPerTLU: msPerTLU, secondsPerSample: estimate,
                            measured: false, samples: 0, equalOutputs: 0, equalTop1: 0, clearAccuracy: clearAccuracy,
                            clearTestCount: labels.count, executeAccuracy: nil)
        guard estimate * Double(samples) <= maxSeconds else {
            log(String(format: "   skipping the encrypted run: about %.0f s > --max-seconds %.0f; reporting the estimate", estimate * Double(samples), maxSeconds))
            return result
        }
        let evaluator = EncryptedEvaluator(program: program, keys: keys)
        let count = min(samples, x.shape[0])
        let quantized = model.quantizeInputs([x.slice(rows: 0..<count)])
        let encoding = program.inputEncodings[0]
        var evaluation = 0.0, correct = 0
        for sample in 0..<count {
            let per = encoding.elementCount
            let values = Array(quantized[0].values[sample * per..<(sample + 1) * per])
            let argument: CircuitArgument = encoding.isEncrypted ? .encrypted(secret.encrypt(values, input: 0, of: program)) : .clear(values)
            let start = clock.now
            let outputs = try evaluator.evaluate([argument])
            let elapsed = seconds(clock.now - start)
            evaluation += elapsed
            let encrypted: [Int64] = switch outputs[0] {
            case .encrypted(let list): secret.decrypt(list, output: 0, of: program)
            case .clear(let values): values
            }
            let reference = try clear.evaluate(model.circuit, inputs: [IntTensor(shape: [1] + encoding.shape, values: values)])[0].values
            let top1 = argmax(model.dequantizeOutputs([IntTensor(shape: [1, encrypted.count], values: encrypted)])[0].values)
            let clearTop1 = argmax(model.dequantizeOutputs([IntTensor(shape: [1, reference.count], values: reference)])[0].values)
            result.equalOutputs += encrypted == reference ? 1 : 0
            result.equalTop1 += top1 == clearTop1 ? 1 : 0
            correct += top1 == labels[sample] ? 1 : 0
            log(String(format: "   sample %d/%d: %.2f s, class %d (clear %d, label %d)", sample + 1, count, elapsed, top1, clearTop1, labels[sample]))
        }
        result.measured = true
        result.samples = count
        result.secondsPerSample = evaluation / Double(count)
        result.executeAccuracy = Double(correct) / Double(count)
        return result
    }

    /// Seconds per KS+PBS on one thread (identity table at `bits`), amortized over one lockstep batch of the
    /// engine's preferred size (as the evaluator runs a layer's TLUs), median of three.
    static func measureTLU(secret: SecretKeys, keys: EvaluationKeys, bits: Int) -> Double {
        let parameters = keys.parameters
        let table = LookupTable(inputBits: bits, outputBits: bits, polynomialSize: parameters.polynomialSize) { $0 }
        let batch = BootstrapScratch.preferredBatchSize(parameters)
        let inputs = LWECiphertextList((0..<batch).map { _ in secret.encrypt(1, bits: bits) }, lweDimension: parameters.bigLWEDimension)
        let scratches = BootstrapScratch.batch(batch, parameters: parameters)
        var outputs = LWECiphertextList(lweDimension: parameters.bigLWEDimension, count: batch)
        let times = (0..<3).map { _ in
            let start = PBSBenchmark.threadCPUSeconds()
            inputs.data.withUnsafeBufferPointer { i in
                outputs.data.withUnsafeMutableBufferPointer { o in
                    Bootstrap.programmableBatch(i.baseAddress!, count: batch, lookupTable: { _ in table }, keys: keys,
                                                scratches: scratches[...], into: o.baseAddress!)
                }
            }
            return (PBSBenchmark.threadCPUSeconds() - start) / Double(batch)
        }
        return times.sorted()[1]
    }

    /// Index of the largest value.
    static func argmax(_ values: [Double]) -> Int {
        values.indices.max { values[$0] < values[$1] } ?? 0
    }

    /// Top-1 accuracy of `outputs` ([samples, classes]) against `labels`.
    static func accuracy(_ outputs: Tensor, labels: [Int]) -> Double {
        let classes = outputs.shape.last ?? 1
        let rows = outputs.values.count / classes
        let correct = (0..<rows).filter { argmax(Array(outputs.values[$0 * classes..<($0 + 1) * classes])) == labels[$0] }.count
        return Double(correct) / Double(max(rows, 1))
    }

    /// The README table.
    static func table(_ results: [Result]) -> String {
        var lines = ["| model | rounding | TLUs | parameters | keygen (s) | eval keys full / seeded (MB) | ms per KS+PBS (1 thread, batched) | s per sample (\(Parallel.workerCount) cores) | execute = disable (outputs / top-1) | accuracy clear (all test) / execute |",
                     "|---|---|---|---|---|---|---|---|---|---|"]
        for r in results {
            let latency = String(format: r.measured ? "%.2f" : "%.1f (est.)", r.secondsPerSample)
            let agreement = r.measured ? "\(r.equalOutputs)/\(r.samples) / \(r.equalTop1)/\(r.samples)" : "not run"
            let execute = r.executeAccuracy.map { String(format: "%.2f (%d)", $0, r.samples) } ?? "-"
            lines.append(String(format: "| %@ | %d | %d | %@ | %.1f | %.0f / %.0f | %.1f | %@ | %@ | %.3f (%d) / %@ |",
                                r.name, r.roundingBits, r.tluCount, r.parameters, r.keygenSeconds,
                                Double(r.keySizes.totalBytes) / 1e6, Double(r.keySizes.seededTotalBytes) / 1e6, r.millisecondsPerTLU,
                                latency, agreement, r.clearAccuracy, r.clearTestCount, execute))
        }
        return lines.joined(separator: "\n")
    }
}
