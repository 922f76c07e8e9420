// Prometheus metrics of one server: requests by route and status, latency, table lookups,
// evaluations running and queued, the key store's size, and the engine's instruction set. Each server owns its registry (no global bootstrap), so several servers
// can run in one process (tests).
import FHECore
import Foundation
import Hummingbird
import Prometheus

/// The metrics a server exports at GET /metrics.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let tableLookups: Counter
    private let tableLookupsPerSecond: Gauge
    private let keyStoreBytes: Gauge
    private let preparedKeyBytes: Gauge
    private let evaluationsRunning: Gauge
    private let evaluationsQueued: Gauge
    private static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(10), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60), .seconds(300),
    ]

    init() {
        tableLookups = registry.makeCounter(descriptor: Self.name("table_lookups", "total", "Programmable bootstraps evaluated"))
        tableLookupsPerSecond = registry.makeGauge(
            descriptor: Self.name("table_lookups", "per_second", "Table lookups per second over the last evaluation"))
        keyStoreBytes = registry.makeGauge(descriptor: Self.name("key_store", "bytes", "Bytes of evaluation keys on disk"))
        preparedKeyBytes = registry.makeGauge(descriptor: Self.name("prepared_keys", "bytes", "Bytes of prepared keys in memory"))
        evaluationsRunning = registry.makeGauge(descriptor: Self.name("evaluations", "running", "Evaluations in progress"))
        evaluationsQueued = registry.makeGauge(descriptor: Self.name("evaluations", "queued", "Evaluations waiting for a slot"))
        // An info metric (value 1, the facts in labels): the vector instructions the engine's kernels run on.
        registry.makeGauge(descriptor: Self.name("engine", "info", "Instruction set of the engine's kernels (CML_ENGINE_ISA or the best this CPU runs)"),
                           labels: [("isa", InstructionSet.active.rawValue)]).set(to: 1)
    }

    /// Records how many evaluations run and wait now.
    @Sendable func recordEvaluationSlots(running: Int, queued: Int) {
        evaluationsRunning.set(to: Double(running))
        evaluationsQueued.set(to: Double(queued))
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "cml", metricName: metric, unitName: unit, helpText: help)
    }

    /// Records one finished request.
    func recordRequest(route: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.name("requests", "total", "HTTP requests by route and status"),
                             labels: [("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.name("request_duration", "seconds", "Request latency"),
                                       labels: [("route", route)], buckets: Self.latencyBuckets).record(duration)
    }

    /// Records one evaluation of `count` table lookups that took `duration`.
    func recordEvaluation(tableLookups count: Int, duration: Duration) {
        tableLookups.increment(by: Int64(count))
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        if seconds > 0 { tableLookupsPerSecond.set(to: Double(count) / seconds) }
    }

    /// Records the current sizes of the key store and the prepared-key cache.
    func recordSizes(keyStore: Int, preparedKeys: Int) {
        keyStoreBytes.set(to: Double(keyStore))
        preparedKeyBytes.set(to: Double(preparedKeys))
    }
}

/// Times every request and counts it by route and status, including refused ones.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        // The matched route, not the path: a client sending arbitrary paths must not add label values.
        func route() -> String { context.endpointPath.map { $0 == "NotFound" ? "unrouted" : $0 } ?? "unrouted" }
        do {
            let response = try await next(request, context)
            metrics.recordRequest(route: route(), status: response.status.code, duration: ContinuousClock.now - start)
            return response
        } catch let error as any HTTPResponseError {
            metrics.recordRequest(route: route(), status: error.status.code, duration: ContinuousClock.now - start)
            throw error
        } catch {
            metrics.recordRequest(route: route(), status: 500, duration: ContinuousClock.now - start)
            throw error
        }
    }
}
