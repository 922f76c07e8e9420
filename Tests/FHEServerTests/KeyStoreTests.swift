import FHECore
@testable import FHEServer
import Foundation
import Hummingbird
import Logging
import Testing

/// The key store heals: a stored file damaged on disk is found when read, removed and answered as
/// unknown (the client's cue to upload again), a re-upload replaces it, a full disk is the protocol's
/// 413, and several processes can share one directory (and its sizes and evictions).
@Suite(.serialized) struct KeyStoreTests {
    static func keyFile(_ store: URL, _ id: String) -> URL { store.appendingPathComponent("keys/anonymous/\(id).cml") }

    func evaluateRequest(_ keyID: String) -> Data {
        var request = Cml_V1_EvaluateRequest()
        request.keyID = keyID
        request.inputs = WireExamples.inputBatch(batchSize: 1)
        return request.framed()
    }

    /// Damages the stored file with `damage`, then: evaluate 404 naming the damage, the file gone, re-upload 201, evaluate 200.
    func healsAfter(_ damage: (inout Data) -> Void) async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let keys = WireExamples.evaluationKeys().framed()
        let server = try await RunningServer.start(keyStore: store)
        let id = try Cml_V1_KeyUploadResponse.decodeFramed(try await server.post("/v1/keys", keys).body).keyID
        var stored = try Data(contentsOf: Self.keyFile(store, id))
        damage(&stored)
        try stored.write(to: Self.keyFile(store, id))

        let damaged = try await server.post("/v1/evaluate", evaluateRequest(id))
        #expect(damaged.status == 404 && damaged.report?.code == "server.unknown_key" && damaged.report?.field == "keyId")
        #expect(damaged.report?.message.contains("damaged") == true, "\(String(describing: damaged.report))")
        #expect(!FileManager.default.fileExists(atPath: Self.keyFile(store, id).path))
        #expect(try await server.post("/v1/keys", keys).status == 201)
        #expect(try await server.post("/v1/evaluate", evaluateRequest(id)).status == 200)
        #expect(try Data(contentsOf: Self.keyFile(store, id)) == keys)
        await server.stop()
    }

    @Test func flippedByteHealsByReupload() async throws {
        try await healsAfter { $0[$0.count / 2] ^= 0x10 }
    }

    @Test func truncatedFileHealsByReupload() async throws {
        try await healsAfter { $0 = $0.prefix($0.count - 100) }
    }

    /// A re-upload of keys whose file was damaged replaces it (it used to keep the damaged one).
    @Test func reuploadReplacesDamagedFile() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let keys = WireExamples.evaluationKeys().framed()
        let server = try await RunningServer.start(keyStore: store)
        let id = try Cml_V1_KeyUploadResponse.decodeFramed(try await server.post("/v1/keys", keys).body).keyID
        var stored = keys
        stored[40] ^= 1
        try stored.write(to: Self.keyFile(store, id))
        #expect(try await server.post("/v1/keys", keys).status == 201)
        #expect(try Data(contentsOf: Self.keyFile(store, id)) == keys)
        #expect(try await server.post("/v1/evaluate", evaluateRequest(id)).status == 200)
        await server.stop()
    }

    /// A full disk (here /dev/full, whose writes fail with ENOSPC) is a 413 with the protocol's code.
    @Test func fullDiskIs413() throws {
        let file = try StoreFile(writingTo: URL(fileURLWithPath: "/dev/full"), logger: Logger(label: "test"))
        let error = #expect(throws: ServerError.self) {
            try [UInt8](repeating: 1, count: 4096).withUnsafeBytes { try file.write($0) }
        }
        #expect(error?.status == .contentTooLarge && error?.code == "server.disk_full")
        let other = StoreFile.failure("write", URL(fileURLWithPath: "/x"), errno: EIO, logger: Logger(label: "test"))
        #expect(other.status == .internalServerError && other.code == "server.key_store" && !other.message.contains("/x"))
    }

    /// Two stores on one directory (two replicas): opening the second keeps the first's upload in flight,
    /// sizes and limits count each other's keys, and only stale uploads are swept.
    @Test func storesShareOneDirectory() async throws {
        let directory = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let one = WireExamples.evaluationKeys(salt: 1).framed(), two = WireExamples.evaluationKeys(salt: 2).framed()
        let limits = ServerConfiguration(keyStoreDirectory: directory).wireLimits
        let first = try KeyStore(directory: directory, maxBytes: one.count + two.count)
        let inFlight = directory.appendingPathComponent("incoming/999-upload.part")
        let stale = directory.appendingPathComponent("incoming/998-crashed.part")
        try Data([1, 2, 3]).write(to: inFlight)
        try Data([4]).write(to: stale)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -KeyStore.staleUploadAge - 60)],
                                              ofItemAtPath: stale.path)

        let second = try KeyStore(directory: directory, maxBytes: one.count + 10)
        #expect(FileManager.default.fileExists(atPath: inFlight.path))
        #expect(!FileManager.default.fileExists(atPath: stale.path))

        let layout = WireExamples.keyLayout
        let (id, _) = try await first.store(RequestBody(buffer: ByteBuffer(bytes: one)), owner: .anonymous, layout: layout, limits: limits)
        #expect(second.byteCount == one.count && first.byteCount == one.count)
        #expect(try second.keys(owner: .anonymous, id: id, limits: limits).checksum == (try Frame.decode(one).checksum))
        // The second's limit counts the keys the first stored: it makes room by evicting them, and the first sees that.
        #expect(two.count <= one.count + 10)
        let (idTwo, _) = try await second.store(RequestBody(buffer: ByteBuffer(bytes: two)), owner: .anonymous, layout: layout, limits: limits)
        #expect(second.byteCount == two.count && first.byteCount == two.count)
        let evicted = #expect(throws: ServerError.self) { try first.use(owner: .anonymous, id: id) }
        #expect(evicted?.code == "server.unknown_key")
        try first.use(owner: .anonymous, id: idTwo)
    }
}
