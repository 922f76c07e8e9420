import FHEClient
import FHECompiler
import FHECore
import FHEServer
import Foundation
import Testing

/// The whole deployment on a real model over loopback: cml-dev's bundle, the client's keys and encryption,
/// the server's evaluation of the compiled program; predictions equal `cml-dev run --fhe disable`.
@Suite(.serialized) struct ModelRoundTripTests {
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FHECompilerTests/Fixtures/torch")
    }

    @Test func torchMLPOverLoopbackEqualsClear() async throws {
        var options = CompileOptions()
        options.bits = QuantizationBits(bits: 3)
        options.rounding = try RoundingThreshold.make(bits: 3)
        let partitions = try await Self.roundTrip(options)
        #expect(partitions == 1)
    }

    /// 2-bit hidden layers, 7-bit model inputs and outputs, no rounding: the search gives the output layer's wider
    /// lookups their own parameter set, and keygen, upload, evaluation and decryption follow both.
    @Test func twoPartitionMLPOverLoopbackEqualsClear() async throws {
        var options = CompileOptions()
        options.bits = QuantizationBits(opInputs: 2, opWeights: 2, modelInputs: 7, modelOutputs: 7)
        let partitions = try await Self.roundTrip(options)
        #expect(partitions == 2)
    }

    /// Compiles the MLP fixture with `options`, serves it, predicts two rows through the client and checks them
    /// against the clear circuit; returns the number of parameter sets of the compiled program.
    static func roundTrip(_ options: CompileOptions) async throws -> Int {
        let graph = try ONNXImporter.importModel(path: Self.fixtures.appendingPathComponent("mlp.onnx").path)
        let calibration = try NumPyFormat.readArrays(path: Self.fixtures.appendingPathComponent("mlp_input.npy").path).map(\.tensor)
        let model = try Compiler.compile(graph: graph, calibration: calibration, options: options)
        let compiled = try FHELowering.lower(model)

        let directory = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bundle = directory.appendingPathComponent("bundle")
        try compiled.writeBundle(to: bundle, modelName: "mlp")
        let keys = directory.appendingPathComponent("keys")
        try KeyDirectory.generate(bundleDirectory: bundle.appendingPathComponent("client"), into: keys,
                                  protection: .passphrase("pass", .minimumForTests))
        let server = try await RunningServer.start(
            keyStore: directory.appendingPathComponent("store"), serverSpec: try compiled.serverSpec(modelName: "mlp"),
            clientSpec: compiled.clientSpec(modelName: "mlp"), evaluator: { try! EvaluatorFactory.make(for: $0) })

        let inputs = calibration[0].slice(rows: 0..<2)
        let predicted = try await Prediction.predict(
            server: URL(string: "http://127.0.0.1:\(server.port)")!, keyDirectory: keys, inputs: [inputs],
            passphrase: { "pass" })
        let clear = try ModelCompilation.predictFHE(model, program: compiled.program, inputs: [inputs], mode: .disable)
        #expect(predicted == clear)
        await server.stop()
        return compiled.program.partitions.count
    }
}
