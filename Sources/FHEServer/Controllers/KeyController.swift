// POST /v1/keys: streamed upload of evaluation keys; answers with their content-hash key id.
import FHECore
import Foundation
import Hummingbird

/// Routes for evaluation keys.
struct KeyController<Context: RequestContext> {
    let state: ServerState

    func addRoutes(to router: Router<Context>) {
        router.post("/v1/keys", use: upload)
    }

    @Sendable func upload(_ request: Request, context: Context) async throws -> Response {
        let (id, bytes): (String, Int)
        do {
            (id, bytes) = try await state.keyStore.store(request.body, layout: state.bundle.keyLayout,
                                                         limits: state.configuration.wireLimits)
        } catch let error as WireFormatError {
            throw ServerError(error, servingModel: state.bundle)
        }
        await state.recordSizes()
        context.logger.info("stored evaluation keys", metadata: ["keyId": "\(id)", "bytes": "\(bytes)"])
        var response = Cml_V1_KeyUploadResponse()
        response.keyID = id
        response.storedBytes = UInt64(bytes)
        return .frame(response.framed(), status: .created)
    }
}
