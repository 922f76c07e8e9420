import ArgumentParser
import FHECore

@main
struct Main: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-server",
        abstract: "Evaluate compiled circuits on ciphertexts with evaluation keys.",
        version: CMLVersion.current,
        subcommands: [Serve.self, RunBatch.self, TokenCommand.self])

    /// A bad CML_ENGINE_ISA is a usage error before any work; then ArgumentParser's own entry point.
    static func main() async {
        do { try InstructionSet.validateEnvironment() } catch { exit(withError: error) }
        await main(nil)
    }
}
