import ArgumentParser
import FHECore

@main
struct Main: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-server",
        abstract: "Evaluate compiled circuits on ciphertexts with evaluation keys.",
        version: CMLVersion.current,
        subcommands: [Serve.self, RunBatch.self])
}

