// Requests no route takes: 404 for an unknown path, 405 (with Allow) for a known path and another
// method, each with the framed ErrorReport every other refusal carries.
import FHECore
import Foundation
import Hummingbird

/// Answers what reaches the router's not-found responder. Added after every route, so it wraps
/// only that responder (Hummingbird applies a middleware to the endpoints added after it).
struct UnroutedRequestMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Methods by path, of every route of the server.
    let methods: [String: [HTTPRequest.Method]]

    init(routes: [Router<Context>.RouteDescription]) {
        methods = Dictionary(grouping: routes, by: { $0.path.description }).mapValues { $0.map(\.method) }
    }

    /// The methods of the route `path` matches (a `:name` or `{name}` component of a route matches any one component).
    func allowed(for path: String) -> [HTTPRequest.Method]? {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        return methods.first { route, _ in
            let pattern = route.split(separator: "/", omittingEmptySubsequences: true)
            return pattern.count == components.count && zip(pattern, components).allSatisfy { $0.hasPrefix(":") || $0.hasPrefix("{") || $0 == $1 }
        }?.value
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard let allowed = allowed(for: path) else {
            throw ServerError(.notFound, code: "server.unknown_route",
                              "no route \(path); the server answers \(methods.keys.sorted().joined(separator: ", "))", field: "path")
        }
        let names = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        throw ServerError(.methodNotAllowed, code: "server.method_not_allowed",
                          "\(path) takes \(names), not \(request.method.rawValue)", field: "method", headers: [.allow: names])
    }
}
