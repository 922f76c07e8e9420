// Assembles the HTTP server: routes, middleware, logging, graceful shutdown (Hummingbird's
// service group stops on SIGTERM/SIGINT and lets requests in flight finish).
import FHECore
import Foundation
import Hummingbird
import Logging

/// Builds and runs `cml-server serve`.
public enum ServerApplication {
    /// The HTTP application serving `bundle` through `evaluator`.
    /// - Parameters:
    ///   - clientSpec: the framed client spec served at GET /v1/client, if the client part is at hand.
    ///   - onServerRunning: called with the bound port once listening (port 0 picks one).
    /// - Throws: when the key store cannot be opened.
    public static func build(
        bundle: ServerBundle, clientSpec: Data?, configuration: ServerConfiguration,
        evaluator: any EncryptedCircuitEvaluating, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let state = try ServerState(bundle: bundle, clientSpec: clientSpec, configuration: configuration, evaluator: evaluator,
                                    logger: logger)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: state.metrics))
        KeyController(state: state).addRoutes(to: router)
        EvaluationController(state: state).addRoutes(to: router)
        InfoController(state: state).addRoutes(to: router)
        router.add(middleware: UnroutedRequestMiddleware(routes: router.routes))
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cml-server"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }

    /// Loads BUNDLE/server (and its sibling client/ part when present) and serves it until SIGTERM or SIGINT.
    /// - Throws: `BundleError` for a bundle that does not load, or a start-up failure.
    public static func serve(bundleDirectory: URL, configuration: ServerConfiguration,
                             makeEvaluator: (ServerBundle) throws -> any EncryptedCircuitEvaluating) async throws {
        let logger = { var logger = Logger(label: "cml-server"); logger.logLevel = .info; return logger }()
        let bundle = try ServerBundle.load(from: bundleDirectory)
        let clientDirectory = bundleDirectory.deletingLastPathComponent().appendingPathComponent("client")
        let client = try? ClientBundle.load(from: clientDirectory)
        if client == nil { logger.warning("no client part next to the server bundle: GET /v1/client will answer 404") }
        let app = try build(bundle: bundle, clientSpec: client?.framedSpec, configuration: configuration,
                            evaluator: try makeEvaluator(bundle), logger: logger) { port in
            logger.info("serving \(bundle.spec.modelName) on http://\(configuration.host):\(port) with the \(InstructionSet.active) engine kernels",
                        metadata: ["keyStore": "\(configuration.keyStoreDirectory.path)", "isa": "\(InstructionSet.active)"])
        }
        try await app.runService()
    }
}
