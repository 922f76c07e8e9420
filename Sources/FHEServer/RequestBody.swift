// Reading request bodies under a limit: counted as they arrive, refused with 413 the moment
// they pass it, so an oversized body is never held.
import FHECore
import Foundation
import Hummingbird

extension RequestBody {
    /// The whole body, at most `limit` bytes.
    /// - Throws: `ServerError` 413 past the limit.
    func collect(limit: Int, field: String) async throws -> Data {
        var data = Data()
        for try await buffer in self {
            guard data.count + buffer.readableBytes <= limit else {
                throw ServerError(.contentTooLarge, code: "server.body_too_large",
                                  "request body exceeds the limit of \(limit) bytes", field: field, offset: limit)
            }
            buffer.withUnsafeReadableBytes { data.append(contentsOf: $0) }
        }
        return data
    }
}
