import ArgumentParser
import Foundation

/// `cml-client encrypt --keys KEYS --input X.npy -o Q.cml`.
struct Encrypt: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Quantize and encrypt NumPy inputs.")

    @OptionGroup var files: KeyedFileOptions

    func run() throws {
        let framed = try files.loadKeys().encrypt(try files.readInputs())
        try framed.write(to: URL(fileURLWithPath: files.output))
        print("wrote \(files.output) (\(framed.count) bytes)")
    }
}
