import ArgumentParser
import FHECompiler

/// `cml-dev ops`: the supported ONNX operators, as the Markdown table committed as docs/OPS.md.
struct Ops: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the supported ONNX operators and how each is lowered, as a Markdown table (docs/OPS.md).")

    func run() {
        print(Compiler.operatorCoverageMarkdown(), terminator: "")
    }
}
