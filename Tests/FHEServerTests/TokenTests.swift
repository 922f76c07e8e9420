import FHECore
@testable import FHEServer
import Foundation
import Testing

/// Bearer tokens: 401 for a missing, malformed, unknown or revoked token (with `WWW-Authenticate`), a key
/// belongs to the token that uploaded it (404 to any other, for evaluation and deletion alike), only the
/// owner deletes (403 without tokens), and each token's limits hold: its bytes of keys (its least recently
/// used keys make room; keys larger than its quota are 413) and its evaluation slots (429 `server.token_busy`).
@Suite(.serialized) struct TokenTests {
    static func evaluateRequest(_ keyID: String) -> Data {
        var request = Cml_V1_EvaluateRequest()
        request.keyID = keyID
        request.inputs = WireExamples.inputBatch(batchSize: 1)
        return request.framed()
    }

    /// The code of the framed report in `body`, if it is one.
    static func code(_ body: Data) -> String? { try? Cml_V1_ErrorReport.decodeFramed(body).code }

    static func keyID(_ upload: (status: Int, report: Cml_V1_ErrorReport?, body: Data)) throws -> String {
        try Cml_V1_KeyUploadResponse.decodeFramed(upload.body).keyID
    }

    @Test func missingUnknownAndRevokedTokensGet401() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let tokens = TokenStore(keyStoreDirectory: store)
        let (alice, aliceRecord) = try tokens.create(name: "alice")
        let (revoked, _) = try tokens.create(name: "mallory")
        try tokens.revoke(revoked)
        let server = try await RunningServer.start(keyStore: store, configure: { $0.requiresTokens = true })
        let keys = WireExamples.evaluationKeys().framed()

        for (path, body) in [("/v1/keys", keys), ("/v1/evaluate", Self.evaluateRequest(String(repeating: "a", count: 64)))] {
            let missing = try await server.request("POST", path, body: body)
            let report = try Cml_V1_ErrorReport.decodeFramed(missing.body)
            #expect(missing.status == 401 && report.code == "server.missing_token" && report.field == "Authorization", "\(path)")
            let challenge = missing.headers.first { ($0.key as? String)?.lowercased() == "www-authenticate" }?.value as? String
            #expect(challenge?.hasPrefix("Bearer realm=") == true, "\(missing.headers)")
            let basic = try await server.request("POST", path, body: body, authorization: "Basic YWxpY2U6cGFzcw==")
            #expect(basic.status == 401 && Self.code(basic.body) == "server.missing_token")
            let unknown = try await server.post(path, body, token: "cml_" + String(repeating: "0", count: 64))
            #expect(unknown.status == 401 && unknown.report?.code == "server.unknown_token")
            let garbage = try await server.post(path, body, token: "../../etc/passwd")
            #expect(garbage.status == 401 && garbage.report?.code == "server.unknown_token")
            let wasRevoked = try await server.post(path, body, token: revoked)
            #expect(wasRevoked.status == 401 && wasRevoked.report?.code == "server.revoked_token")
        }
        #expect(KeyStore.storedKeys(in: store).isEmpty)
        // Probes and the client bundle ask for no token.
        for path in ["/health", "/ready", "/metrics", "/v1/client"] { #expect(try await server.request("GET", path).status == 200, "\(path)") }

        let id = try Self.keyID(try await server.post("/v1/keys", keys, token: alice))
        #expect(try await server.post("/v1/evaluate", Self.evaluateRequest(id), token: alice).status == 200)
        // Revoked while the server runs (as another replica or the CLI would): refused from the next request.
        try tokens.revoke(aliceRecord.id)
        let afterRevoke = try await server.post("/v1/evaluate", Self.evaluateRequest(id), token: alice)
        #expect(afterRevoke.status == 401 && afterRevoke.report?.code == "server.revoked_token")
        await server.stop()
    }

    @Test func keysBelongToTheTokenThatUploadedThem() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let tokens = TokenStore(keyStoreDirectory: store)
        let (alice, _) = try tokens.create(name: "alice"), (bob, _) = try tokens.create(name: "bob")
        let server = try await RunningServer.start(keyStore: store, configure: { $0.requiresTokens = true })
        let keys = WireExamples.evaluationKeys().framed()
        let id = try Self.keyID(try await server.post("/v1/keys", keys, token: alice))
        #expect(try await server.post("/v1/evaluate", Self.evaluateRequest(id), token: alice).status == 200)

