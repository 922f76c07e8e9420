// Limits known before any work fail at once, in the command line's words (issue 18 items 3 and 8), and
// `inspect MODEL` refuses what `compile` refuses.
import FHECompiler
import FHECore
import Foundation
import Testing

@Suite struct FailFastTests {
    @Test func errorProbabilitiesAreWrittenAsInTheReadme() throws {
        #expect(try ErrorProbability.parse("2^-40") == exp2(-40))
        #expect(try ErrorProbability.parse("2**-40") == exp2(-40))
        #expect(try ErrorProbability.parse("1e-12") == 1e-12)
        #expect(try ErrorProbability.parse("0.001") == 0.001)
        for bad in ["2^40", "0", "1", "-1e-3", "two", "2^^-3"] {
            let error = try #require(throws: CompileOptionError.self) { try ErrorProbability.parse(bad) }
            #expect(error.description.hasPrefix("invalid --p-error: '\(bad)'") && error.description.contains("2^-40"), "\(error)")
        }
    }

    /// `--n-bits 17` once ran for 651 s before anyone learned that 16 is the limit: now it is refused before import.
    @Test func bitWidthsNoCiphertextHoldsAreRefusedBeforeWork() throws {
        let start = ContinuousClock.now
        let error = try #require(throws: CompileOptionError.self) {
            try ModelCompilation.checkBeforeWork(options: { var o = CompileOptions(); o.bits = try QuantizationBits(parsing: "17"); return o }(),
                                                 fheOptions: FHEOptions())
        }
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(error.description.hasPrefix("invalid --n-bits:") && error.description.contains("at most 16 bits"), "\(error)")
        // Weights are clear: wide weights alone are not refused up front.
        var wide = CompileOptions()
        wide.bits = try QuantizationBits(parsing: "op_inputs=6,op_weights=20")
        try ModelCompilation.checkBeforeWork(options: wide, fheOptions: FHEOptions())
        #expect(throws: CompileOptionError.self) {
            try ModelCompilation.checkBeforeWork(options: CompileOptions(), fheOptions: FHEOptions(errorProbability: 1e-3, globalErrorProbability: 1e-3))
        }
    }

    @Test func optionErrorsNameTheFlags() throws {
        let rounding = try #require(throws: CompileOptionError.self) { try RoundingThreshold.make(bits: 9) }
        #expect(rounding.description.hasPrefix("invalid --rounding-threshold-bits:") && !rounding.description.contains("n_bits"))
        let bits = try #require(throws: CompileOptionError.self) { try QuantizationBits(parsing: "op_inputs=x") }
        #expect(bits.description.hasPrefix("invalid --n-bits:"))
        let statuses = try #require(throws: CompileOptionError.self) { try InputEncryption.validate(["secret"], inputCount: 1) }
        #expect(statuses.description.hasPrefix("invalid --input-encryption:"))
    }

    /// A final Softmax: `inspect` says compile refuses it and what to do; compile refuses it with the same words,
    /// before calibrating.
    @Test func inspectRefusesWhatCompileRefuses() throws {
        let path = Fixtures.path("onnx-node/test_softmax_axis_1/model.onnx")
        let inspection = try ModelInspection.inspect(path: path)
        #expect(inspection.unsupportedNodes.count == 1)
        #expect(inspection.text.contains("compile: REFUSES this model") && inspection.text.contains("(Softmax): operator is not supported"))
        #expect(inspection.unsupportedNodes[0].contains("apply it to the decrypted outputs"))
        let graph = try ONNXImporter.importModel(path: path)
        let calibration = [Tensor(shape: [3, 4, 5], values: (0..<60).map { Double($0) / 60 })]
        let error = try #require(throws: QuantizationError.self) {
            try Compiler.compile(graph: graph, calibration: calibration, options: CompileOptions())
        }
        #expect(error.description == inspection.unsupportedNodes[0])
        // A model compile takes: inspect says so.
        let mlp = try ModelInspection.inspect(path: Fixtures.path("torch/mlp.onnx"))
        #expect(mlp.unsupportedNodes.isEmpty && mlp.text.contains("compile: every operator is supported"))
    }
}
