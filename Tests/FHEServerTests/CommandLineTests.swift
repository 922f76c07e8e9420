import FHECompiler
import FHECore
import Foundation
import Testing

/// The built executables (`cml-dev`, `cml-client`, `cml-server`, `client-example`) on the main job's
/// model lowered onto an insecure toy parameter set (fast keygen and PBS): every path a user takes ends
/// with the same numbers as `cml-dev run --fhe disable`, and the usual mistakes get errors that say
/// what is wrong. `swift build` / `swift test` build the executables next to the test bundle.
@Suite(.serialized) struct CommandLineTests {
    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static let inputs = ModelRoundTripTests.fixtures.appendingPathComponent("mlp_input.npy").path

    /// What a finished command left.
    struct Outcome {
        let status: Int32
        /// stdout and stderr, interleaved.
        let output: String
    }

    /// Runs `tool arguments` with $CML_PASSPHRASE set to `passphrase` (unset when nil) and `environment` added.
    static func run(_ tool: String, _ arguments: [String], passphrase: String? = "toy passphrase",
                    environment: [String: String] = [:]) async throws -> Outcome {
        let process = try launch(tool, arguments, passphrase: passphrase, environment: environment)
        // Polled rather than waited on, so that no thread of the cooperative pool blocks (the in-process
        // tests' servers need it).
        while process.process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return Outcome(status: process.process.terminationStatus, output: process.output())
    }

    /// A started process whose output goes to a file.
    final class Launched: @unchecked Sendable {
        let process = Process()
        let log: URL
        init(log: URL) { self.log = log }
        func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    }

