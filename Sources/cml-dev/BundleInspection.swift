// `cml-dev inspect BUNDLE`: what `cml-dev compile --verbose` printed when it wrote the bundle —
// quantization decisions, precision per layer, TLU count, parameter sets and per-group error
// probabilities, key sizes — plus the manifests' versions and hashes and an estimated latency.
import FHECompiler
import FHECore
import Foundation

/// The report on a compiled bundle directory.
struct BundleInspection: Codable {
    /// An estimate of the encrypted latency of one sample: each partition's TLUs times its KS+PBS time measured on
    /// this machine's kernels (`PBSTiming`).
    struct LatencyEstimate: Codable {
        /// Milliseconds of one keyswitch + PBS per partition, single thread.
        var millisecondsPerTLU: [Double]
        /// Σ TLUs × ms per TLU, one core.
        var secondsPerSampleOneCore: Double
        /// Cores the TLUs of one layer are spread over (this machine's).
        var cores: Int
        /// The one-core figure divided by the cores: a lower bound, layers run one after another.
        var secondsPerSample: Double
        /// How the figure was made.
        var basis: String
    }

    var bundle: String
    var modelName: String
    /// The top manifest as written (format, tool and wire versions, key-layout hash, file hashes).
    var manifest: BundleManifest
    /// What does not match between the manifests, hashes and specs (empty: the bundle loads).
    var integrityProblems: [String]
    var tluCount: Int
    var widestTLUInputBits: Int
    /// Parameter sets of the key layout.
    var parameterSets: [ParameterSet]
    /// The parameter search's full answer (nil for a bundle written before `parameters.json` existed).
    var parameters: CircuitParameters?
    /// Precision per ONNX node (the bit-width report).
    var layers: BitWidthReport
    var keySizes: EvaluationKeySizes
    var estimatedLatency: LatencyEstimate
    var quantizationLog: [String]

    /// Reads and checks the bundle at `path`: what it reports comes from files the manifest hashes.
    /// - Throws: `BundleError` when the circuit, program or parameters are not what the manifest hashes (changed
    ///   since compile, or a bundle written before they were hashed), `CompileOptionError` for no bundle at all.
    static func inspect(path: String) throws -> BundleInspection {
        let root = URL(fileURLWithPath: path)
        let manifestURL = root.appendingPathComponent(BundleManifest.fileName)
        guard let manifestData = try? Data(contentsOf: manifestURL),
              let manifest = try? JSONDecoder().decode(BundleManifest.self, from: manifestData) else {
            throw CompileOptionError(option: "BUNDLE", "no readable \(manifestURL.path): not a bundle written by cml-dev compile")
        }
        let model = try ModelCompilation.load(bundlePath: path)
        let program = try ModelCompilation.loadProgram(bundlePath: path)
        let parameters = try ModelCompilation.loadParameters(bundlePath: path)
        var problems: [String] = []
        var modelName = ""
        do {
            let server = try ServerBundle.load(from: root.appendingPathComponent("server"))
            modelName = server.spec.modelName
            _ = try ClientBundle.load(from: root.appendingPathComponent("client"))
        } catch {
            problems.append("\(error)")
        }
        let sets = parameters?.partitions.map(\.parameters) ?? [program.parameters]
        let tluCounts = parameters?.partitions.map(\.tluCount) ?? [model.circuit.tluCount]
        let msPerTLU = sets.map { PBSTiming.cachedMeasurement($0).milliseconds }
        let oneCore = zip(tluCounts, msPerTLU).map { Double($0) * $1 }.reduce(0, +) / 1000
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let latency = LatencyEstimate(
            millisecondsPerTLU: msPerTLU, secondsPerSampleOneCore: oneCore, cores: cores, secondsPerSample: oneCore / Double(cores),
            basis: "KS+PBS measured on this machine (\(PBSTiming.cpuModel), \(InstructionSet.active) kernels; cached in \(PBSTiming.cacheURL.path))")
        return BundleInspection(
            bundle: path, modelName: modelName, manifest: manifest, integrityProblems: problems,
            tluCount: model.circuit.tluCount, widestTLUInputBits: model.circuit.maxTLUPrecision, parameterSets: sets,
            parameters: parameters, layers: model.report,
            keySizes: parameters?.keySizes ?? EvaluationKeySizes(for: program.parameters), estimatedLatency: latency,
            quantizationLog: model.quantizationLog)
    }

    /// Pretty, key-sorted JSON.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The text `compile --verbose` prints, then versions, hashes and the latency estimate.
    var text: String {
        var lines = quantizationLog
        lines.append(layers.description)
        if let parameters {
            lines.append(parameters.description)
        } else {
            lines.append("(no \(ModelCompilation.parametersJSONFile): per-group error probabilities need a bundle compiled by this version)")
        }
        let mb = 1_000_000
        lines.append("bundle \(bundle) (model '\(modelName)'): \(tluCount) TLUs per sample, widest TLU input \(widestTLUInputBits) bits")
        lines.append("parameters \(parameterSets.listDescription); evaluation keys "
                     + "\(keySizes.totalBytes / mb) MB (sent seeded: \(keySizes.seededTotalBytes / mb) MB)")
        lines.append(String(format: "estimated latency: %.2f s per sample on %d cores (%.2f s on one; %@ ms per TLU; %@)",
                            estimatedLatency.secondsPerSample, estimatedLatency.cores, estimatedLatency.secondsPerSampleOneCore,
                            estimatedLatency.millisecondsPerTLU.map { String(format: "%.1f", $0) }.joined(separator: ", "),
                            estimatedLatency.basis))
        lines.append("manifest: format \(manifest.formatVersion), written by cml \(manifest.toolVersion), wire format \(manifest.wireFormatVersion), "
                     + "key-layout hash \(manifest.keyLayoutHash)")
        for (file, hash) in manifest.files.sorted(by: { $0.key < $1.key }) { lines.append("  \(file)  \(hash)") }
        lines.append(integrityProblems.isEmpty ? "integrity: manifests, hashes and specs match"
                     : "integrity problems:\n" + integrityProblems.map { "  \($0)" }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}
