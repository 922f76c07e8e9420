import ArgumentParser
import FHEClient
import FHECore
import Foundation

/// `cml-client keygen --bundle BUNDLE/client -o KEYS`.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the secret key (kept here) and the evaluation keys (for the server).",
        discussion: Passphrase.help + """
             Existing keys are never replaced without --force: a new secret key cannot decrypt what the old one \
            encrypted, and the server's stored keys stop matching.

            Example:
              CML_PASSPHRASE='…' cml-client keygen --bundle bundle/client -o keys
            """)

    @Option(help: "The bundle's client/ directory.", completion: .directory)
    var bundle: String

    @Option(name: .shortAndLong, help: "Directory to write the keys to.", completion: .directory)
    var output: String?

    /// The spelling before `-o/--output`, still accepted.
    @Option(name: .customLong("out"), help: .hidden)
    var legacyOutput: String?

    @Flag(help: "Replace existing keys in --output.")
    var force = false

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    @Flag(help: "Store the secret key unencrypted (anyone who reads the file can decrypt your data).")
    var insecurePlaintextKey = false

    func validate() throws {
        guard output != nil || legacyOutput != nil else { throw ValidationError("Missing expected argument '--output <output>'") }
        guard output == nil || legacyOutput == nil else { throw ValidationError("--out is the old spelling of --output: give one") }
        do { try KeyDirectory.checkOutputs(in: URL(fileURLWithPath: output ?? legacyOutput!), replacing: force) } catch let error as OutputExistsError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let out = output ?? legacyOutput!
        let protection: KeyDirectory.Protection = insecurePlaintextKey
            ? .insecurePlaintext : .passphrase(try Passphrase.read(confirm: true))
        let (_, bytes) = try KeyDirectory.generate(bundleDirectory: URL(fileURLWithPath: bundle), into: URL(fileURLWithPath: out),
                                                   protection: protection, replacing: force, progress: .standardError(quiet: quiet))
        print("wrote \(out)/\(KeyDirectory.secretKeysFile) (\(insecurePlaintextKey ? "PLAINTEXT" : "sealed"), mode 0600)"
              + " and \(out)/\(KeyDirectory.evaluationKeysFile) (\(bytes) bytes)")
    }
}
