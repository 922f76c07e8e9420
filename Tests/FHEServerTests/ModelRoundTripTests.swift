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
        let graph = try ONNXImporter.importModel(path: Self.fixtures.appendingPathComponent("mlp.onnx").path)
        let calibration = try NumPyFormat.readArrays(path: Self.fixtures.appendingPathComponent("mlp_input.npy").path).map(\.tensor)
        var options = CompileOptions()
        options.bits = QuantizationBits(bits: 3)
        options.rounding = try RoundingThreshold.make(bits: 3)
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
            passphrase: { "pass" }, progress: { _ in })
        let clear = try ModelCompilation.predictFHE(model, program: compiled.program, inputs: [inputs], mode: .disable)
        #expect(predicted == clear)
        await server.stop()
    }
}
