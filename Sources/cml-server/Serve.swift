import ArgumentParser
import FHEServer
import Foundation

/// `cml-server serve BUNDLE/server`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a bundle over HTTP: POST /v1/keys, POST /v1/evaluate, GET /v1/client, /health, /metrics.")

    @Argument(help: "The bundle's server/ directory.", completion: .directory)
    var bundle: String

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8080

    @Option(help: "Address to bind; keep 127.0.0.1 unless a proxy in front needs otherwise.")
    var host = "127.0.0.1"

    @Option(help: "Directory of the evaluation-key store (persists across restarts).")
    var keyStore = "cml-key-store"

    @Option(help: "Largest evaluation-key upload, in MiB.")
    var maxKeyUploadMiB = 2048

    @Option(help: "Largest total key store, in MiB.")
    var maxKeyStoreMiB = 32768

    @Option(help: "Evaluations running at once; more wait their turn.")
    var maxConcurrentEvaluations = 2

    @Option(help: "Evaluations waiting for a slot; more get 429.")
    var maxQueuedEvaluations = 64

    func run() async throws {
        let configuration = ServerConfiguration(
            host: host, port: port, keyStoreDirectory: URL(fileURLWithPath: keyStore),
            maxKeyUploadBytes: maxKeyUploadMiB << 20, maxKeyStoreBytes: maxKeyStoreMiB << 20,
            maxConcurrentEvaluations: maxConcurrentEvaluations, maxQueuedEvaluations: maxQueuedEvaluations)
        try await ServerApplication.serve(bundleDirectory: URL(fileURLWithPath: bundle), configuration: configuration,
                                          makeEvaluator: EvaluatorFactory.make)
    }
}
