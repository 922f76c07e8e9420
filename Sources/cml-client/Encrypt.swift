import ArgumentParser
import Foundation

/// `cml-client encrypt --keys KEYS --input X.npy -o Q.cml`.
struct Encrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quantize and encrypt NumPy inputs.",
        discussion: Passphrase.help + """


            Example:
              cml-client encrypt --keys keys -i x.npy -o q.cml
            """)

    @OptionGroup var files: KeyedFileOptions

    func run() throws {
        let holder = try files.loadKeys()
        let framed = try files.progress.phase("encrypt") { try holder.encrypt(try files.readInputs()) }
        try files.writeOutput(framed)
    }
}
