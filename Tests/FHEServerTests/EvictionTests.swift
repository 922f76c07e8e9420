import FHECore
@testable import FHEServer
import Foundation
import Testing

/// The store's life cycle, counted from the disk so that replicas sharing a directory agree: a full store
/// makes room by removing the least recently used keys (it used to answer 413 forever), and keys unused
/// for the TTL expire, however recently they were uploaded.
@Suite(.serialized) struct EvictionTests {
    /// Twelve clients, each with its own token and keys, upload through two replicas on one directory whose
    /// store holds three clients' keys: after every upload the store is at most its quota, the three most
    /// recently used keys are the ones left, and a client that keeps evaluating keeps its keys.
    @Test func manyClientsKeysStayAtTheQuotaByEviction() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let size = WireExamples.evaluationKeys(salt: 1).framed().count
        let quota = 3 * size + size / 2
        let tokens = TokenStore(keyStoreDirectory: store)
        let clients = try (0..<12).map { try tokens.create(name: "client \($0)").token }
        let replicas = [
            try await RunningServer.start(keyStore: store, configure: { $0.requiresTokens = true; $0.maxKeyStoreBytes = quota }),
            try await RunningServer.start(keyStore: store, configure: { $0.requiresTokens = true; $0.maxKeyStoreBytes = quota }),
        ]
        var ids: [String] = []
        for (index, token) in clients.enumerated() {
            let keys = WireExamples.evaluationKeys(salt: UInt64(index + 1)).framed()
            let upload = try await replicas[index % 2].post("/v1/keys", keys, token: token)
            #expect(upload.status == 201, "client \(index): \(String(describing: upload.report))")
            ids.append(try TokenTests.keyID(upload))
            // Client 0 evaluates after every upload, through the other replica: its keys stay recent.
            #expect(try await replicas[(index + 1) % 2].post("/v1/evaluate", TokenTests.evaluateRequest(ids[0]), token: clients[0]).status == 200,
                    "client 0 lost its keys after client \(index)'s upload")
            let stored = KeyStore.storedKeys(in: store)
            #expect(stored.reduce(0) { $0 + $1.bytes } <= quota && stored.count == min(index + 1, 3), "after client \(index): \(stored.count) keys")
        }
        // Left: client 0 (in use), and the last two uploads; everybody else's were evicted, oldest first.
        let left = Set(KeyStore.storedKeys(in: store).map(\.id))
        #expect(left == [ids[0], ids[10], ids[11]])
        let evicted = try await replicas[0].post("/v1/evaluate", TokenTests.evaluateRequest(ids[5]), token: clients[5])
        #expect(evicted.status == 404 && evicted.report?.code == "server.unknown_key")
        // An evicted client re-uploads (what FHEClient does on that 404) and evaluates; the store stays at its quota.
        #expect(try await replicas[1].post("/v1/keys", WireExamples.evaluationKeys(salt: 6).framed(), token: clients[5]).status == 201)
        #expect(try await replicas[0].post("/v1/evaluate", TokenTests.evaluateRequest(ids[5]), token: clients[5]).status == 200)
        #expect(replicas[0].port != replicas[1].port && KeyStore.storedKeys(in: store).reduce(0) { $0 + $1.bytes } <= quota)
        let metrics = String(decoding: try await replicas[1].request("GET", "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("cml_key_store_bytes \(3 * size)"))
        for replica in replicas { await replica.stop() }
    }

    /// Expiry counts from the last use, not the upload; an expired key is 404 and its file is removed,
    /// and another owner's expired keys are swept by any upload.
    @Test func keysExpireWhenUnusedForTheTTL() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let tokens = TokenStore(keyStoreDirectory: store)
        let (alice, _) = try tokens.create(name: "alice"), (bob, _) = try tokens.create(name: "bob")
        let server = try await RunningServer.start(keyStore: store, configure: { $0.requiresTokens = true; $0.keyTTL = 1.5 })
        let id = try TokenTests.keyID(try await server.post("/v1/keys", WireExamples.evaluationKeys(salt: 1).framed(), token: alice))
        let bobs = try TokenTests.keyID(try await server.post("/v1/keys", WireExamples.evaluationKeys(salt: 2).framed(), token: bob))
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(800))
            #expect(try await server.post("/v1/evaluate", TokenTests.evaluateRequest(id), token: alice).status == 200)
        }
        // 2.4 s after the upload, used 0.8 s ago: alive. Bob's, unused for 2.4 s, went at the next upload.
        _ = try await server.post("/v1/keys", WireExamples.evaluationKeys(salt: 3).framed(), token: alice)
        #expect(!KeyStore.storedKeys(in: store).contains { $0.id == bobs })
        let bobExpired = try await server.post("/v1/evaluate", TokenTests.evaluateRequest(bobs), token: bob)
        #expect(bobExpired.status == 404 && bobExpired.report?.code == "server.unknown_key")

        try await Task.sleep(for: .milliseconds(1700))
        let expired = try await server.post("/v1/evaluate", TokenTests.evaluateRequest(id), token: alice)
        #expect(expired.status == 404 && expired.report?.code == "server.unknown_key" && expired.report?.message.contains("expired") == true,
                "\(String(describing: expired.report))")
        #expect(!KeyStore.storedKeys(in: store).contains { $0.id == id })
        await server.stop()
    }
}
