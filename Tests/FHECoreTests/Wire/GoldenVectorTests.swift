import Foundation
import Testing
@testable import FHECore

/// Protocol/vectors/ holds one frame per message kind for every released format version. They
/// must keep decoding (old files stay readable) and, for the current version, this build must
/// still write them byte for byte. Set CML_WRITE_VECTORS=1 to (re)write the current version's
/// files after an intended format change.
@Suite struct GoldenVectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors")

    @Test func vectorsMatchThisBuild() throws {
        if ProcessInfo.processInfo.environment["CML_WRITE_VECTORS"] == "1" {
            for (name, bytes) in WireExamples.goldenVectors {
                try bytes.write(to: Self.directory.appendingPathComponent(name))
            }
        }
        for (name, bytes) in WireExamples.goldenVectors {
            let stored = try Data(contentsOf: Self.directory.appendingPathComponent(name))
            #expect(stored == bytes, "\(name) differs from what this build writes")
        }
    }

    @Test func vectorsDecode() throws {
        func load(_ name: String) throws -> Data { try Data(contentsOf: Self.directory.appendingPathComponent(name)) }
        let client = try Cml_V1_ClientSpec.decodeFramed(try load("v1-client-spec.cml"))
        #expect(client.inputs.map(\.name) == ["x"])
        #expect(try client.checkedKeyLayout() == WireExamples.keyLayout)
        let server = try Cml_V1_ServerSpec.decodeFramed(try load("v1-server-spec.cml"))
        #expect(server.circuitEncoding == "cml-circuit-json-v1")
        let layout = try server.checkedKeyLayout()
        #expect(layout.parameterSets[0] == WireExamples.toyParameterSet)
        #expect(try KeyLayout(wire: try Cml_V1_KeyLayout.decodeFramed(try load("v1-key-layout.cml")), field: "layout") == layout)

        let keys = try Cml_V1_EvaluationKeys.decodeFramed(try load("v1-evaluation-keys.cml"))
        try keys.checkConformance(to: layout)
        #expect(try LittleEndianWords.words(keys.parameterSetKeys[0].keyswitchKey.bodies, count: 48, field: "bodies")[1]
                == 101 &* 0x9E37_79B9_7F4A_7C15)

        let inputs = try Cml_V1_CiphertextBatch.decodeFramed(try load("v1-input-batch.cml"))
        try inputs.checkConformance(to: server.inputs, layout: layout, direction: .inputs)
        #expect(inputs.batchSize == 2)
        let outputs = try Cml_V1_CiphertextBatch.decodeFramed(try load("v1-output-batch.cml"))
        try outputs.checkConformance(to: server.outputs, layout: layout, direction: .outputs)
        let request = try Cml_V1_EvaluateRequest.decodeFramed(try load("v1-evaluate-request.cml"))
        #expect(request.keyID == BLAKE2b.hex(try Frame.decode(try load("v1-evaluation-keys.cml")).checksum))
        #expect(try Cml_V1_KeyUploadResponse.decodeFramed(try load("v1-key-upload-response.cml")).keyID == request.keyID)
        #expect(try Cml_V1_ErrorReport.decodeFramed(try load("v1-error-report.cml")).httpStatus == 404)

        // Several parameter sets: the layout (a partition keyswitch, a set without its own keyswitch key) and
        // keys that conform to it; the one-set keys do not.
        let twoSets = try KeyLayout(wire: try Cml_V1_KeyLayout.decodeFramed(try load("v1-key-layout-two-sets.cml")), field: "layout")
        #expect(twoSets == WireExamples.twoSetKeyLayout)
        #expect(twoSets.partitionKeyswitches.count == 1 && !twoSets.hasOwnKeyswitch(1) && twoSets.hasOwnKeyswitch(0))
        let twoSetKeys = try Cml_V1_EvaluationKeys.decodeFramed(try load("v1-evaluation-keys-two-sets.cml"))
        try twoSetKeys.checkConformance(to: twoSets)
        #expect(twoSetKeys.partitionKeyswitchKeys[0].inputLweDimension == 16 && twoSetKeys.partitionKeyswitchKeys[0].outputLweDimension == 6)
        #expect(!twoSetKeys.parameterSetKeys[1].hasKeyswitchKey)
        #expect(throws: WireFormatError.self) { try keys.checkConformance(to: twoSets) }
        #expect(throws: WireFormatError.self) { try twoSetKeys.checkConformance(to: layout) }
    }

    @Test func headerBytesAreAsSpecified() throws {
        // Protocol/README.md, "Framing": the literal bytes of the error-report vector's header.
        let stored = try Data(contentsOf: Self.directory.appendingPathComponent("v1-error-report.cml"))
        #expect(Array(stored.prefix(8)) == [0x43, 0x4D, 0x4C, 0x57, 0x01, 0x00, 0x08, 0x00])
        let length = stored[8..<16].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        #expect(Int(length) == stored.count - 48)
    }
}
