import ArgumentParser
import FHECore

@main
struct Main: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-client",
        abstract: "Hold the secret key: keygen, encrypt, decrypt, predict.",
        version: CMLVersion.current,
        subcommands: [Keygen.self, Encrypt.self, Decrypt.self, Predict.self])

    /// A bad CML_ENGINE_ISA is a usage error before any work; then ArgumentParser's own entry point.
    static func main() async {
        do { try InstructionSet.validateEnvironment() } catch { exit(withError: error) }
        await main(nil)
    }
}
