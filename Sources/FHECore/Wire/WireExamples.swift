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

    /// A second toy set (n = 6, k = 2, N = 8), for the two-set layout. Insecure.
    package static let secondToyParameterSet = ParameterSet(
        lweDimension: 6, glweDimension: 2, polynomialSize: 8, pbs: (levelCount: 1, baseLog: 8),
        ks: (levelCount: 2, baseLog: 3), lweNoiseStandardDeviation: 1e-5, glweNoiseStandardDeviation: 1e-9,
        isInsecureTestSet: true)

    /// Two-set layout: `toyParameterSet` (own keyswitch key) and `secondToyParameterSet` (no own keyswitch key:
    /// its lookups read set 0's outputs through the partition keyswitch 0 → 1).
    package static let twoSetKeyLayout = KeyLayout(
        parameterSets: [toyParameterSet, secondToyParameterSet],
        partitionKeyswitches: [.init(from: 0, to: 1, decomposition: secondToyParameterSet.ksDecomposition)],
        setsWithoutOwnKeyswitch: [1])

    /// A seeded keyswitch key message of the given shape (random-looking words).
    static func keyswitchKey(input: Int, output: Int, decomposition: DecompositionParameters, seedSalt: UInt8,
                             wordSalt: UInt64) -> Cml_V1_SeededKeyswitchKey {
        var key = Cml_V1_SeededKeyswitchKey()
        key.inputLweDimension = UInt32(input)
        key.outputLweDimension = UInt32(output)
        key.baseLog = UInt32(decomposition.baseLog.rawValue)
        key.levelCount = UInt32(decomposition.levelCount.rawValue)
        key.seed = seed(salt: seedSalt)
        key.bodies = LittleEndianWords.bytes(of: words(input * decomposition.levelCount.rawValue, salt: wordSalt))
        return key
    }

    /// Evaluation keys of the right shapes for `layout` (random-looking words, not real keys): per set its
    /// bootstrap key and, where the layout has one, its own keyswitch key; then the partition keyswitch keys.
    package static func evaluationKeys(salt: UInt64 = 0, layout: KeyLayout = keyLayout) -> Cml_V1_EvaluationKeys {
        var keys = Cml_V1_EvaluationKeys()
        keys.keyLayoutHash = Data(layout.hash)
        let byte = UInt8(truncatingIfNeeded: salt)
        for (index, set) in layout.parameterSets.enumerated() {
            // Set 0 keeps the one-set vector's salts, so that vector's bytes do not change.
            let extra = UInt64(index) &* 1000, extraByte = UInt8(truncatingIfNeeded: index &* 10)
            var entry = Cml_V1_ParameterSetKeys()
            entry.parameterSetIndex = UInt32(index)
            if layout.hasOwnKeyswitch(index) {
                entry.keyswitchKey = keyswitchKey(
                    input: set.bigLWEDimension.rawValue, output: set.lweDimension.rawValue, decomposition: set.ksDecomposition,
                    seedSalt: 1 &+ byte &+ extraByte, wordSalt: 100 &+ salt &+ extra)
            }
            entry.bootstrapKey.inputLweDimension = UInt32(set.lweDimension.rawValue)
            entry.bootstrapKey.glweDimension = UInt32(set.glweDimension.rawValue)
            entry.bootstrapKey.polynomialSize = UInt32(set.polynomialSize.rawValue)
            entry.bootstrapKey.baseLog = UInt32(set.pbsDecomposition.baseLog.rawValue)
            entry.bootstrapKey.levelCount = UInt32(set.pbsDecomposition.levelCount.rawValue)
            entry.bootstrapKey.seed = seed(salt: 2 &+ byte &+ extraByte)
            let rows = set.lweDimension.rawValue * set.glweDimension.glweSize * set.pbsDecomposition.levelCount.rawValue
            entry.bootstrapKey.bodies = LittleEndianWords.bytes(of: words(rows * set.polynomialSize.rawValue, salt: 200 &+ salt &+ extra))
            keys.parameterSetKeys.append(entry)
        }
        keys.partitionKeyswitchKeys = layout.partitionKeyswitches.enumerated().map { index, keyswitch in
            keyswitchKey(input: layout.parameterSets[keyswitch.from].bigLWEDimension.rawValue,
                         output: layout.parameterSets[keyswitch.to].lweDimension.rawValue, decomposition: keyswitch.decomposition,
                         seedSalt: 3 &+ byte &+ UInt8(truncatingIfNeeded: index), wordSalt: 300 &+ salt &+ UInt64(index) &* 1000)
        }
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
            ("v1-key-layout-two-sets.cml", twoSetKeyLayout.wire.framed()),
            ("v1-evaluation-keys-two-sets.cml", evaluationKeys(layout: twoSetKeyLayout).framed()),
        ]
    }
}
