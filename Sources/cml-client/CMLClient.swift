import ArgumentParser
import FHECore

@main
struct Main: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-client",
        abstract: "Hold the secret key: keygen, encrypt, decrypt, predict.",
        version: CMLVersion.current,
        subcommands: [Keygen.self, Encrypt.self, Decrypt.self, Predict.self])
}

