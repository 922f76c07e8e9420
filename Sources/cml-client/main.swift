import ArgumentParser
import FHEClient
import FHECore

struct Main: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-client",
        abstract: "Hold the secret key: keygen, encrypt, decrypt, predict.",
        version: CMLVersion.current)
}

Main.main()
