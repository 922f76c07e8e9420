// Graceful drain on SIGTERM (or SIGINT): the replica keeps listening, says it is not ready, answers new
// evaluations 503 with Retry-After (the client or load balancer retries on another replica), and waits
// for the evaluations it has taken (running and queued) to finish; only then does the HTTP server stop,
// letting requests still in flight end. Services of a group shut down in reverse order, so this one,
// listed after the application, drains before the application is told to stop.
import Foundation
import Logging
import ServiceLifecycle

/// Whether the replica is draining, shared by the handlers.
final class DrainState: @unchecked Sendable {
    private let lock = NSLock()
    private var draining = false

    /// True once a shutdown signal arrived.
    var isDraining: Bool { lock.withLock { draining } }

    /// Starts the drain (for good).
    func begin() { lock.withLock { draining = true } }
}

/// Waits for the shutdown signal, then drains the server's evaluations.
struct DrainService: Service {
    let state: ServerState
    let logger: Logger

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: the group stops at once
        }
        state.drain.begin()
        let (_, summary) = await state.limiter.readiness
        logger.info("draining: new evaluations get 503 until the ones taken finish", metadata: ["slots": "\(summary)"])
        await state.limiter.waitUntilIdle()
        logger.info("drained: stopping the HTTP server")
    }
}
