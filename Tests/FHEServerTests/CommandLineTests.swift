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

    /// `cml-server serve` on a free port (`--no-auth` unless `arguments` says otherwise), and its URL.
    static func serve(_ bundle: String, store: String, arguments: [String] = ["--no-auth"]) async throws -> (Launched, String) {
        let server = try launch("cml-server", ["serve", bundle, "--port", "0", "--key-store", store] + arguments, passphrase: nil)
        for _ in 0..<300 {
            if let match = server.output().firstMatch(of: /on (http:\/\/127\.0\.0\.1:\d+)/) { return (server, String(match.1)) }
            try await Task.sleep(for: .milliseconds(50))
        }
        server.process.terminate()
        Issue.record("cml-server serve did not say where it listens: \(server.output())")
        throw CancellationError()
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
        let (server, url) = try await Self.serve("\(d)/bundle/server", store: "\(d)/store", arguments: [])
        defer { if server.process.isRunning { server.process.terminate() } }
        #expect(server.output().contains("with the \(InstructionSet.active) engine kernels"), "\(server.output())")
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
        #expect(mismatched.output.contains("this server evaluates model 'mlp'") && mismatched.output.contains("cml-client keygen --bundle"),
                "\(mismatched.output)")
        #expect(!mismatched.output.contains("wire.parameter_mismatch: wire.parameter_mismatch"))
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
                                                     "--verbose", "--quiet", "-o", bundle])  // stdout only
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

    static let mlp = ModelRoundTripTests.fixtures.appendingPathComponent("mlp.onnx").path

    /// Issue 18 item 2: no command replaces an output unasked, a failed compile leaves nothing that loads, an empty
    /// passphrase is refused, and `run` executes only what the manifest hashes.
    @Test func filesAreNeverLost() async throws {
        let directory = try await Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let d = directory.path
        let secret = try Data(contentsOf: URL(fileURLWithPath: "\(d)/keys/secret-keys.cml"))

        // keygen over existing keys: refused, naming the file and the way out; -o and --out both work.
        let again = try await Self.run("cml-client", ["keygen", "--bundle", "\(d)/bundle/client", "-o", "\(d)/keys"])
        #expect(again.status != 0 && again.output.contains("\(d)/keys/secret-keys.cml already exists") && again.output.contains("--force"),
                "\(again.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(d)/keys/secret-keys.cml")) == secret)
        let forced = try await Self.run("cml-client", ["keygen", "--bundle", "\(d)/bundle/client", "-o", "\(d)/keys", "--force", "--quiet"])
        #expect(forced.status == 0 && !forced.output.contains("keygen ("), "\(forced.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(d)/keys/secret-keys.cml")) != secret)

        // An empty CML_PASSPHRASE: refused by keygen and by encrypt.
        for arguments in [["keygen", "--bundle", "\(d)/bundle/client", "-o", "\(d)/keys2"],
                          ["encrypt", "--keys", "\(d)/keys", "-i", Self.inputs, "-o", "\(d)/q-empty.cml"]] {
            let empty = try await Self.run("cml-client", arguments, passphrase: "")
            #expect(empty.status != 0 && empty.output.contains("client.empty_passphrase"), "\(empty.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(d)/keys2/secret-keys.cml"))

        // encrypt / decrypt outputs.
        let encrypt = try await Self.run("cml-client", ["encrypt", "--keys", "\(d)/keys", "-i", Self.inputs, "-o", "\(d)/q.cml"])
        #expect(encrypt.status == 0, "\(encrypt.output)")
        let twice = try await Self.run("cml-client", ["encrypt", "--keys", "\(d)/keys", "-i", Self.inputs, "-o", "\(d)/q.cml"])
        #expect(twice.status != 0 && twice.output.contains("\(d)/q.cml already exists: pass --force"), "\(twice.output)")
        let replaced = try await Self.run("cml-client", ["encrypt", "--keys", "\(d)/keys", "-i", Self.inputs, "-o", "\(d)/q.cml", "--force"])
        #expect(replaced.status == 0, "\(replaced.output)")

        // compile -o over a bundle: refused; a failing compile with --force leaves the old bundle, whole.
        let bundle = "\(d)/compiled"
        let first = try await Self.run("cml-dev", ["compile", Self.mlp, "--inputset", Self.inputs, "--n-bits", "3",
                                                   "--rounding-threshold-bits", "3", "-o", bundle, "--quiet"])
        #expect(first.status == 0 && !first.output.contains("quantize ("), "\(first.output)")
        let manifest = try Data(contentsOf: URL(fileURLWithPath: "\(bundle)/manifest"))
        let over = try await Self.run("cml-dev", ["compile", Self.mlp, "--inputset", Self.inputs, "-o", bundle])
        #expect(over.status != 0 && over.output.contains("\(bundle) already exists: pass --force"), "\(over.output)")
        let failing = try await Self.run("cml-dev", ["compile", Self.mlp, "--inputset", Self.inputs, "--n-bits", "8", "-o", bundle, "--force"])
        #expect(failing.status != 0, "\(failing.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(bundle)/manifest")) == manifest)
        #expect(try FileManager.default.contentsOfDirectory(atPath: d).allSatisfy { !$0.hasPrefix(".compiled") })
        let fresh = try await Self.run("cml-dev", ["compile", Self.mlp, "--inputset", Self.inputs, "--n-bits", "8", "-o", "\(d)/never"])
        #expect(fresh.status != 0 && !FileManager.default.fileExists(atPath: "\(d)/never"), "\(fresh.output)")

        // run executes only what the manifest hashes: an edited circuit is refused, so is an older bundle.
        let circuit = URL(fileURLWithPath: "\(bundle)/circuit.json")
        let original = try Data(contentsOf: circuit)
        try (original + Data(" ".utf8)).write(to: circuit)
        let edited = try await Self.run("cml-dev", ["run", bundle, "-i", Self.inputs])
        #expect(edited.status != 0 && edited.output.contains("circuit.json: content hash") && edited.output.contains("compile the model again"),
                "\(edited.output)")
        let inspected = try await Self.run("cml-dev", ["inspect", bundle])
        #expect(inspected.status != 0 && inspected.output.contains("circuit.json: content hash"), "\(inspected.output)")
        try original.write(to: circuit)
        var old = try JSONDecoder().decode(BundleManifest.self, from: manifest)
        old.files["circuit.json"] = nil
        try old.encoded().write(to: URL(fileURLWithPath: "\(bundle)/manifest"))
        let older = try await Self.run("cml-dev", ["run", bundle, "-i", Self.inputs])
        #expect(older.status != 0 && older.output.contains("circuit.json: not covered by the manifest")
                && older.output.contains("compile the model again"), "\(older.output)")
    }

    /// Issue 18 items 3 and 8: limits fail at once, progress goes to standard error, errors and help speak the
    /// command line's language.
    @Test func failFastProgressAndVocabulary() async throws {
        let directory = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let d = directory.path
        let start = ContinuousClock.now
        let wide = try await Self.run("cml-dev", ["compile", Self.mlp, "--inputset", Self.inputs, "--n-bits", "17", "-o", "\(d)/b17"])
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(wide.status != 0 && wide.output.contains("invalid --n-bits") && wide.output.contains("at most 16 bits"), "\(wide.output)")
        let rounding = try await Self.run("cml-dev", ["compile", Self.mlp, "--inputset", Self.inputs, "--rounding-threshold-bits", "9", "-o", "\(d)/b"])
        #expect(rounding.output.contains("--rounding-threshold-bits") && !rounding.output.contains("rounding_threshold_bits"), "\(rounding.output)")
        let method = try await Self.run("cml-dev", ["compile", Self.mlp, "--inputset", Self.inputs, "--rounding-method", "truncate", "-o", "\(d)/b"])
        #expect(method.status != 0 && method.output.contains("exact") && method.output.contains("approximate"), "\(method.output)")

        // --p-error as the README writes it; the phases with their times on standard error.
        for (index, p) in ["2^-40", "2**-40", "1e-12"].enumerated() {
            let compile = try await Self.run("cml-dev", ["compile", Self.mlp, "--inputset", Self.inputs, "--n-bits", "3",
                                                         "--rounding-threshold-bits", "3", "--p-error", p, "-o", "\(d)/b\(index)"])
            #expect(compile.status == 0, "\(p): \(compile.output)")
            if index == 0 {
                for phase in ["import mlp.onnx: ", "quantize (6 calibration samples): ", "parameter search (104 TLUs, widest 3 bits): ", "write "] {
                    #expect(compile.output.contains(phase), "\(phase) in \(compile.output)")
                }
            }
        }
        let keygen = try await Self.run("cml-client", ["keygen", "--bundle", "\(d)/b0/client", "-o", "\(d)/keys"])
        #expect(keygen.status == 0 && keygen.output.contains("keygen (1 parameter set(s)): ") && keygen.output.contains("seal the secret key"),
                "\(keygen.output)")

        // A wire error in words, not a swift-protobuf case name.
        try Frame.encode(kind: .ciphertextBatch, payload: Data([0x0F, 0x00])).write(to: URL(fileURLWithPath: "\(d)/junk.cml"))
        let decrypt = try await Self.run("cml-client", ["decrypt", "--keys", "\(d)/keys", "-i", "\(d)/junk.cml", "-o", "\(d)/y.npy"])
        #expect(decrypt.status != 0 && decrypt.output.contains("wire.malformed_payload") && decrypt.output.contains("not protobuf fields")
                && !decrypt.output.contains("malformedProtobuf"), "\(decrypt.output)")

        // inspect MODEL refuses what compile refuses.
        let softmax = ModelRoundTripTests.fixtures.deletingLastPathComponent().appendingPathComponent("onnx-node/test_softmax_axis_1/model.onnx").path
        let inspect = try await Self.run("cml-dev", ["inspect", softmax])
        #expect(inspect.status == 0 && inspect.output.contains("compile: REFUSES this model") && inspect.output.contains("Softmax"), "\(inspect.output)")

        // Every subcommand's help has an example; the key holder's name CML_PASSPHRASE; enums list their choices.
        for (tool, subcommands) in [("cml-dev", ["compile", "run", "eval", "inspect"]), ("cml-client", ["keygen", "encrypt", "decrypt", "predict"]),
                                    ("cml-server", ["serve", "run"])] {
            for subcommand in subcommands {
                let help = try await Self.run(tool, [subcommand, "--help"])
                #expect(help.output.contains("Example") && help.output.contains("\(tool) \(subcommand) "), "\(tool) \(subcommand): \(help.output)")
                if tool == "cml-client" { #expect(help.output.contains("CML_PASSPHRASE"), "\(subcommand)") }
            }
        }
        let run = try await Self.run("cml-dev", ["run", "--help"])
        #expect(run.output.contains("values: disable, simulate, execute") && run.output.contains("values: warn, error"), "\(run.output)")
        let keygenHelp = try await Self.run("cml-client", ["keygen", "--help"])
        #expect(keygenHelp.output.contains("-o, --output") && !keygenHelp.output.contains("--out <"), "\(keygenHelp.output)")
    }

    /// A server of another model: predict says which models and what to run.
    @Test func predictAgainstAnotherModelSaysWhatToRun() async throws {
        let directory = try await Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let d = directory.path
        try Self.writeToyBundle(to: directory.appendingPathComponent("other"), extraBits: 1)
        let (server, url) = try await Self.serve("\(d)/other/server", store: "\(d)/store")
        defer { if server.process.isRunning { server.process.terminate() } }
        let predict = try await Self.run("cml-client", ["predict", "--server", url, "--keys", "\(d)/keys", "-i", Self.inputs, "-o", "\(d)/y.npy"])
        #expect(predict.status != 0 && predict.output.contains("client.model_mismatch"), "\(predict.output)")
        #expect(predict.output.contains("these keys were made for model 'mlp'") && predict.output.contains("cml-client keygen --bundle"),
                "\(predict.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(d)/y.npy"))
    }
}
