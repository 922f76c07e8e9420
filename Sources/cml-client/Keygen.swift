import ArgumentParser
import FHEClient
import Foundation

/// `cml-client keygen --bundle BUNDLE/client --out KEYS`.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the secret key (kept here) and the evaluation keys (for the server).")

    @Option(help: "The bundle's client/ directory.", completion: .directory)
    var bundle: String

    @Option(help: "Directory to write the keys to.")
    var out: String

    @Flag(help: "Store the secret key unencrypted (anyone who reads the file can decrypt your data).")
    var insecurePlaintextKey = false

    func run() throws {
        let protection: KeyDirectory.Protection = insecurePlaintextKey
            ? .insecurePlaintext : .passphrase(try Passphrase.read(confirm: true))
        let (_, bytes) = try KeyDirectory.generate(bundleDirectory: URL(fileURLWithPath: bundle),
                                                   into: URL(fileURLWithPath: out), protection: protection)
        print("wrote \(out)/\(KeyDirectory.secretKeysFile) (\(insecurePlaintextKey ? "PLAINTEXT" : "sealed"), mode 0600)"
              + " and \(out)/\(KeyDirectory.evaluationKeysFile) (\(bytes) bytes)")
    }
}
