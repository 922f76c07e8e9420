// POST /v1/keys: streamed upload of evaluation keys, stored as the token's; answers with their
// content-hash key id. DELETE /v1/keys/{id}: the token removes its own keys.
import FHECore
import Foundation
import Hummingbird

/// Routes for evaluation keys.
struct KeyController<Context: RequestContext> {
    let state: ServerState

    func addRoutes(to router: Router<Context>) {
        router.post("/v1/keys", use: upload)
        router.delete("/v1/keys/:id", use: delete)
    }

    @Sendable func upload(_ request: Request, context: Context) async throws -> Response {
        let owner = try state.authenticator.owner(of: request)
        let (id, bytes): (String, Int)
        do {
            (id, bytes) = try await state.keyStore.store(request.body, owner: owner, layout: state.bundle.keyLayout,
                                                         limits: state.configuration.wireLimits)
        } catch let error as WireFormatError {
            throw ServerError(error, servingModel: state.bundle)
        }
        await state.recordSizes()
        context.logger.info("stored evaluation keys", metadata: ["keyId": "\(id)", "bytes": "\(bytes)", "owner": "\(owner.name)"])
        var response = Cml_V1_KeyUploadResponse()
        response.keyID = id
        response.storedBytes = UInt64(bytes)
        return .frame(response.framed(), status: .created)
    }

    /// 204 once the keys are gone; 404 for keys the token does not have (another token's included).
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let owner = try state.authenticator.owner(of: request)
        guard owner.token != nil else {
            // Without tokens nothing proves who uploaded a key: keys then leave by expiry and eviction only.
            throw ServerError(.forbidden, code: "server.forbidden",
                              "this server runs with --no-auth, where no request proves it owns a key; keys leave by expiry or eviction",
                              field: "Authorization")
        }
        let id = context.parameters.get("id") ?? ""
        try state.keyStore.delete(owner: owner, id: id)
        await state.cache.remove(id: id)
        await state.recordSizes()
        return Response(status: .noContent)
    }
}
