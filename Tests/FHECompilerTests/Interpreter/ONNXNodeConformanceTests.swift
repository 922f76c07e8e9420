// The ONNX project's own backend node tests (copied by Scripts/make_onnx_fixtures.py): import each
// model, run the float interpreter on the stored inputs, compare with the stored outputs.
import FHECompiler
import FHECore
import Foundation
import Testing

/// Locations of the committed fixtures.
enum Fixtures {
    static let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static let nodeCases: [String] = {
        let list = (try? String(contentsOfFile: path("onnx-node/CASES.txt"), encoding: .utf8)) ?? ""
        return list.split(separator: "\n").map(String.init)
    }()

    /// Files `prefix_<n>.pb` of a data set, in index order.
    static func dataFiles(_ folder: String, prefix: String) -> [String] {
        var files: [String] = []
        while FileManager.default.fileExists(atPath: "\(folder)/\(prefix)_\(files.count).pb") {
            files.append("\(folder)/\(prefix)_\(files.count).pb")
        }
        return files
    }
}

/// Asserts `actual` matches `expected` elementwise within rtol/atol (NaNs must agree).
func expectClose(_ actual: Tensor, _ expected: Tensor, rtol: Double = 1e-5, atol: Double = 1e-6,
                 _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    var worst: (index: Int, excess: Double)?
    for index in actual.values.indices {
        let a = actual.values[index], e = expected.values[index]
        if a.isNaN && e.isNaN { continue }
        if a == e { continue }
        let excess = abs(a - e) - (atol + rtol * abs(e))
        if !(excess <= 0), worst.map({ excess > $0.excess }) ?? true { worst = (index, excess.isNaN ? .infinity : excess) }
    }
    if let worst {
        Issue.record("\(label): element \(worst.index) is \(actual.values[worst.index]), expected \(expected.values[worst.index])",
                     sourceLocation: sourceLocation)
    }
}

@Suite("ONNX backend node tests")
struct ONNXNodeConformanceTests {
    @Test("fixture folder holds the copied node tests")
    func fixturesPresent() {
        #expect(Fixtures.nodeCases.count > 300)
    }

    @Test("node test matches the stored outputs", arguments: Fixtures.nodeCases)
    func nodeCase(_ name: String) throws {
        let folder = Fixtures.path("onnx-node/\(name)")
        let raw = try ONNXImporter.decode(data: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/model.onnx")), source: name)
        let inputFiles = Fixtures.dataFiles("\(folder)/test_data_set_0", prefix: "input")
        let outputFiles = Fixtures.dataFiles("\(folder)/test_data_set_0", prefix: "output")
        #expect(inputFiles.count == raw.inputs.count)
        var inputs: [String: Tensor] = [:]
        for (info, file) in zip(raw.inputs, inputFiles) {
            inputs[info.name] = try ONNXImporter.decodeTensor(data: try Data(contentsOf: URL(fileURLWithPath: file)), source: file)
        }
        // Node tests feed shapes and axes as graph inputs; a real model has them as constants.
        var constants: [String: Tensor] = [:]
        for node in raw.nodes {
            for index in FloatKernels.shapeDefiningInputs(of: node) where index < node.inputs.count {
                if let value = inputs[node.inputs[index]] { constants[node.inputs[index]] = value }
            }
        }
        let graph = try ONNXImporter.simplify(try ONNXImporter.bindingInputs(raw, constants: constants))
        let outputs = try FloatInterpreter.run(graph, inputs: inputs.filter { constants[$0.key] == nil })
        #expect(outputFiles.count == graph.outputs.count)
        for (info, file) in zip(graph.outputs, outputFiles) {
            let expected = try ONNXImporter.decodeTensor(data: try Data(contentsOf: URL(fileURLWithPath: file)), source: file)
            let actual = try #require(outputs[info.name])
            #expect(actual.elementType == expected.elementType, "\(name) output '\(info.name)' type")
            expectClose(actual, expected, "\(name) output '\(info.name)'")
        }
    }
}
