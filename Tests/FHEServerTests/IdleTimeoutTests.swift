import FHECore
@testable import FHEServer
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A raw TCP connection to the server, to send what no HTTP client would (unfinished headers).
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(descriptor) }

    /// Sends `text`; false once the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        text.withCString { Glibc.send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) } >= 0
    }

    /// What arrives until the server closes the connection or `bound` passes (polled, so no thread blocks).
    func readUntilClosed(bound: Duration) async throws -> (closed: Bool, text: String) {
        var received = [UInt8]()
        let end = ContinuousClock.now + bound
        while ContinuousClock.now < end {
            var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if Glibc.poll(&poll, 1, 0) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { return (true, String(decoding: received, as: UTF8.self)) }
                received += buffer.prefix(count)
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        return (false, String(decoding: received, as: UTF8.self))
    }
}

/// `--idle-timeout-seconds` (Hummingbird's idle timeout): a connection that never finishes its request
/// head, even one trickling bytes, is closed, as is one idle between requests; a response that takes
/// longer than the timeout to compute is not cut.
@Suite(.serialized) struct IdleTimeoutTests {
    static let idle = Duration.milliseconds(600)

    @Test func unfinishedHeadersAreClosed() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let server = try await RunningServer.start(keyStore: store, configure: { $0.idleTimeout = Self.idle })
        let start = ContinuousClock.now
        let silent = try RawConnection(port: server.port)
        silent.send("POST /v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Len")
        // A slow client sending a header byte every 100 ms never completes a head either.
        let trickling = try RawConnection(port: server.port)
        trickling.send("POST /v1/evaluate HTTP/1.1\r\n")
        let trickle = Task {
            for _ in 0..<60 {
                guard trickling.send("X") else { return }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let silentEnd = try await silent.readUntilClosed(bound: .seconds(5))
        let silentAfter = ContinuousClock.now - start
        let trickled = try await trickling.readUntilClosed(bound: .seconds(5))
        trickle.cancel()
        #expect(silentEnd.closed && silentAfter >= Self.idle - .milliseconds(100) && silentAfter < .seconds(4), "\(silentAfter)")
        #expect(trickled.closed && ContinuousClock.now - start < .seconds(5))
        #expect(try await server.request("GET", "/health").status == 200)
        await server.stop()
    }

    @Test func idleKeepAliveConnectionsAreClosedAndLongResponsesAreNot() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let server = try await RunningServer.start(keyStore: store, evaluator: { bundle in
            ControlledEvaluatorForTests(bundle: bundle) { _ in usleep(2_000_000) }
        }, configure: { $0.idleTimeout = Self.idle })
        let connection = try RawConnection(port: server.port)
        connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let start = ContinuousClock.now
        let answered = try await connection.readUntilClosed(bound: .seconds(5))
        #expect(answered.closed && answered.text.hasPrefix("HTTP/1.1 200") && ContinuousClock.now - start < .seconds(4), "\(answered)")

        // An evaluation of 2 s, past the 0.6 s timeout: the connection waits for its answer.
        let id = try TokenTests.keyID(try await server.post("/v1/keys", WireExamples.evaluationKeys().framed()))
        let evaluated = try await server.post("/v1/evaluate", TokenTests.evaluateRequest(id))
        #expect(evaluated.status == 200)
        await server.stop()
    }
}
