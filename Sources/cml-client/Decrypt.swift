import ArgumentParser
import FHEClient
import FHECore
import Foundation

/// `cml-client decrypt --keys KEYS --input R.cml -o Y.npy`.
struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decrypt and de-quantize a result batch.")

    @Option(help: "The keys directory written by keygen.")
    var keys: String

    @Option(name: .shortAndLong, help: "Encrypted outputs from the server.")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the outputs (.npy, or .npz for several).")
    var output: String

    func run() throws {
        let holder = try KeyDirectory.load(from: URL(fileURLWithPath: keys)) { try Passphrase.read() }
        let outputs = try holder.decrypt(try Data(contentsOf: URL(fileURLWithPath: input)))
        try NumPyFormat.write(zip(holder.bundle.spec.outputs, outputs).map { ($0.name, $1) }, path: output)
        print("wrote \(output)")
    }
}
