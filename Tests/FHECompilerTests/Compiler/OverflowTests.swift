// Inputs outside the calibrated ranges (issue 16 item 3): `run --fhe disable` gives every output, as the FHE
// circuit computes it, and lists what overflowed; `compile` measures the input set's margin and can widen it.
import FHECompiler
import FHECore
import Foundation
import Testing

@Suite struct OverflowTests {
    static let model = Fixtures.path("models/breast_cancer_mlp.onnx")
    static let calibration = Fixtures.path("models/breast_cancer_mlp_calibration.npy")
    static let test = Fixtures.path("models/breast_cancer_mlp_test_x.npy")

    /// Compiles the breast-cancer MLP on a narrow input set (50 training rows at half scale), so that its test set
    /// leaves the calibrated ranges, into a temporary bundle.
    static func bundle(margin: Int) throws -> (path: String, model: CompiledModel) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cml-overflow-\(margin)-\(UUID().uuidString)").path
        let rows = try NumPyFormat.readArrays(path: calibration)[0].tensor.slice(rows: 0..<50)
        let narrow = Tensor(shape: rows.shape, elementType: .float32, values: rows.values.map { $0 / 2 })
        var options = CompileOptions()
        options.bits = QuantizationBits(bits: 6)
        options.rangeMargin = margin
        // Quantized only (6 bits without rounding needs 14-bit TLUs, beyond a parameter set): the clear model, under
        // a manifest that covers it, is what `run --fhe disable` reads.
        let graph = try ONNXImporter.importModel(path: model)
        let compiled = try Compiler.compile(graph: graph, calibration: [Tensor(shape: narrow.shape, elementType: .float64, values: narrow.values)], options: options)
        try ModelCompilation.write(compiled, to: path)
        try BundleWriter.write(clientSpec: WireExamples.clientSpec, serverSpec: WireExamples.serverSpec, to: URL(fileURLWithPath: path))
        return (path, compiled)
    }

    @Test("disable gives every test output, lists the overflowing samples and ops, and matches the strict evaluator elsewhere")
    func everyOutputWithOverflowList() throws {
        let (path, compiled) = try Self.bundle(margin: 0)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lines: [String] = []
        let outputs = try ModelCompilation.run(bundlePath: path, inputPath: Self.test, outputPath: nil) { lines.append($0) }
        let x = try NumPyFormat.readArrays(path: Self.test)[0].tensor
        #expect(outputs[0].shape == [x.shape[0], 2])
        let text = lines.joined(separator: "\n")
        #expect(text.contains("overflow in matmul") && text.contains("left the calibrated ranges"), "\(text)")
        let (_, overflows) = try compiled.predictReportingOverflow([Tensor(shape: x.shape, elementType: .float64, values: x.values)])
        let bad = Set(overflows.flatMap(\.samples))
        #expect(!bad.isEmpty)
        // Samples that stay in range get exactly what the strict clear evaluator gives.
        for row in (0..<x.shape[0]).filter({ !bad.contains($0) }).prefix(20) {
            let sample = x.slice(rows: row..<(row + 1))
            let strict = try compiled.predict([Tensor(shape: sample.shape, elementType: .float64, values: sample.values)])[0]
            #expect(strict.values == Array(outputs[0].values[(2 * row)..<(2 * row + 2)]))
        }
    }

    @Test("--on-overflow error stops, naming the op, the first sample and the way out")
    func errorPolicyThrows() throws {
        let (path, _) = try Self.bundle(margin: 0)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try ModelCompilation.run(bundlePath: path, inputPath: Self.test, outputPath: nil, onOverflow: .error)
        } throws: { error in
            let text = "\(error)"
            return error is OverflowError && text.contains("overflow in matmul") && text.contains("first at sample") && text.contains("--on-overflow warn")
        }
    }

    @Test("compile reports the samples near the edge; --range-margin widens the ranges so the test set fits")
    func rangeMargin() throws {
        let (tight, tightModel) = try Self.bundle(margin: 0)
        let (wide, wideModel) = try Self.bundle(margin: 2)
        defer { for p in [tight, wide] { try? FileManager.default.removeItem(atPath: p) } }
        let tightEdge = try #require(tightModel.report.calibrationEdge)
        #expect(tightEdge.samples == 50 && tightEdge.nearEdge > 0 && tightEdge.closestNode != nil)
        #expect(tightEdge.summary.contains("--range-margin"))
        #expect(wideModel.report.calibrationEdge?.nearEdge == 0)
        let x = try NumPyFormat.readArrays(path: Self.test)[0].tensor
        let input = [Tensor(shape: x.shape, elementType: .float64, values: x.values)]
        let tightBad = Set(try tightModel.predictReportingOverflow(input).overflows.flatMap(\.samples))
        let wideBad = Set(try wideModel.predictReportingOverflow(input).overflows.flatMap(\.samples))
        #expect(wideBad.count < tightBad.count, "margin 2: \(wideBad.count) overflowing samples, none: \(tightBad.count)")
        // The headroom is in the accumulators' widths.
        let widest = { (m: CompiledModel) in m.circuit.operations.filter { $0.mnemonic == "matmul" }.map { m.circuit[$0.result].bitWidth }.max() ?? 0 }
        #expect(widest(wideModel) == widest(tightModel) + 2)
    }
}
