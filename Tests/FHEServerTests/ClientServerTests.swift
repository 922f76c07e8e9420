@testable import FHEClient
import FHECore
import Foundation
import Testing

/// FHEClient's URLSession connection against a live server on 127.0.0.1: the keys go up once
/// (on the first 404), later evaluations reuse the content-derived key id, and server refusals
/// reach the caller as ClientErrors carrying the server's code.
@Suite(.serialized) struct ClientServerTests {
    @Test func keysAreUploadedOnceAndReused() async throws {
        let store = ServerTests.temporaryDirectory()
        let bundle = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store); try? FileManager.default.removeItem(at: bundle) }
        try BundleWriter.write(clientSpec: WireExamples.clientSpec, serverSpec: WireExamples.serverSpec, to: bundle)
        let keysDirectory = bundle.appendingPathComponent("keys")
        let (holder, _) = try KeyDirectory.generate(bundleDirectory: bundle.appendingPathComponent("client"),
                                                    into: keysDirectory, protection: .insecurePlaintext)
        let framedKeys = try KeyDirectory.evaluationKeys(in: keysDirectory)
        let server = try await RunningServer.start(keyStore: store)
        let connection = ServerConnection(baseURL: URL(string: "http://127.0.0.1:\(server.port)")!)

        // The client bundle can be fetched from the server and matches ours.
        #expect(try await connection.clientSpec() == holder.bundle.framedSpec)

        let steps = StepLog()
        let progress = ProgressReporter(style: .lines) { steps.append($0) }
        let inputs = try holder.encryptBatch([Tensor(shape: [1, 2], values: [0.25, -0.5])])
        let first = try await connection.evaluate(framedKeys: framedKeys, inputs: inputs, progress: progress)
        let second = try await connection.evaluate(framedKeys: framedKeys, inputs: inputs, progress: progress)
        #expect(progress.timings.filter { $0.name.hasPrefix("uploading") }.count == 1, "\(steps.lines)")
        #expect(first.count == second.count)
        // The test double's outputs are not real ciphertexts, but they are a valid batch for the keys.
        #expect(try holder.decrypt(first)[0].shape == [1, 3])

        let unknown = try await #require(throws: ClientError.self) {
            try await connection.evaluate(keyID: String(repeating: "0", count: 64), inputs: inputs)
        }
        #expect(unknown.code == "server.unknown_key")
        await server.stop()
    }
}

/// Collects progress lines from a @Sendable callback.
final class StepLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
