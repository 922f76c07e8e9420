// Every refusal of the server: an HTTP status and a framed ErrorReport body that names the field
// and offset at fault. 400 malformed, 401 no usable token, 403 forbidden, 404 unknown key id, 405 wrong
// method, 413 too large, 422 wrong parameters, 429 too many evaluations (running and queued, the
// server's or the token's), 500 a store fault (with a report), 503 draining, 504 past the evaluation
// deadline; nothing a client sends makes the server crash.
import FHECore
import Foundation
import Hummingbird

/// A request the server refuses, or a fault while serving it.
public struct ServerError: Error, HTTPResponseError, CustomStringConvertible {
    /// HTTP status.
    public let status: HTTPResponse.Status
    /// Stable machine-readable code ("wire.bad_checksum", "server.unknown_key", …).
    public let code: String
    /// One line for humans; never contains key material or plaintexts.
    public let message: String
    /// Wire field at fault, if any.
    public let field: String
    /// Byte offset in the request body, if known.
    public let offset: Int?
    /// Extra response headers (Allow for 405, WWW-Authenticate for 401, Retry-After for 503).
    public let headers: HTTPFields

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String = "", offset: Int? = nil,
                headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.offset = offset
        self.headers = headers
    }

    /// Maps a wire error: limits to 413, other parameters to 422, everything else to 400.
    public init(_ error: WireFormatError) {
        let status: HTTPResponse.Status = switch error.code {
        case .tooLarge: .contentTooLarge
        case .parameterMismatch: .unprocessableContent
        default: .badRequest
        }
        let at = error.offset.map { " at byte \($0)" } ?? ""
        // The code travels in its own field: the message says only where and what.
        self.init(status, code: error.code.description, "\(error.field)\(at): \(error.detail)", field: error.field, offset: error.offset)
    }

    /// Maps a wire error of a request against `bundle`: keys or ciphertexts made for another model's parameters
    /// get the model this server evaluates and what to run; anything else as `init(_:)`.
    public init(_ error: WireFormatError, servingModel bundle: ServerBundle) {
        guard error.code == .parameterMismatch else { self.init(error); return }
        self.init(.unprocessableContent, code: error.code.description,
                  "\(error.field): \(error.detail). These were made for another model's parameters; this server evaluates model "
                  + "'\(bundle.spec.modelName)' (key-layout hash \(BLAKE2b.hex(bundle.keyLayout.hash).prefix(12))…): generate keys for it "
                  + "with `cml-client keygen --bundle BUNDLE/client -o KEYS` on that bundle's client part "
                  + "(GET /v1/client serves it), then encrypt with them", field: error.field, offset: error.offset)
    }

    /// The error as its wire message.
    public var report: Cml_V1_ErrorReport {
        var report = Cml_V1_ErrorReport()
        report.httpStatus = UInt32(status.code)
        report.code = code
        report.message = message
        report.field = field
        report.offset = UInt64(offset ?? 0)
        return report
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.frame(report.framed(), status: status, headers: headers)
    }

    public var description: String { "\(status.code) \(code): \(message)" }
}

extension Response {
    /// Media type of framed messages.
    static let frameMediaType = "application/vnd.cml.frame"

    /// A response whose body is a framed message.
    static func frame(_ bytes: Data, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = frameMediaType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
