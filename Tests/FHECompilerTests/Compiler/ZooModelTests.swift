// Concrete ML test-zoo shapes cml used to refuse (issue 16): each fixture compiles at n_bits = 6, and its clear
// (disable) outputs agree with the float model within the quantization error.
import FHECompiler
import FHECore
import Foundation
import Testing

@Suite struct ZooModelTests {
    /// A zoo fixture: its graph, its input set as the compiler reads it (float64) and as the float model reads it.
    struct Fixture {
        var graph: Graph
        var calibration: Tensor
        var raw: Tensor

        init(_ name: String) throws {
            graph = try ONNXImporter.importModel(path: Fixtures.path("zoo/\(name).onnx"))
            raw = try NumPyFormat.readArrays(path: Fixtures.path("zoo/\(name)_calibration.npy"))[0].tensor
            calibration = Tensor(shape: raw.shape, elementType: .float64, values: raw.values)
        }

        func compile(_ options: CompileOptions) throws -> CompiledModel {
            try Compiler.compile(graph: graph, calibration: [calibration], options: options)
        }

        /// The float model on every sample, flattened sample by sample.
        func reference() throws -> [Double] {
            try FloatInterpreter.run(graph, inputs: [graph.inputs[0].name: raw])[graph.outputs[0].name]!.values
        }
    }

    static func options(qat: Bool = false) -> CompileOptions {
        var o = CompileOptions()
        o.bits = QuantizationBits(bits: 6)
        o.importQAT = qat
        return o
    }

    /// Largest |disable − float| over the input set, relative to the float outputs' range.
    static func relativeError(_ model: CompiledModel, _ fixture: Fixture) throws -> Double {
        let got = try model.predict([fixture.calibration])[0].values
        let expected = try fixture.reference()
        #expect(got.count == expected.count)
        let span = (expected.max() ?? 0) - (expected.min() ?? 0)
        return zip(got, expected).map { abs($0 - $1) }.max()! / max(span, 1e-9)
    }

    @Test("an embedding (Gather from a constant table by encrypted ids) is one lookup per output element")
    func embedding() throws {
        let fixture = try Fixture("embedding")
        let model = try fixture.compile(Self.options())
        #expect(model.inputQuantizers[0].scale == 1 && model.inputQuantizers[0].options.bits == 4, "ids keep their values")
        // The embedding and the linear layer's input quantization fuse: 4 ids × 3 row entries.
        let gatherTLUs = model.circuit.operations.filter { $0.mnemonic == "tlu" && $0.label.hasPrefix("/fc") }
        #expect(gatherTLUs.count == 1 && model.circuit[gatherTLUs[0].result].elementCount == 12)
        #expect(try Self.relativeError(model, fixture) < 0.05)
    }

    @Test("x.view(-1, 1) in a batch-1 model: the batch axis is merged, then comes back")
    func batchReshape() throws {
        let fixture = try Fixture("batch_reshape")
        let model = try fixture.compile(Self.options())
        #expect(try Self.relativeError(model, fixture) < 0.05)
    }

    @Test("a dynamic-batch model still refuses a reshape that merges the batch axis, saying what to do")
    func dynamicBatchReshapeRefused() throws {
        var fixture = try Fixture("batch_reshape")
        fixture.graph.dynamicBatch = true
        #expect {
            _ = try fixture.compile(Self.options())
        } throws: { error in
            let text = "\(error)"
            return text.contains("'/Reshape'") && text.contains("must keep the batch axis first") && text.contains("export it with batch size 1")
        }
    }

    @Test("QAT: a Pad of a Pad of a Brevitas quantizer keeps its quantization, output exact on the model's grids")
    func qatPadding() throws {
        let fixture = try Fixture("qat_padding")
        let model = try fixture.compile(Self.options(qat: true))
        let got = try model.predict([fixture.calibration])[0].values
        let expected = try fixture.reference()
        // Brevitas' computation is reproduced on its own grids (0.5 is one output step).
        let wrong = zip(got, expected).filter { abs($0 - $1) > 1e-6 }.count
        #expect(wrong == 0, "\(wrong) of \(got.count) outputs differ")
    }

    @Test("QAT: q3(q1(x) + q2(x)) is one table per element, as Concrete fuses it")
    func qatQuantizerChain() throws {
        let fixture = try Fixture("qat_chain")
        let model = try fixture.compile(Self.options(qat: true))
        #expect(model.circuit.tluCount == 10, "\(model.circuit)")
        // The input is quantized on model_inputs bits before q1 and q2 read it, so a value near one of their
        // thresholds may land one step away, as in Concrete ML.
        #expect(try Self.relativeError(model, fixture) < 0.1)
    }

    @Test("execute == disable on one sample of each zoo fixture", arguments: ["embedding", "batch_reshape", "qat_padding", "qat_chain"])
    func executeMatchesDisable(_ name: String) throws {
        let fixture = try Fixture(name)
        var options = Self.options(qat: name.hasPrefix("qat"))
        // Unrounded 6-bit PTQ accumulators need 11-bit lookups, beyond the native PBS (issue 16 item 1).
        if !options.importQAT { options.rounding = try RoundingThreshold.make(bits: 6) }
        let model = try fixture.compile(options)
        let lowered = try FHELowering.lower(model)
        let sample = [fixture.calibration.slice(rows: 0..<1)]
        let clear = try ModelCompilation.predictFHE(model, program: lowered.program, inputs: sample, mode: .disable)
        let encrypted = try ModelCompilation.predictFHE(model, program: lowered.program, inputs: sample, mode: .execute)
        #expect(clear == encrypted)
    }
}
