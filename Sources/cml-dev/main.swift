import ArgumentParser
import FHECompiler
import FHECore

struct Main: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-dev",
        abstract: "Compile an ONNX model into a deployable FHE bundle.",
        version: CMLVersion.current,
        subcommands: [Inspect.self, Eval.self, Compile.self, Run.self, Ops.self])
}

// A bad CML_ENGINE_ISA is a usage error before any work.
do { try InstructionSet.validateEnvironment() } catch { Main.exit(withError: error) }
Main.main()
