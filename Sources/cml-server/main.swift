import ArgumentParser
import FHECore

struct Main: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-server",
        abstract: "Evaluate compiled circuits on ciphertexts with evaluation keys.",
        version: CMLVersion.current,
        subcommands: [Serve.self, RunBatch.self])
}

// A bad CML_ENGINE_ISA is a usage error before any work.
do { try InstructionSet.validateEnvironment() } catch { Main.exit(withError: error) }
await Main.main()
