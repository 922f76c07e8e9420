// GET /v1/client (the client part of the bundle), GET /health, GET /metrics.
import FHECore
import Foundation
import Hummingbird

/// Read-only routes.
struct InfoController<Context: RequestContext> {
    let state: ServerState

    func addRoutes(to router: Router<Context>) {
        router.get("/v1/client", use: client)
        router.get("/health") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/metrics", use: metrics)
    }

    @Sendable func client(_ request: Request, context: Context) async throws -> Response {
        guard let spec = state.clientSpec else {
            throw ServerError(.notFound, code: "server.no_client_bundle",
                              "this server was started without the bundle's client/ part")
        }
        return .frame(spec)
    }

    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        await state.recordSizes()
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                        body: .init(byteBuffer: ByteBuffer(bytes: state.metrics.registry.emitToBuffer())))
    }
}
