import ArgumentParser
import FHEServer
import Foundation

/// `cml-server serve BUNDLE/server`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a bundle over HTTP: POST /v1/keys, DELETE /v1/keys/ID, POST /v1/evaluate, GET /v1/client, /health, /ready, /metrics.",
        discussion: """
            Uploads, evaluations and deletions need `Authorization: Bearer TOKEN` (tokens from `cml-server token create`) \
            unless --no-auth. Logs the engine's instruction set at start (CML_ENGINE_ISA=portable|avx2|avx512 forces one); \
            /health answers it as JSON and /metrics as cml_engine_info{isa="…"} 1.

            Example:
              cml-server token create --store /var/lib/cml/keys --name alice
              cml-server serve bundle/server --port 8080 --key-store /var/lib/cml/keys
            """)

    @Argument(help: "The bundle's server/ directory.", completion: .directory)
    var bundle: String

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8080

    @Option(help: "Address to bind; keep 127.0.0.1 unless a proxy in front needs otherwise.")
    var host = "127.0.0.1"

    @Option(help: "Directory of the evaluation-key store (persists across restarts).")
    var keyStore = "cml-key-store"

    @Option(name: .customLong("max-key-upload-mib"), help: "Largest evaluation-key upload, in MiB.")
    var maxKeyUploadMiB: Int?

    @Option(name: .customLong("max-key-store-mib"), help: "Largest total key store, in MiB.")
    var maxKeyStoreMiB: Int?

    /// The spelling before the rename, still accepted with a warning.
    @Option(name: .customLong("max-key-upload-mi-b"), help: .hidden)
    var legacyMaxKeyUploadMiB: Int?

    /// The spelling before the rename, still accepted with a warning.
    @Option(name: .customLong("max-key-store-mi-b"), help: .hidden)
    var legacyMaxKeyStoreMiB: Int?

    @Option(help: "Evaluations running at once (each on a thread of its own); more wait their turn.")
    var maxConcurrentEvaluations = 2

    @Option(help: "Evaluations waiting for a slot; more get 429.")
    var maxQueuedEvaluations = 64

    @Option(help: "Longest an evaluation may run once it has a slot, in seconds; past it the client gets 504 and the slot is freed.")
    var maxEvaluationSeconds: Double = 3600

    @Option(help: "Seconds a connection may take to send its request head, stall in its body, or sit idle between requests, before it is closed.")
    var idleTimeoutSeconds: Double = 30

    @Option(help: "Hours a key may go unused (no upload, no evaluation) before it expires.")
    var keyTTLHours: Double = 168

    @Flag(help: "Ask no token: anyone who reaches the port may upload keys and evaluate (local use, the main job); logs a warning.")
    var noAuth = false

    func validate() throws {
        do {
            try ServerConfiguration.checkOptions(
                port: port, host: host, keyStore: keyStore,
                mebibytes: [("--max-key-upload-mib", uploadMiB), ("--max-key-store-mib", storeMiB)],
                maxConcurrentEvaluations: maxConcurrentEvaluations, maxQueuedEvaluations: maxQueuedEvaluations,
                maxEvaluationSeconds: maxEvaluationSeconds, keyTTLHours: keyTTLHours,
                idleTimeoutSeconds: idleTimeoutSeconds)
        } catch let error as ServerOptionError {
            throw ValidationError(error.description)
        }
        for (new, legacy, value, renamed) in [("--max-key-upload-mib", "--max-key-upload-mi-b", maxKeyUploadMiB, legacyMaxKeyUploadMiB),
                                              ("--max-key-store-mib", "--max-key-store-mi-b", maxKeyStoreMiB, legacyMaxKeyStoreMiB)]
        where renamed != nil {
            guard value == nil else { throw ValidationError("\(legacy) is the old spelling of \(new): give only \(new)") }
            FileHandle.standardError.write(Data("warning: \(legacy) is deprecated and will go; use \(new)\n".utf8))
        }
    }

    private var uploadMiB: Int { maxKeyUploadMiB ?? legacyMaxKeyUploadMiB ?? 2048 }
    private var storeMiB: Int { maxKeyStoreMiB ?? legacyMaxKeyStoreMiB ?? 32768 }

    func run() async throws {
        let configuration = ServerConfiguration(
            host: host, port: port, keyStoreDirectory: URL(fileURLWithPath: keyStore),
            maxKeyUploadBytes: uploadMiB << 20, maxKeyStoreBytes: storeMiB << 20,
            maxConcurrentEvaluations: maxConcurrentEvaluations, maxQueuedEvaluations: maxQueuedEvaluations,
            maxEvaluationTime: .milliseconds(Int64((maxEvaluationSeconds * 1000).rounded(.up))),
            requiresTokens: !noAuth, keyTTL: keyTTLHours * 3600,
            idleTimeout: .milliseconds(Int64((idleTimeoutSeconds * 1000).rounded(.up))))
        try await ServerApplication.serve(bundleDirectory: URL(fileURLWithPath: bundle), configuration: configuration,
                                          makeEvaluator: EvaluatorFactory.make)
    }
}
