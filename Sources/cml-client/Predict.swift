import ArgumentParser
import FHEClient
import Foundation

/// `cml-client predict --server URL --keys KEYS --input X.npy -o Y.npy`.
struct Predict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt, evaluate on a server (uploading the keys once), decrypt.",
        discussion: Passphrase.help + """


            Example:
              cml-client predict --server http://127.0.0.1:8080 --keys keys -i x.npy -o y.npy
            """)

    @Option(help: "Server base URL, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(help: "API token of the server (from its operator); default $CML_TOKEN. Not needed by a server run with --no-auth.")
    var token: String?

    @OptionGroup var files: KeyedFileOptions

    func validate() throws {
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--server must be an http(s) URL, got '\(server)'")
        }
    }

    func run() async throws {
        let holder = try files.loadKeys()
        let outputs = try await Prediction.predict(
            server: URL(string: server)!, token: token ?? ProcessInfo.processInfo.environment["CML_TOKEN"], holder: holder,
            framedKeys: try KeyDirectory.evaluationKeys(in: URL(fileURLWithPath: files.keys)),
            inputs: try files.readInputs(), progress: files.progress)
        for (spec, tensor) in zip(holder.bundle.spec.outputs, outputs) { print(tensor.preview(name: spec.name)) }
        try files.writeOutputs(outputs, of: holder)
    }
}
