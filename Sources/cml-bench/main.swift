import ArgumentParser
import FHECore

struct Main: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-bench",
        abstract: "Measure the TFHE engine (release build).",
        version: CMLVersion.current)
}

Main.main()
