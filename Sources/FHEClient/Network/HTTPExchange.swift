// One HTTP/1.1 request and its response over a plain blocking socket, on a thread of its own. The client spends
// most of its life waiting for a server that evaluates for minutes: blocked in poll(2), that wait costs no CPU
// (URLSession on Linux, driven by libcurl's multi interface through dispatch sources, kept about 0.6 of a core busy
// over the same wait). Writing the body ourselves also lets the CLI show the upload's bytes and rate. No NIO, so
// that FHEClient still embeds in an app; https:// stays with URLSession (TLS is not ours to write).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A finished HTTP exchange.
struct HTTPResponseData: Sendable {
    /// The status code.
    let status: Int
    /// The body, de-chunked.
    let body: Data
}

/// HTTP/1.1 over a blocking socket (http:// only).
enum HTTPExchange {
    /// How often a waiting exchange wakes to report the time waited (once a second costs nothing measurable).
    static let tick: Int32 = 1000

    /// Sends `method path` with `body` to `url`'s host and returns the response, on a new thread.
    /// - Parameters:
    ///   - sent: called with the bytes of the body sent so far, as they go.
    ///   - waiting: called about once a second with the seconds waited since the request was sent.
    /// - Throws: `ClientError` "client.network" naming the URL and the system's reason.
    static func send(_ url: URL, method: String, body: Data?, contentType: String?, authorization: String? = nil, timeout: Duration,
                     sent: @escaping @Sendable (Int) -> Void = { _ in },
                     waiting: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> HTTPResponseData {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: try exchange(url, method: method, body: body, contentType: contentType,
                                                                authorization: authorization, timeout: timeout, sent: sent,
                                                                waiting: waiting))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "cml-http"
            thread.start()
        }
    }

    /// The exchange itself, blocking the calling thread.
    static func exchange(_ url: URL, method: String, body: Data?, contentType: String?, authorization: String? = nil,
                         timeout: Duration, sent: (Int) -> Void, waiting: (Int) -> Void) throws -> HTTPResponseData {
        guard url.scheme == "http", let host = url.host else {
            throw ClientError(code: "client.network", "\(url.absoluteString): only http:// URLs go through a plain socket")
        }
        func failure(_ what: String, _ code: Int32) -> ClientError {
            ClientError(code: "client.network", "\(url.absoluteString): \(what): \(String(cString: strerror(code)))")
        }
        let socket = try connect(host: host, port: url.port ?? 80, url: url)
        defer { close(socket) }
        let deadline = ContinuousClock.now + timeout

        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(url.port ?? 80)\r\nConnection: close\r\nAccept: */*\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if let authorization { head += "Authorization: \(authorization)\r\n" }
        head += "Content-Length: \(body?.count ?? 0)\r\n\r\n"
        do {
            try write(Data(head.utf8), to: socket) { _ in }
            if let body { try write(body, to: socket, progress: sent) }
        } catch let error as SendFailure where error.code == EPIPE || error.code == ECONNRESET {
            // The server answered early (a limit) and closed: its answer is still there to read.
        } catch let error as SendFailure {
            throw failure("send", error.code)
        }

        // The response: wait in poll(2), read what comes, until the whole body is in.
        var received = Data()
        var header: (status: Int, bodyStart: Int, length: Int?, chunked: Bool)?
        let started = ContinuousClock.now
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let header, let length = header.length, received.count - header.bodyStart >= length { break }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, tick)
            if ready < 0 {
                if errno == EINTR { continue }
                throw failure("wait for the answer", errno)
            }
            if ready == 0 {
                guard ContinuousClock.now < deadline else {
                    throw ClientError(code: "client.network", "\(url.absoluteString): no answer within \(timeout)")
                }
                let seconds = (ContinuousClock.now - started).components.seconds
                waiting(Int(seconds))
                continue
            }
            let count = recv(socket, &buffer, buffer.count, 0)
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("receive", errno)
            }
            if count == 0 { break }  // the server closed: the body ends here (Connection: close)
            received.append(contentsOf: buffer[0..<count])
            if header == nil { header = try parseHead(received, url: url) }
        }
        guard let header else {
            throw ClientError(code: "client.network", "\(url.absoluteString): the server closed the connection without an answer")
        }
        var bodyData = received.subdata(in: header.bodyStart..<received.count)
        if let length = header.length { bodyData = bodyData.prefix(length) }
        if header.chunked { bodyData = try dechunk(bodyData, url: url) }
        return HTTPResponseData(status: header.status, body: bodyData)
    }

    /// A connected TCP socket to `host:port` (any address the name resolves to).
    static func connect(host: String, port: Int, url: URL) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw ClientError(code: "client.network", "\(url.absoluteString): cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(first) }
        var lastError: Int32 = 0
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            let socket = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
                                      address.pointee.ai_protocol)
            if socket >= 0 {
                if Glibc.connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return socket }
                lastError = errno
                close(socket)
            } else {
                lastError = errno
            }
            candidate = address.pointee.ai_next
        }
        throw ClientError(code: "client.network", "\(url.absoluteString): cannot connect: \(String(cString: strerror(lastError)))")
    }

    /// A failed send(2) and its errno.
    struct SendFailure: Error { let code: Int32 }

    /// Writes all of `data`, telling `progress` the bytes written so far.
    /// - Throws: `SendFailure`.
    static func write(_ data: Data, to socket: Int32, progress: (Int) -> Void) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let chunk = min(1 << 20, bytes.count - offset)
                let written = Glibc.send(socket, bytes.baseAddress! + offset, chunk, Int32(MSG_NOSIGNAL))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw SendFailure(code: errno)
                }
                offset += written
                progress(offset)
            }
        }
    }

    /// The status line and the headers that matter, once they are all in `data`; nil before.
    static func parseHead(_ data: Data, url: URL) throws -> (status: Int, bodyStart: Int, length: Int?, chunked: Bool)? {
        guard let end = data.firstRange(of: Data("\r\n\r\n".utf8)) else {
            guard data.count < 64 << 10 else {
                throw ClientError(code: "client.network", "\(url.absoluteString): the answer's header exceeds 64 kB")
            }
            return nil
        }
        let lines = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw ClientError(code: "client.network", "\(url.absoluteString): not an HTTP/1.1 answer")
        }
        var length: Int?
        var chunked = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0].lowercased() {
            case "content-length": length = Int(parts[1])
            case "transfer-encoding": chunked = parts[1].lowercased().contains("chunked")
            default: break
            }
        }
        return (status, end.upperBound - data.startIndex, chunked ? nil : length, chunked)
    }

    /// The body of a chunked transfer encoding.
    static func dechunk(_ data: Data, url: URL) throws -> Data {
        var output = Data()
        var index = data.startIndex
        let crlf = Data("\r\n".utf8)
        while let lineEnd = data[index...].firstRange(of: crlf) {
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw ClientError(code: "client.network", "\(url.absoluteString): a malformed chunk size in the answer")
            }
            if size == 0 { return output }
            let start = lineEnd.upperBound
            guard data.endIndex - start >= size else { break }
            output.append(data[start..<start + size])
            index = start + size + 2
            guard index <= data.endIndex else { break }
        }
        throw ClientError(code: "client.network", "\(url.absoluteString): the answer ended inside a chunk")
    }
}