        // Bob knows the id (it is the keys' checksum) but not the keys: 404, as for keys nobody has.
        let foreign = try await server.post("/v1/evaluate", Self.evaluateRequest(id), token: bob)
        #expect(foreign.status == 404 && foreign.report?.code == "server.unknown_key")
        let foreignDelete = try await server.request("DELETE", "/v1/keys/\(id)", token: bob)
        #expect(foreignDelete.status == 404 && Self.code(foreignDelete.body) == "server.unknown_key")
        #expect(try await server.request("DELETE", "/v1/keys/\(id)").status == 401)
        #expect(try await server.post("/v1/evaluate", Self.evaluateRequest(id), token: alice).status == 200)

        // Bob uploading the same keys gets his own copy; Alice deleting hers leaves his.
        #expect(try Self.keyID(try await server.post("/v1/keys", keys, token: bob)) == id)
        #expect(try await server.request("DELETE", "/v1/keys/\(id)", token: alice).status == 204)
        let deleted = try await server.post("/v1/evaluate", Self.evaluateRequest(id), token: alice)
        #expect(deleted.status == 404 && deleted.report?.code == "server.unknown_key")
        #expect(try await server.request("DELETE", "/v1/keys/\(id)", token: alice).status == 404)
        #expect(try await server.post("/v1/evaluate", Self.evaluateRequest(id), token: bob).status == 200)
        let badID = try await server.request("DELETE", "/v1/keys/..%2F..%2Fetc", token: alice)
        #expect(badID.status == 400 || badID.status == 404, "\(badID.status)")
        let wrongMethod = try await server.request("GET", "/v1/keys/\(id)", token: alice)
        #expect(wrongMethod.status == 405 && (wrongMethod.headers["Allow"] as? String) == "DELETE")
        await server.stop()
    }

    @Test func withoutTokensDeletingIsForbidden() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let server = try await RunningServer.start(keyStore: store)
        let id = try Self.keyID(try await server.post("/v1/keys", WireExamples.evaluationKeys().framed()))
        let delete = try await server.request("DELETE", "/v1/keys/\(id)")
        #expect(delete.status == 403 && Self.code(delete.body) == "server.forbidden")
        #expect(try await server.post("/v1/evaluate", Self.evaluateRequest(id)).status == 200)
        await server.stop()
    }

    @Test func aTokensQuotaEvictsItsOwnLeastRecentlyUsedKeys() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let one = WireExamples.evaluationKeys(salt: 1).framed()
        let tokens = TokenStore(keyStoreDirectory: store)
        let (small, _) = try tokens.create(name: "small", limits: TokenLimits(maxKeyStoreBytes: 2 * one.count + 10))
        let (tiny, _) = try tokens.create(name: "tiny", limits: TokenLimits(maxKeyStoreBytes: one.count - 1))
        let (other, _) = try tokens.create(name: "other")
        let server = try await RunningServer.start(keyStore: store, configure: { $0.requiresTokens = true })

        let others = try Self.keyID(try await server.post("/v1/keys", WireExamples.evaluationKeys(salt: 9).framed(), token: other))
        let first = try Self.keyID(try await server.post("/v1/keys", one, token: small))
        let second = try Self.keyID(try await server.post("/v1/keys", WireExamples.evaluationKeys(salt: 2).framed(), token: small))
        // The first is used again, so the second is the least recently used when a third arrives.
        #expect(try await server.post("/v1/evaluate", Self.evaluateRequest(first), token: small).status == 200)
        let third = try Self.keyID(try await server.post("/v1/keys", WireExamples.evaluationKeys(salt: 3).framed(), token: small))
        #expect(try await server.post("/v1/evaluate", Self.evaluateRequest(second), token: small).status == 404)
        for id in [first, third] { #expect(try await server.post("/v1/evaluate", Self.evaluateRequest(id), token: small).status == 200) }
        #expect(try await server.post("/v1/evaluate", Self.evaluateRequest(others), token: other).status == 200)

        let tooLarge = try await server.post("/v1/keys", one, token: tiny)
        #expect(tooLarge.status == 413 && tooLarge.report?.code == "server.token_quota")
        await server.stop()
    }

    @Test func aTokensEvaluationSlotsAreItsOwn() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let tokens = TokenStore(keyStoreDirectory: store)
        let (one, _) = try tokens.create(name: "one slot", limits: TokenLimits(maxConcurrentEvaluations: 1, maxQueuedEvaluations: 0))
        let (other, _) = try tokens.create(name: "other")
        let (server, evaluator) = try await RunningServer.startHeld(keyStore: store, configure: {
            $0.requiresTokens = true; $0.maxConcurrentEvaluations = 2; $0.maxQueuedEvaluations = 4
        })
        defer { evaluator.release() }
        let keys = WireExamples.evaluationKeys().framed()
        let oneID = try Self.keyID(try await server.post("/v1/keys", keys, token: one))
        let otherID = try Self.keyID(try await server.post("/v1/keys", keys, token: other))

        let running = Task { try await server.post("/v1/evaluate", Self.evaluateRequest(oneID), token: one).status }
        while evaluator.started < 1 { try await Task.sleep(for: .milliseconds(10)) }
        // Its one slot is taken and it may not queue, though the server has a free slot.
        let refused = try await server.post("/v1/evaluate", Self.evaluateRequest(oneID), token: one)
        #expect(refused.status == 429 && refused.report?.code == "server.token_busy", "\(String(describing: refused.report))")
        // Another token takes the server's second slot.
        let otherRun = Task { try await server.post("/v1/evaluate", Self.evaluateRequest(otherID), token: other).status }
        while evaluator.started < 2 { try await Task.sleep(for: .milliseconds(10)) }
        evaluator.release()
        #expect(try await running.value == 200)
        #expect(try await otherRun.value == 200)
        #expect(try await server.post("/v1/evaluate", Self.evaluateRequest(oneID), token: one).status == 200)
        await server.stop()
    }

    /// `cml-server token create|list|revoke`: the token is printed once and stored only as its hash.
    @Test func tokenCommandsStoreOnlyHashes() async throws {
        let store = ServerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: store) }
        let create = try await CommandLineTests.run("cml-server", ["token", "create", "--store", store.path, "--name", "alice",
                                                                   "--max-key-store-mib", "64"], passphrase: nil)
        #expect(create.status == 0, "\(create.output)")
        let token = try #require(create.output.split(separator: "\n").first { $0.hasPrefix(TokenStore.tokenPrefix) }.map(String.init))
        #expect(token.count == TokenStore.tokenPrefix.count + 64)
        let record = try #require(try TokenStore(keyStoreDirectory: store).list().first)
        #expect(record.name == "alice" && record.maxKeyStoreBytes == 64 << 20 && record.hash == BLAKE2b.hex(BLAKE2b.hash(Array(token.utf8))))
        for name in try FileManager.default.contentsOfDirectory(atPath: store.appendingPathComponent("tokens").path) {
            let text = try String(contentsOf: store.appendingPathComponent("tokens/\(name)"), encoding: .utf8)
            #expect(!text.contains(token.dropFirst(TokenStore.tokenPrefix.count)))
        }

        let list = try await CommandLineTests.run("cml-server", ["token", "list", "--store", store.path], passphrase: nil)
        #expect(list.status == 0 && list.output.contains(record.id) && list.output.contains("alice") && list.output.contains("active")
                && !list.output.contains(token), "\(list.output)")
        let revoke = try await CommandLineTests.run("cml-server", ["token", "revoke", "--store", store.path, record.id], passphrase: nil)
        #expect(revoke.status == 0, "\(revoke.output)")
        let listed = try await CommandLineTests.run("cml-server", ["token", "list", "--store", store.path], passphrase: nil)
        #expect(listed.output.contains("revoked"), "\(listed.output)")
        let unknown = try await CommandLineTests.run("cml-server", ["token", "revoke", "--store", store.path, "0123"], passphrase: nil)
        #expect(unknown.status != 0 && unknown.output.contains("no token with id '0123'"), "\(unknown.output)")
    }
}