    static func launch(_ tool: String, _ arguments: [String], passphrase: String?, environment extra: [String: String] = [:]) throws -> Launched {
        let executable = binaries.appendingPathComponent(tool)
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "\(executable.path) not built: run swift build first")
        let launched = Launched(log: FileManager.default.temporaryDirectory.appendingPathComponent("cml-cli-\(UUID().uuidString).log"))
        FileManager.default.createFile(atPath: launched.log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: launched.log)
        launched.process.executableURL = executable
        launched.process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["CML_PASSPHRASE"] = passphrase
        environment["CML_TOKEN"] = nil
        environment.merge(extra) { $1 }
        launched.process.environment = environment
        launched.process.standardOutput = handle
        launched.process.standardError = handle
        launched.process.standardInput = FileHandle.nullDevice
        try launched.process.run()
        return launched
    }

    /// The torch MLP compiled as the main job compiles it (3 bits, exact rounding to 3), with the 128-bit set
    /// swapped for a toy one (`extraBits` more than needed, to make a second, incompatible bundle).
    static func writeToyBundle(to directory: URL, extraBits: Int = 0) throws {
        let graph = try ONNXImporter.importModel(path: ModelRoundTripTests.fixtures.appendingPathComponent("mlp.onnx").path)
        let calibration = try NumPyFormat.readArrays(path: inputs).map(\.tensor)
        var options = CompileOptions()
        options.bits = QuantizationBits(bits: 3)
        options.rounding = try RoundingThreshold.make(bits: 3)
        let model = try Compiler.compile(graph: graph, calibration: calibration, options: options)
        var lowered = try FHELowering.lower(model)
        lowered.program.parameters = .insecureToy(bits: (lowered.program.precisions.max() ?? 1) + extraBits)
        try ModelCompilation.write(model, to: directory.path)
        try lowered.writeBundle(to: directory, modelName: "mlp")
    }

    /// A bundle and its keys (from `cml-client keygen`) in a fresh directory.
    static func prepare() async throws -> URL {
        let directory = ServerTests.temporaryDirectory()
        try writeToyBundle(to: directory.appendingPathComponent("bundle"))
        let keygen = try await run("cml-client", ["keygen", "--bundle", "\(directory.path)/bundle/client", "--out", "\(directory.path)/keys"])
        #expect(keygen.status == 0, "\(keygen.output)")
        return directory
    }

    /// `cml-dev run BUNDLE --fhe disable` on the inputs, read back.
    static func clearOutputs(_ directory: URL) async throws -> [Double] {
        let clear = try await run("cml-dev", ["run", "\(directory.path)/bundle", "--input", inputs, "--fhe", "disable", "-o", "\(directory.path)/clear.npy"])
        #expect(clear.status == 0, "\(clear.output)")
        return try NumPyFormat.readArrays(path: "\(directory.path)/clear.npy")[0].tensor.values
    }

    @Test func encryptServerRunDecryptEqualsClear() async throws {
        let directory = try await Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let d = directory.path
        let encrypt = try await Self.run("cml-client", ["encrypt", "--keys", "\(d)/keys", "--input", Self.inputs, "-o", "\(d)/q.cml"])
        #expect(encrypt.status == 0, "\(encrypt.output)")
        let evaluate = try await Self.run("cml-server", ["run", "\(d)/bundle/server", "--eval-keys", "\(d)/keys/evaluation-keys.cml",
                                                         "--input", "\(d)/q.cml", "-o", "\(d)/r.cml"], passphrase: nil)
        #expect(evaluate.status == 0, "\(evaluate.output)")
        let decrypt = try await Self.run("cml-client", ["decrypt", "--keys", "\(d)/keys", "--input", "\(d)/r.cml", "-o", "\(d)/y.npy"])
        #expect(decrypt.status == 0, "\(decrypt.output)")
        let decrypted = try NumPyFormat.readArrays(path: "\(d)/y.npy")[0].tensor
        let batch = try NumPyFormat.readArrays(path: Self.inputs)[0].tensor.shape[0]
        #expect(decrypted.shape == [batch, 3])
        #expect(decrypted.values == (try await Self.clearOutputs(directory)))
    }

    @Test func predictAndClientExampleAgainstServeEqualClear() async throws {
        let directory = try await Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let d = directory.path
        // The operator makes a token (printed once) and serves, asking for tokens (the default).
        let create = try await Self.run("cml-server", ["token", "create", "--store", "\(d)/store", "--name", "test"], passphrase: nil)
        let token = try #require(create.output.split(separator: "\n").first { $0.hasPrefix("cml_") }.map(String.init), "\(create.output)")
        let server = try Self.launch("cml-server", ["serve", "\(d)/bundle/server", "--port", "0", "--key-store", "\(d)/store"], passphrase: nil)
        defer { if server.process.isRunning { server.process.terminate() } }
        var base: String?
        for _ in 0..<300 where base == nil {
            if let match = server.output().firstMatch(of: /on (http:\/\/127\.0\.0\.1:\d+)/) { base = String(match.1) }
            try await Task.sleep(for: .milliseconds(50))
        }
        let url = try #require(base, "cml-server serve did not say where it listens: \(server.output())")
        let clear = try await Self.clearOutputs(directory)

        let anonymous = try await Self.run("cml-client", ["predict", "--server", url, "--keys", "\(d)/keys", "--input", Self.inputs, "-o", "\(d)/y.npy"])
        #expect(anonymous.status != 0 && anonymous.output.contains("server.missing_token"), "\(anonymous.output)")
        let predict = try await Self.run("cml-client", ["predict", "--server", url, "--token", token, "--keys", "\(d)/keys",
                                                        "--input", Self.inputs, "-o", "\(d)/y.npy"])
        #expect(predict.status == 0, "\(predict.output)")
        #expect(predict.output.contains("uploading evaluation keys"))
        #expect(try NumPyFormat.readArrays(path: "\(d)/y.npy")[0].tensor.values == clear)

        // The embedding example: its own keys, one "name[i] = value" line per output value.
        let example = try await Self.run("client-example", ["\(d)/bundle/client", url, Self.inputs], passphrase: nil,
                                         environment: ["CML_TOKEN": token])
        #expect(example.status == 0, "\(example.output)")
        let values = example.output.split(separator: "\n").compactMap { $0.split(separator: " = ").last.flatMap { Double($0) } }
        #expect(values == clear)

        // A second upload-free prediction ($CML_TOKEN this time) reuses the stored keys; SIGTERM shuts the server down cleanly.
        let again = try await Self.run("cml-client", ["predict", "--server", url, "--keys", "\(d)/keys", "--input", Self.inputs, "-o", "\(d)/y2.npy"],
                                       environment: ["CML_TOKEN": token])
        #expect(again.status == 0 && !again.output.contains("uploading"), "\(again.output)")
        server.process.terminate()
        while server.process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.process.terminationStatus == 0, "\(server.output())")
    }

    @Test func mistakesGetErrorsThatSayWhatIsWrong() async throws {
        let directory = try await Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let d = directory.path
        let encrypt = try await Self.run("cml-client", ["encrypt", "--keys", "\(d)/keys", "--input", Self.inputs, "-o", "\(d)/q.cml"])
        #expect(encrypt.status == 0, "\(encrypt.output)")

        let wrongPassphrase = try await Self.run("cml-client", ["encrypt", "--keys", "\(d)/keys", "--input", Self.inputs, "-o", "\(d)/q2.cml"],
                                                 passphrase: "not the passphrase")
        #expect(wrongPassphrase.status != 0 && wrongPassphrase.output.contains("client.wrong_passphrase"), "\(wrongPassphrase.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(d)/q2.cml"))

        let missingInput = try await Self.run("cml-client", ["encrypt", "--keys", "\(d)/keys", "--input", "\(d)/absent.npy", "-o", "\(d)/q2.cml"])
        #expect(missingInput.status != 0 && missingInput.output.contains("\(d)/absent.npy"), "\(missingInput.output)")

        let missingKeys = try await Self.run("cml-client", ["decrypt", "--keys", "\(d)/absent-keys", "--input", "\(d)/q.cml", "-o", "\(d)/y.npy"])
        #expect(missingKeys.status != 0 && missingKeys.output.contains("client.no_secret_key")
                && missingKeys.output.contains("cml-client keygen"), "\(missingKeys.output)")

        // A bundle compiled for other parameters: its server refuses these keys and batches, naming the hash.
        try Self.writeToyBundle(to: directory.appendingPathComponent("other"), extraBits: 1)
        let mismatched = try await Self.run("cml-server", ["run", "\(d)/other/server", "--eval-keys", "\(d)/keys/evaluation-keys.cml",
                                                           "--input", "\(d)/q.cml", "-o", "\(d)/r.cml"], passphrase: nil)
        #expect(mismatched.status != 0 && mismatched.output.contains("keyLayoutHash"), "\(mismatched.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(d)/r.cml"))

        // Decrypting the (seeded) input batch as if it were a result: the wire field is named.
        let notAResult = try await Self.run("cml-client", ["decrypt", "--keys", "\(d)/keys", "--input", "\(d)/q.cml", "-o", "\(d)/y.npy"])
        #expect(notAResult.status != 0 && notAResult.output.contains("batch.tensors[0].values"), "\(notAResult.output)")
    }

    /// Inputs ten times the input set's: `run --fhe disable` gives every output and lists the overflows (exit 0),
    /// `--on-overflow error` stops naming the operation, and `compile` said the input set reaches the edge.
    @Test func runGivesEveryOutputBeyondTheInputSet() async throws {
        let directory = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let d = directory.path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let x = try NumPyFormat.readArrays(path: Self.inputs)[0].tensor
        try NumPyFormat.write([(name: "x", tensor: Tensor(shape: x.shape, elementType: .float32, values: x.values.map { $0 / 10 }))],
                              path: "\(d)/narrow.npy")
        let compile = try await Self.run("cml-dev", ["compile", ModelRoundTripTests.fixtures.appendingPathComponent("mlp.onnx").path,
                                                     "--inputset", "\(d)/narrow.npy", "--n-bits", "3", "--rounding-threshold-bits", "3", "-o", "\(d)/b"])
        #expect(compile.status == 0 && compile.output.contains("reach the top bit of an accumulator"), "\(compile.output)")
        let run = try await Self.run("cml-dev", ["run", "\(d)/b", "-i", Self.inputs, "-o", "\(d)/y.npy"])
        #expect(run.status == 0 && run.output.contains("overflow in ") && run.output.contains("left the calibrated ranges"), "\(run.output)")
        #expect(try NumPyFormat.readArrays(path: "\(d)/y.npy")[0].tensor.shape.first == x.shape.first)
        let strict = try await Self.run("cml-dev", ["run", "\(d)/b", "-i", Self.inputs, "--on-overflow", "error"])
        #expect(strict.status != 0 && strict.output.contains("overflow in ") && strict.output.contains("--on-overflow warn"), "\(strict.output)")
    }

    /// `cml-dev inspect BUNDLE` prints what `compile --verbose` printed, and its JSON carries the same
    /// figures; a tampered file shows up as an integrity problem.
    @Test func inspectBundleRepeatsVerboseCompile() async throws {
        let directory = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bundle = directory.appendingPathComponent("bundle").path
        let compile = try await Self.run("cml-dev", ["compile", ModelRoundTripTests.fixtures.appendingPathComponent("mlp.onnx").path,
                                                     "--inputset", Self.inputs, "--n-bits", "3", "--rounding-threshold-bits", "3",
                                                     "--verbose", "-o", bundle])
        #expect(compile.status == 0, "\(compile.output)")
        let verbose = try #require(compile.output.components(separatedBy: "\nwrote ").first)
        let summary = compile.output.split(separator: "\n").filter { $0.hasPrefix("parameters ") }

        let text = try await Self.run("cml-dev", ["inspect", bundle])
        #expect(text.status == 0 && text.output.hasPrefix(verbose), "\(text.output)")
        #expect(summary.count == 1 && text.output.contains(summary[0]))
        #expect(text.output.contains("estimated latency:") && text.output.contains("integrity: manifests, hashes and specs match"))

        let json = try await Self.run("cml-dev", ["inspect", bundle, "--json"])
        #expect(json.status == 0, "\(json.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(report["tluCount"] as? Int == 104)  // the main job's figure: 16 + 8 hidden TLUs plus rounding bits
        #expect(compile.output.contains("\(report["tluCount"] as? Int ?? -1) TLUs per sample"))
        let manifest = try #require(report["manifest"] as? [String: Any])
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(bundle)/manifest"))) as? [String: Any]
        #expect(manifest["keyLayoutHash"] as? String == written?["keyLayoutHash"] as? String)
        let parameters = try #require(report["parameters"] as? [String: Any])
        #expect((parameters["partitions"] as? [Any])?.count == 1)
        let keys = try #require(report["keySizes"] as? [String: Int])
        #expect(compile.output.contains("evaluation keys \(((keys["bootstrapKeyBytes"] ?? 0) + (keys["keyswitchKeyBytes"] ?? 0)) / 1_000_000) MB"))
        #expect((report["integrityProblems"] as? [Any])?.isEmpty == true)

        var spec = try Data(contentsOf: URL(fileURLWithPath: "\(bundle)/client/spec"))
        spec[spec.count / 2] ^= 1
        try spec.write(to: URL(fileURLWithPath: "\(bundle)/client/spec"))
        let tampered = try await Self.run("cml-dev", ["inspect", bundle])
        #expect(tampered.status == 0 && tampered.output.contains("integrity problems:") && tampered.output.contains("client/spec"),
                "\(tampered.output)")
    }

    /// With two parameter sets, `inspect` lists them as `compile` did (one line, sets separated by "; ").
    @Test func inspectListsSeveralParameterSetsAsCompileDid() async throws {
        let directory = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bundle = directory.appendingPathComponent("bundle").path
        let compile = try await Self.run("cml-dev", ["compile", ModelRoundTripTests.fixtures.appendingPathComponent("mlp.onnx").path,
                                                     "--inputset", Self.inputs, "--n-bits",
                                                     "op_inputs=2,op_weights=2,model_inputs=7,model_outputs=7", "-o", bundle])
        #expect(compile.status == 0, "\(compile.output)")
        let summary = compile.output.split(separator: "\n").filter { $0.hasPrefix("parameters ") }
        #expect(summary.count == 1 && summary[0].components(separatedBy: "; ").count == 3, "\(summary)")  // 2 sets, then the keys
        let text = try await Self.run("cml-dev", ["inspect", bundle])
        #expect(text.status == 0 && summary.count == 1 && text.output.contains(summary[0]), "\(text.output)")
    }
}
