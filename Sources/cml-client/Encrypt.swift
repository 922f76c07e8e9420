import ArgumentParser
import FHEClient
import FHECore
import Foundation

/// `cml-client encrypt --keys KEYS --input X.npy -o Q.cml`.
struct Encrypt: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Quantize and encrypt NumPy inputs.")

    @Option(help: "The keys directory written by keygen.")
    var keys: String

    @Option(name: .shortAndLong, help: "Inputs: .npy (one input) or .npz (one member per input, in order).")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the encrypted batch.")
    var output: String

    func run() throws {
        let holder = try KeyDirectory.load(from: URL(fileURLWithPath: keys)) { try Passphrase.read() }
        let inputs = try NumPyFormat.readArrays(path: input).map(\.tensor)
        let framed = try holder.encrypt(inputs)
        try framed.write(to: URL(fileURLWithPath: output))
        print("wrote \(output) (\(framed.count) bytes)")
    }
}
