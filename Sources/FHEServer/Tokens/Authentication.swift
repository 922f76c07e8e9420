// Who sends a request: the token of its `Authorization: Bearer` header, checked against the token
// store on every request (a revocation by any replica counts at once), or, with `--no-auth`, one
// anonymous owner for everybody. Checked from the headers alone, before any body is read.
import FHECore
import Foundation
import Hummingbird

/// The owner of the keys a request may use.
struct KeyOwner: Sendable, Hashable {
    /// The owner's directory under keys/: the token's id, or `anonymous` without authentication.
    let name: String
    /// The token's record; nil without authentication.
    let token: TokenRecord?

    /// Every client of a server started with `--no-auth`.
    static let anonymous = KeyOwner(name: "anonymous", token: nil)

    static func == (lhs: KeyOwner, rhs: KeyOwner) -> Bool { lhs.name == rhs.name }
    func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// Checks bearer tokens.
struct Authenticator: Sendable {
    /// False with `--no-auth`: every request is the anonymous owner's.
    let requiresTokens: Bool
    let tokens: TokenStore

    /// The owner named by `request`'s bearer token.
    /// - Throws: `ServerError` 401 (header `WWW-Authenticate`) for a missing, malformed, unknown or revoked token.
    func owner(of request: Request) throws -> KeyOwner {
        guard requiresTokens else { return .anonymous }
        let scheme = "Bearer "
        guard let header = request.headers[.authorization] else {
            throw Self.refusal("server.missing_token", "this server needs a token: send `Authorization: Bearer <token>` "
                               + "(cml-client --token or $CML_TOKEN; the operator creates one with `cml-server token create`)",
                               challenge: #"Bearer realm="cml-server""#)
        }
        guard header.count > scheme.count, header.prefix(scheme.count).lowercased() == scheme.lowercased() else {
            throw Self.refusal("server.missing_token", "the Authorization header is not `Bearer <token>`",
                               challenge: #"Bearer realm="cml-server", error="invalid_request""#)
        }
        let token = header.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces)
        guard let record = tokens.record(ofToken: token) else {
            throw Self.refusal("server.unknown_token", "the token is not one of this server's",
                               challenge: #"Bearer realm="cml-server", error="invalid_token""#)
        }
        if let revoked = record.revoked {
            throw Self.refusal("server.revoked_token",
                               "token \(record.id) was revoked on \(revoked.formatted(.iso8601)); ask the operator for a new one",
                               challenge: #"Bearer realm="cml-server", error="invalid_token""#)
        }
        return KeyOwner(name: record.id, token: record)
    }

    private static func refusal(_ code: String, _ message: String, challenge: String) -> ServerError {
        ServerError(.unauthorized, code: code, message, field: "Authorization", headers: [.wwwAuthenticate: challenge])
    }
}
