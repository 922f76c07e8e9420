import Foundation
import Testing
@testable import FHECore

@Suite struct ConformanceTests {
    let layout = WireExamples.keyLayout
    let specs = WireExamples.serverSpec

    @Test func keysOfAnotherParameterSetAreRefused() throws {
        let other = ParameterSet(lweDimension: 5, glweDimension: 1, polynomialSize: 16, pbs: (2, 4), ks: (3, 2),
                                 lweNoiseStandardDeviation: 1e-5, glweNoiseStandardDeviation: 1e-9, isInsecureTestSet: true)
        let error = try #require(throws: WireFormatError.self) {
            try WireExamples.evaluationKeys().checkConformance(to: KeyLayout(parameterSets: [other]))
        }
        #expect(error.code == .parameterMismatch && error.field == "evaluationKeys.keyLayoutHash")

        var keys = WireExamples.evaluationKeys()
        keys.parameterSetKeys[0].bootstrapKey.polynomialSize = 32
        let size = try #require(throws: WireFormatError.self) { try keys.checkConformance(to: layout) }
        #expect(size.code == .parameterMismatch && size.field == "evaluationKeys.parameterSetKeys[0].bootstrapKey.polynomialSize")

        keys = WireExamples.evaluationKeys()
        keys.parameterSetKeys[0].keyswitchKey.bodies.removeLast(8)
        let bodies = try #require(throws: WireFormatError.self) { try keys.checkConformance(to: layout) }
        #expect(bodies.code == .invalidField && bodies.field == "evaluationKeys.parameterSetKeys[0].keyswitchKey.bodies")

        keys = WireExamples.evaluationKeys()
        keys.parameterSetKeys[0].clearBootstrapKey()
        #expect(try #require(throws: WireFormatError.self) { try keys.checkConformance(to: layout) }.field
                == "evaluationKeys.parameterSetKeys[0].bootstrapKey")
    }

    @Test func batchesAreCheckedAgainstTheCircuit() throws {
        try WireExamples.inputBatch(batchSize: 3).checkConformance(to: specs.inputs, layout: layout, direction: .inputs)
        // Outputs where inputs are expected.
        let direction = try #require(throws: WireFormatError.self) {
            try WireExamples.outputBatch().checkConformance(to: specs.outputs, layout: layout, direction: .inputs)
        }
        #expect(direction.field == "batch.tensors[0].values" && direction.detail.contains("seeded"))

        var batch = WireExamples.inputBatch()
        batch.tensors[0].parameterSetIndex = 1
        #expect(try #require(throws: WireFormatError.self) {
            try batch.checkConformance(to: specs.inputs, layout: layout, direction: .inputs)
        }.code == .parameterMismatch)

        batch = WireExamples.inputBatch()
        batch.keyLayoutHash = Data(repeating: 0, count: 32)
        #expect(try #require(throws: WireFormatError.self) {
            try batch.checkConformance(to: specs.inputs, layout: layout, direction: .inputs)
        }.field == "batch.keyLayoutHash")

        batch = WireExamples.inputBatch(batchSize: 2)
        batch.batchSize = 3
        #expect(try #require(throws: WireFormatError.self) {
            try batch.checkConformance(to: specs.inputs, layout: layout, direction: .inputs)
        }.field == "batch.tensors[0].seeded.count")

        #expect(try #require(throws: WireFormatError.self) {
            try WireExamples.inputBatch(batchSize: 5).checkConformance(to: specs.inputs, layout: layout, direction: .inputs,
                                                                      maxBatchSize: 4)
        }.code == .tooLarge)
    }

    @Test func hostileParameterSetsThrowInsteadOfTrapping() throws {
        var message = WireExamples.toyParameterSet.wire
        message.polynomialSize = 12
        #expect(try #require(throws: WireFormatError.self) { try ParameterSet(wire: message, field: "p") }.field
                == "p.polynomialSize")
        message = WireExamples.toyParameterSet.wire
        message.pbsBaseLog = 40
        message.pbsLevelCount = 2
        #expect(try #require(throws: WireFormatError.self) { try ParameterSet(wire: message, field: "p") }.field == "p.pbs")
        message = WireExamples.toyParameterSet.wire
        message.lweDimension = 0
        #expect(try #require(throws: WireFormatError.self) { try ParameterSet(wire: message, field: "p") }.field
                == "p.lweDimension")
        #expect(try ParameterSet(wire: WireExamples.toyParameterSet.wire, field: "p") == WireExamples.toyParameterSet)
    }

    @Test func malformedPayloadIsNamed() throws {
        let garbage = Frame.encode(kind: .evaluationKeys, payload: Data([0xFF, 0xFF, 0xFF]))
        let error = try #require(throws: WireFormatError.self) { try Cml_V1_EvaluationKeys.decodeFramed(garbage) }
        #expect(error.code == .malformedPayload && error.offset == 16)
    }
}
