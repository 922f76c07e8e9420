// `cml-client predict` waits for a server that evaluates for minutes; waiting must cost no CPU (issue 18 item 6:
// the URLSession client kept 0.6 of a core busy, taking it from a server on the same machine).
import FHECore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ClientWaitTests {
    /// A server that reads one request, then answers only when told to.
    final class SlowServer: @unchecked Sendable {
        let port: Int
        private let listener: Int32
        private let received = DispatchSemaphore(value: 0)
        private let release = DispatchSemaphore(value: 0)

        init() throws {
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.listener = listener
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
            }
            try #require(bound && listen(listener, 4) == 0)
            port = Int(UInt16(bigEndian: address.sin_port))
            Thread { [self] in serve() }.start()
        }

        private func serve() {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection); close(listener) }
            var request = Data()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            // The whole request: the header, then Content-Length bytes.
            while true {
                let count = recv(connection, &buffer, buffer.count, 0)
                if count <= 0 { return }
                request.append(contentsOf: buffer[0..<count])
                if let end = request.firstRange(of: Data("\r\n\r\n".utf8)) {
                    let head = String(decoding: request[..<end.lowerBound], as: UTF8.self).lowercased()
                    let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if request.count - end.upperBound >= length { break }
                }
            }
            received.signal()
            release.wait()
            let answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy"
            _ = answer.withCString { send(connection, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        }

        /// Waits (off the cooperative pool) until the request is in.
        func requestReceived(within timeout: Duration) async -> Bool {
            await withCheckedContinuation { continuation in
                Thread { [self] in
                    continuation.resume(returning: received.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000))) == .success)
                }.start()
            }
        }

        /// Lets the server answer.
        func answer() { release.signal() }
    }

    /// User + system CPU seconds of process `pid` so far: what getrusage(2) reports for it, read from
    /// /proc/PID/stat (utime and stime, fields 14 and 15, in clock ticks) because the process is not ours.
    static func cpuSeconds(of pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name, which is in parentheses and may contain spaces.
        let fields = stat[stat.range(of: ")", options: .backwards)!.upperBound...].split(separator: " ")
        let ticks = Double(fields[11])! + Double(fields[12])!
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    @Test func predictWaitsWithoutSpinning() async throws {
        let directory = try await CommandLineTests.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try SlowServer()
        let client = try CommandLineTests.launch("cml-client", [
            "predict", "--server", "http://127.0.0.1:\(server.port)", "--keys", "\(directory.path)/keys",
            "-i", CommandLineTests.inputs, "-o", "\(directory.path)/y.npy"], passphrase: "toy passphrase")
        defer { if client.process.isRunning { client.process.terminate() } }
        let arrived = await server.requestReceived(within: .seconds(60))
        try #require(arrived, "the client sent no request: \(client.output())")

        // The request is in; the client now only waits for the answer.
        let pid = client.process.processIdentifier
        let before = try Self.cpuSeconds(of: pid)
        let wait = ContinuousClock.now
        try await Task.sleep(for: .seconds(4))
        let spent = try Self.cpuSeconds(of: pid) - before
        let waited = ContinuousClock.now - wait
        server.answer()
        while client.process.isRunning { try await Task.sleep(for: .milliseconds(20)) }

        // 0.6 of a core would be 2.4 s here; a waiting process wakes about once a second, for nothing measurable.
        #expect(spent < 0.1, "cml-client used \(spent) s of CPU in \(waited) of waiting")
        #expect(client.process.terminationStatus != 0 && client.output().contains("server answered 503"), "\(client.output())")
        #expect(client.output().contains("the server evaluates: "), "the wait shows its time: \(client.output())")
    }
}
