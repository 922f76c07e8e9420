// GET /v1/client (the client part of the bundle), GET /health (liveness: the process answers; JSON with
// the engine's instruction set),
// GET /ready (readiness: a new evaluation would be taken now), GET /metrics.
import FHECore
import Foundation
import Hummingbird

/// Read-only routes.
struct InfoController<Context: RequestContext> {
    let state: ServerState

    func addRoutes(to router: Router<Context>) {
        router.get("/v1/client", use: client)
        router.get("/health") { _, _ in Self.health }
        router.get("/ready", use: ready)
        router.get("/metrics", use: metrics)
    }

    @Sendable func client(_ request: Request, context: Context) async throws -> Response {
        guard let spec = state.clientSpec else {
            throw ServerError(.notFound, code: "server.no_client_bundle",
                              "this server was started without the bundle's client/ part")
        }
        return .frame(spec)
    }

    /// 200 while a new evaluation would run or queue, 503 with Retry-After while it would get 429 or the
    /// replica drains, so that a load balancer sends work elsewhere without deeming the replica dead.
    @Sendable func ready(_ request: Request, context: Context) async throws -> Response {
        let (accepting, summary) = await state.limiter.readiness
        if state.drain.isDraining {
            return Self.text("draining: \(summary)\n", status: .serviceUnavailable, headers: [.retryAfter: "1"])
        }
        guard accepting else {
            return Self.text("busy: \(summary)\n", status: .serviceUnavailable, headers: [.retryAfter: "1"])
        }
        return Self.text("ready: \(summary)\n")
    }

    /// `{"status":"ok","isa":"avx2","version":"…"}`: the process answers, and with which kernels.
    static var health: Response {
        let body = #"{"status":"ok","isa":"\#(InstructionSet.active.rawValue)","version":"\#(CMLVersion.current)"}"# + "\n"
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func text(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/plain"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        await state.recordSizes()
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                        body: .init(byteBuffer: ByteBuffer(bytes: state.metrics.registry.emitToBuffer())))
    }
}
