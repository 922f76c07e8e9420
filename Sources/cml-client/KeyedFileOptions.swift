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

    @Flag(help: "Replace an existing --output.")
    var force = false

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    /// Refuses an existing output before any work (and before the passphrase is asked).
    func validate() throws {
        do { try FileOutput.checkAvailable(URL(fileURLWithPath: output), replacing: force) } catch let error as OutputExistsError {
            throw ValidationError(error.description)
        }
    }

    /// The key holder of KEYS (asks for the passphrase when the secret key is sealed).
    func loadKeys() throws -> KeyHolder {
        try KeyDirectory.load(from: URL(fileURLWithPath: keys)) { try Passphrase.read() }
    }

    /// The NumPy inputs of `--input`, in the model's input order.
    func readInputs() throws -> [Tensor] {
        try NumPyFormat.readArrays(path: input).map(\.tensor)
    }

    /// The progress lines of the command.
    var progress: ProgressReporter { .standardError(quiet: quiet) }

    /// Writes `framed` to `--output` and says so.
    func writeOutput(_ framed: Data) throws {
        try FileOutput.write(framed, to: URL(fileURLWithPath: output), replacing: force)
        print("wrote \(output) (\(framed.count) bytes)")
    }

    /// Writes `outputs` under the bundle's output names to `--output` and says so.
    func writeOutputs(_ outputs: [Tensor], of holder: KeyHolder) throws {
        try NumPyFormat.write(zip(holder.bundle.spec.outputs, outputs).map { ($0.name, $1) }, path: output, replacing: force)
        print("wrote \(output)")
    }
}
