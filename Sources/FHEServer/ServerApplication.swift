// Assembles the HTTP server: routes, middleware, logging, graceful shutdown (on SIGTERM/SIGINT the
// replica drains its evaluations, then Hummingbird stops and lets requests in flight finish).
import FHECore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds and runs `cml-server serve`.
public enum ServerApplication {
    /// The HTTP application serving `bundle` through `evaluator`, with its drain, as one service group.
    /// - Parameters:
    ///   - handlesSignals: whether SIGTERM and SIGINT drain and stop it (otherwise `triggerGracefulShutdown()` does).
    ///   - clientSpec: the framed client spec served at GET /v1/client, if the client part is at hand.
    ///   - onServerRunning: called with the bound port once listening (port 0 picks one).
    /// - Throws: when the key store cannot be opened.
    public static func build(
        bundle: ServerBundle, clientSpec: Data?, configuration: ServerConfiguration,
        evaluator: any EncryptedCircuitEvaluating, logger: Logger,
        handlesSignals: Bool = false,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> ServiceGroup {
        let state = try ServerState(bundle: bundle, clientSpec: clientSpec, configuration: configuration, evaluator: evaluator,
                                    logger: logger)
        if !configuration.requiresTokens {
            logger.warning("--no-auth: no token is asked for; anyone who reaches the port may upload keys and evaluate, and all keys have one owner")
        } else if (try? state.authenticator.tokens.list().contains { $0.revoked == nil }) != true {
            logger.warning("no usable token yet: uploads and evaluations get 401 until one is made with `cml-server token create --store \(configuration.keyStoreDirectory.path)`")
        }
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: state.metrics))
        KeyController(state: state).addRoutes(to: router)
        EvaluationController(state: state).addRoutes(to: router)
        InfoController(state: state).addRoutes(to: router)
        router.add(middleware: UnroutedRequestMiddleware(routes: router.routes))
        // Hummingbird's idle timeout counts from the last HTTP part read or response sent, and a request head is
        // one part, decoded only once complete: a connection that never finishes its headers is closed too.
        let idleNanoseconds = configuration.idleTimeout.components.seconds * 1_000_000_000
            + configuration.idleTimeout.components.attoseconds / 1_000_000_000
        let application = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(idleNanoseconds))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cml-server"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        // Shut down in reverse order: the drain first, while the application still answers.
        return ServiceGroup(configuration: .init(services: [application, DrainService(state: state, logger: logger)],
                                                 gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [], logger: logger))
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
        let server = try build(bundle: bundle, clientSpec: client?.framedSpec, configuration: configuration,
                               evaluator: try makeEvaluator(bundle), logger: logger, handlesSignals: true) { port in
            logger.info("serving \(bundle.spec.modelName) on http://\(configuration.host):\(port) with the \(InstructionSet.active) engine kernels",
                        metadata: ["keyStore": "\(configuration.keyStoreDirectory.path)", "isa": "\(InstructionSet.active)"])
        }
        try await server.run()
    }
}
