// Small deterministic messages of every kind: the golden vectors of Protocol/vectors/ are these
// messages framed, and tests of the bundle, client and server build on them. Toy parameters:
// not secure, never use them for data.
import Foundation

/// Deterministic example messages (toy parameters) for golden vectors and tests.
package enum WireExamples {
    /// A toy parameter set: n = 4, k = 1, N = 16. Insecure.
    package static let toyParameterSet = ParameterSet(
        lweDimension: 4, glweDimension: 1, polynomialSize: 16, pbs: (levelCount: 2, baseLog: 4),
        ks: (levelCount: 3, baseLog: 2), lweNoiseStandardDeviation: 1e-5, glweNoiseStandardDeviation: 1e-9,
        isInsecureTestSet: true)

    /// One-set layout over `toyParameterSet`.
    package static let keyLayout = KeyLayout(parameterSets: [toyParameterSet])

    /// Words 0, 1, 2, … scrambled by a multiplicative constant: recognisable and deterministic.
    package static func words(_ count: Int, salt: UInt64) -> [UInt64] {
        (0..<UInt64(count)).map { ($0 &+ salt) &* 0x9E37_79B9_7F4A_7C15 }
    }

    /// A seed 0, 1, …, 31 plus `salt`.
    package static func seed(salt: UInt8) -> Data { Data((0..<32).map { UInt8($0) &+ salt }) }

    /// Input: 'x', shape [2], encrypted; output: 'y', shape [3], encrypted.
    static func tensors() -> (inputs: [Cml_V1_TensorSpec], outputs: [Cml_V1_TensorSpec]) {
        func tensor(_ name: String, _ shape: [UInt32], scale: Double) -> Cml_V1_TensorSpec {
            var spec = Cml_V1_TensorSpec()
            spec.name = name
            spec.shape = shape
            spec.encryptionStatus = .encrypted
            spec.quantizer.scale = scale
            spec.quantizer.zeroPoints = [3]
            spec.quantizer.bits = 3
            spec.encoding.precisionBits = 3
            spec.encoding.paddingBits = 1
            spec.parameterSetIndex = 0
            return spec
        }
        return ([tensor("x", [2], scale: 0.25)], [tensor("y", [3], scale: 0.5)])
    }

    /// The client spec of the toy circuit.
    package static var clientSpec: Cml_V1_ClientSpec {
        var spec = Cml_V1_ClientSpec()
        spec.toolVersion = "0.1.0"
        spec.modelName = "toy"
        spec.keyLayout = keyLayout.wire
        spec.keyLayoutHash = Data(keyLayout.hash)
        (spec.inputs, spec.outputs) = tensors()
        return spec
    }

    /// The server spec of the toy circuit; `circuit` is an opaque payload here.
    package static var serverSpec: Cml_V1_ServerSpec {
        var spec = Cml_V1_ServerSpec()
        spec.toolVersion = "0.1.0"
        spec.modelName = "toy"
        spec.keyLayout = keyLayout.wire
        spec.keyLayoutHash = Data(keyLayout.hash)
        (spec.inputs, spec.outputs) = tensors()
        spec.circuitEncoding = "cml-circuit-json-v1"
        spec.circuit = Data(#"{"example":true}"#.utf8)
        return spec
    }

    /// Evaluation keys of the right shapes for `keyLayout` (random-looking words, not real keys).
    package static func evaluationKeys(salt: UInt64 = 0) -> Cml_V1_EvaluationKeys {
        let set = toyParameterSet
        var keys = Cml_V1_EvaluationKeys()
        keys.keyLayoutHash = Data(keyLayout.hash)
        var entry = Cml_V1_ParameterSetKeys()
        entry.parameterSetIndex = 0
        entry.keyswitchKey.inputLweDimension = UInt32(set.bigLWEDimension.rawValue)
        entry.keyswitchKey.outputLweDimension = UInt32(set.lweDimension.rawValue)
        entry.keyswitchKey.baseLog = UInt32(set.ksDecomposition.baseLog.rawValue)
        entry.keyswitchKey.levelCount = UInt32(set.ksDecomposition.levelCount.rawValue)
        entry.keyswitchKey.seed = seed(salt: 1 &+ UInt8(truncatingIfNeeded: salt))
        entry.keyswitchKey.bodies = LittleEndianWords.bytes(of: words(
            set.bigLWEDimension.rawValue * set.ksDecomposition.levelCount.rawValue, salt: 100 &+ salt))
        entry.bootstrapKey.inputLweDimension = UInt32(set.lweDimension.rawValue)
        entry.bootstrapKey.glweDimension = UInt32(set.glweDimension.rawValue)
        entry.bootstrapKey.polynomialSize = UInt32(set.polynomialSize.rawValue)
        entry.bootstrapKey.baseLog = UInt32(set.pbsDecomposition.baseLog.rawValue)
        entry.bootstrapKey.levelCount = UInt32(set.pbsDecomposition.levelCount.rawValue)
        entry.bootstrapKey.seed = seed(salt: 2 &+ UInt8(truncatingIfNeeded: salt))
        let rows = set.lweDimension.rawValue * set.glweDimension.glweSize * set.pbsDecomposition.levelCount.rawValue
        entry.bootstrapKey.bodies = LittleEndianWords.bytes(of: words(rows * set.polynomialSize.rawValue, salt: 200 &+ salt))
        keys.parameterSetKeys = [entry]
        return keys
    }

    /// A seeded input batch of `batchSize` samples of 'x'.
    package static func inputBatch(batchSize: Int = 1) -> Cml_V1_CiphertextBatch {
        var batch = Cml_V1_CiphertextBatch()
        batch.keyLayoutHash = Data(keyLayout.hash)
        batch.batchSize = UInt32(batchSize)
        var tensor = Cml_V1_BatchTensor()
        tensor.index = 0
        tensor.parameterSetIndex = 0
        var seeded = Cml_V1_SeededLweCiphertextList()
        seeded.lweDimension = UInt32(toyParameterSet.bigLWEDimension.rawValue)
        seeded.count = UInt32(2 * batchSize)
        seeded.seed = seed(salt: 3)
        seeded.bodies = LittleEndianWords.bytes(of: words(2 * batchSize, salt: 300))
        tensor.values = .seeded(seeded)
        batch.tensors = [tensor]
        return batch
    }

    /// A full output batch of `batchSize` samples of 'y'.
    package static func outputBatch(batchSize: Int = 1) -> Cml_V1_CiphertextBatch {
        var batch = Cml_V1_CiphertextBatch()
        batch.keyLayoutHash = Data(keyLayout.hash)
        batch.batchSize = UInt32(batchSize)
        var tensor = Cml_V1_BatchTensor()
        tensor.index = 0
        tensor.parameterSetIndex = 0
        var full = Cml_V1_LweCiphertextList()
        let dimension = toyParameterSet.bigLWEDimension.rawValue
        full.lweDimension = UInt32(dimension)
        full.count = UInt32(3 * batchSize)
        full.words = LittleEndianWords.bytes(of: words(3 * batchSize * (dimension + 1), salt: 400))
        tensor.values = .full(full)
        batch.tensors = [tensor]
        return batch
    }

    /// An evaluate request for the input batch.
    package static var evaluateRequest: Cml_V1_EvaluateRequest {
        var request = Cml_V1_EvaluateRequest()
        // The key id is the hex checksum of the framed keys.
        request.keyID = BLAKE2b.hex(evaluationKeys().framed().suffix(FrameHeader.checksumByteCount))
        request.inputs = inputBatch()
        return request
    }

    /// An error report.
    package static var errorReport: Cml_V1_ErrorReport {
        var report = Cml_V1_ErrorReport()
        report.httpStatus = 404
        report.code = "server.unknown_key"
        report.message = "no evaluation keys with this id"
        report.field = "evaluateRequest.keyId"
        return report
    }

    /// Every golden vector: file name and framed bytes.
    package static var goldenVectors: [(name: String, bytes: Data)] {
        var response = Cml_V1_KeyUploadResponse()
        response.keyID = evaluateRequest.keyID
        response.storedBytes = UInt64(evaluationKeys().framed().count)
        return [
            ("v1-client-spec.cml", clientSpec.framed()),
            ("v1-server-spec.cml", serverSpec.framed()),
            ("v1-key-layout.cml", keyLayout.wire.framed()),
            ("v1-evaluation-keys.cml", evaluationKeys().framed()),
            ("v1-input-batch.cml", inputBatch(batchSize: 2).framed()),
            ("v1-output-batch.cml", outputBatch(batchSize: 2).framed()),
            ("v1-evaluate-request.cml", evaluateRequest.framed()),
            ("v1-key-upload-response.cml", response.framed()),
            ("v1-error-report.cml", errorReport.framed()),
        ]
    }
}
