import ArgumentParser
import FHEServer
import FHECore

struct Main: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-server",
        abstract: "Evaluate compiled circuits on ciphertexts with evaluation keys.",
        version: CMLVersion.current)
}

Main.main()
