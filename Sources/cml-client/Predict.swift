import ArgumentParser
import FHEClient
import FHECore
import Foundation

/// `cml-client predict --server URL --keys KEYS --input X.npy -o Y.npy`.
struct Predict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt, evaluate on a server (uploading the keys once), decrypt.")

    @Option(help: "Server base URL, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(help: "The keys directory written by keygen.")
    var keys: String

    @Option(name: .shortAndLong, help: "Inputs: .npy (one input) or .npz (one member per input, in order).")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the outputs (.npy, or .npz for several).")
    var output: String

    func run() async throws {
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--server must be an http(s) URL, got '\(server)'")
        }
        let inputs = try NumPyFormat.readArrays(path: input).map(\.tensor)
        let keyDirectory = URL(fileURLWithPath: keys)
        let outputs = try await Prediction.predict(server: url, keyDirectory: keyDirectory, inputs: inputs,
                                                   passphrase: { try Passphrase.read() }) { print("· \($0)") }
        let names = try KeyDirectory.load(from: keyDirectory) { try Passphrase.read() }.bundle.spec.outputs.map(\.name)
        try NumPyFormat.write(zip(names, outputs).map { ($0, $1) }, path: output)
        for (name, tensor) in zip(names, outputs) { print(tensor.preview(name: name)) }
        print("wrote \(output)")
    }
}
