import ArgumentParser
import FHECore

struct Main: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-client",
        abstract: "Hold the secret key: keygen, encrypt, decrypt, predict.",
        version: CMLVersion.current,
        subcommands: [Keygen.self, Encrypt.self, Decrypt.self, Predict.self])
}

// A bad CML_ENGINE_ISA is a usage error before any work.
do { try InstructionSet.validateEnvironment() } catch { Main.exit(withError: error) }
await Main.main()
