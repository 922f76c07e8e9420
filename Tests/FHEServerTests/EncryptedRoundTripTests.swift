@_spi(KeyHolder) import FHECore
import FHEClient
@testable import FHEServer
import Foundation
import Testing

/// A real (if tiny) encrypted evaluator, in tests only until the circuit lowering lands: the
/// circuit is one table lookup per element, y[i] = table[x[i]], run as keyswitch + PBS with the
/// uploaded keys after the server decompressed and Fourier-converted them.
struct TableLookupEvaluatorForTests: EncryptedCircuitEvaluating {
    let table: [Int64]
    let bits: Int
    var backendName: String { "cpu-test-table" }
    var tableLookupsPerSample: Int { 2 }

    func prepare(_ keys: Cml_V1_EvaluationKeys) throws -> any PreparedEvaluationKeys {
        try PreparedTFHEKeys(wire: keys, layout: EncryptedRoundTripTests.layout)
    }

    func evaluate(_ inputs: Cml_V1_CiphertextBatch, keys: any PreparedEvaluationKeys) async throws -> Cml_V1_CiphertextBatch {
        let prepared = keys as! PreparedTFHEKeys
        guard case .seeded(let seeded) = inputs.tensors[0].values else { throw CancellationError() }
        let fresh = Decompression.decompress(try SeededLWECiphertextList(wire: seeded, field: "inputs"))
        let evaluationKeys = prepared.evaluationKeys.keys(from: 0, to: 0, crossIndex: nil)
        let lut = LookupTable(table: table, inputBits: bits, outputBits: bits,
                              polynomialSize: evaluationKeys.parameters.polynomialSize)
        let results = (0..<fresh.count).map { Bootstrap.programmable(fresh[$0], lookupTable: lut, keys: evaluationKeys) }
        var outputs = Cml_V1_CiphertextBatch()
        outputs.keyLayoutHash = inputs.keyLayoutHash
        outputs.batchSize = inputs.batchSize
        var tensor = Cml_V1_BatchTensor()
        tensor.values = .full(LWECiphertextList(results, lweDimension: evaluationKeys.parameters.bigLWEDimension).wire)
        outputs.tensors = [tensor]
        return outputs
    }
}

@Suite(.serialized) struct EncryptedRoundTripTests {
    static let bits = 3
    static let layout = KeyLayout(parameterSets: [ParameterSet.insecureToy(bits: bits)])

    /// Specs of the one-TLU circuit: x (2 values, 3 bits, identity quantizer) -> y (2 values).
    static func specs() -> (Cml_V1_ClientSpec, Cml_V1_ServerSpec) {
        var tensor = Cml_V1_TensorSpec()
        tensor.shape = [2]
        tensor.encryptionStatus = .encrypted
        tensor.quantizer = UniformQuantizer(options: QuantizationOptions(bits: bits), scale: 1, zeroPoints: [0]).wire
        tensor.encoding.precisionBits = UInt32(bits)
        tensor.encoding.paddingBits = 1
        var x = tensor, y = tensor
        x.name = "x"
        y.name = "y"
        var client = Cml_V1_ClientSpec()
        client.toolVersion = CMLVersion.current
        client.keyLayout = layout.wire
        client.keyLayoutHash = Data(layout.hash)
        client.inputs = [x]
        client.outputs = [y]
        var server = Cml_V1_ServerSpec()
        server.toolVersion = CMLVersion.current
        server.keyLayout = layout.wire
        server.keyLayoutHash = Data(layout.hash)
        server.inputs = [x]
        server.outputs = [y]
        server.circuitEncoding = "test-table-lookup"
        return (client, server)
    }

    @Test func predictOverLoopbackDecryptsToTheClearTable() async throws {
        let table: [Int64] = [5, 0, 7, 1, 6, 2, 4, 3]
        let directory = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (clientSpec, serverSpec) = Self.specs()
        try BundleWriter.write(clientSpec: clientSpec, serverSpec: serverSpec, to: directory.appendingPathComponent("bundle"))
        let keys = directory.appendingPathComponent("keys")
        try KeyDirectory.generate(bundleDirectory: directory.appendingPathComponent("bundle/client"), into: keys,
                                  protection: .passphrase("pass", .minimumForTests))
        let server = try await RunningServer.start(
            keyStore: directory.appendingPathComponent("store"), serverSpec: serverSpec, clientSpec: clientSpec,
            evaluator: { _ in TableLookupEvaluatorForTests(table: table, bits: Self.bits) })

        let inputs = Tensor(shape: [4, 2], values: [0, 1, 2, 3, 4, 5, 6, 7])
        let outputs = try await Prediction.predict(
            server: URL(string: "http://127.0.0.1:\(server.port)")!, keyDirectory: keys, inputs: [inputs],
            passphrase: { "pass" })
        #expect(outputs.count == 1 && outputs[0].shape == [4, 2])
        #expect(outputs[0].values == (0..<8).map { Double(table[$0]) })
        await server.stop()
    }
}
