import ArgumentParser
import FHEClient
import FHECore
import Foundation

/// The options encrypt, decrypt and predict share: the KEYS directory, one input file, one output file.
struct KeyedFileOptions: ParsableArguments {
    @Option(help: "The keys directory written by keygen.", completion: .directory)
    var keys: String

    @Option(name: .shortAndLong, help: "Input: NumPy (.npy, or .npz with one member per input in order) for encrypt and predict; an encrypted result batch for decrypt.")
    var input: String

    @Option(name: .shortAndLong, help: "Output: the encrypted batch for encrypt; NumPy (.npy, or .npz for several outputs) for decrypt and predict.")
    var output: String

    /// The key holder of KEYS (asks for the passphrase when the secret key is sealed).
    func loadKeys() throws -> KeyHolder {
        try KeyDirectory.load(from: URL(fileURLWithPath: keys)) { try Passphrase.read() }
    }

    /// The NumPy inputs of `--input`, in the model's input order.
    func readInputs() throws -> [Tensor] {
        try NumPyFormat.readArrays(path: input).map(\.tensor)
    }

    /// Writes `outputs` under the bundle's output names to `--output` and says so.
    func writeOutputs(_ outputs: [Tensor], of holder: KeyHolder) throws {
        try NumPyFormat.write(zip(holder.bundle.spec.outputs, outputs).map { ($0.name, $1) }, path: output)
        print("wrote \(output)")
    }
}
