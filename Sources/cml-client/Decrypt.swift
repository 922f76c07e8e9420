import ArgumentParser
import Foundation

/// `cml-client decrypt --keys KEYS --input R.cml -o Y.npy`.
struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decrypt and de-quantize a result batch.")

    @OptionGroup var files: KeyedFileOptions

    func run() throws {
        let holder = try files.loadKeys()
        let answer = try Data(contentsOf: URL(fileURLWithPath: files.input))
        try files.writeOutputs(try holder.decrypt(answer), of: holder)
    }
}
