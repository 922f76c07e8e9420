// docs/OPS.md is the generated operator table, kept current.
@testable import FHECompiler
import Foundation
import Testing

@Suite("Operator coverage")
struct OperatorCoverageTests {
    static let page = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/OPS.md")

    @Test("docs/OPS.md is what `cml-dev ops` prints (regenerate: cml-dev ops > docs/OPS.md)")
    func committedTableIsCurrent() throws {
        let committed = try String(contentsOf: Self.page, encoding: .utf8)
        #expect(committed == Compiler.operatorCoverageMarkdown())
    }

    @Test("The table lists every operator the importer accepts, and every operator the quantizer lowers is encrypted-capable")
    func tableCoversTheCode() {
        let rows = Compiler.operatorCoverage
        #expect(rows.map(\.name) == FloatKernels.supportedOperators)
        for op in Compiler.quantizableOperators {
            let row = rows.first { $0.name == op || $0.name.hasSuffix(".\(op)") }
            #expect(row == nil || row?.lowering != .constantsOnly, "\(op) is lowered by the quantizer but listed as constants only")
        }
        // A note for an operator the importer no longer accepts is stale.
        let opTypes = Set(rows.map { $0.name.split(separator: ".").last.map(String.init) ?? $0.name })
        #expect(Set(Compiler.operatorNotes.keys).subtracting(opTypes).sorted() == [])
    }
}
