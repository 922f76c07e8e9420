import ArgumentParser
import Foundation

/// `cml-client decrypt --keys KEYS --input R.cml -o Y.npy`.
struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decrypt and de-quantize a result batch.",
        discussion: Passphrase.help + """


            Example:
              cml-client decrypt --keys keys -i r.cml -o y.npy
            """)

    @OptionGroup var files: KeyedFileOptions

    func run() throws {
        let holder = try files.loadKeys()
        let answer = try Data(contentsOf: URL(fileURLWithPath: files.input))
        let outputs = try files.progress.phase("decrypt") { try holder.decrypt(answer) }
        try files.writeOutputs(outputs, of: holder)
    }
}
