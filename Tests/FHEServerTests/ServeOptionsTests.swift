@testable import FHEServer
import Foundation
import Testing

/// `cml-server serve`'s options: each one out of range is a usage error naming it (never a trap or a
/// silent overflow), and the limit flags' old spellings still work with a warning.
@Suite(.serialized) struct ServeOptionsTests {
    static func check(port: Int = 8080, host: String = "127.0.0.1", keyStore: String = "store", uploadMiB: Int = 2048,
                      storeMiB: Int = 32768, concurrent: Int = 2, queued: Int = 64, seconds: Double = 3600,
                      ttlHours: Double = 168, idleSeconds: Double = 30) throws {
        try ServerConfiguration.checkOptions(
            port: port, host: host, keyStore: keyStore,
            mebibytes: [("--max-key-upload-mib", uploadMiB), ("--max-key-store-mib", storeMiB)],
            maxConcurrentEvaluations: concurrent, maxQueuedEvaluations: queued, maxEvaluationSeconds: seconds,
            keyTTLHours: ttlHours, idleTimeoutSeconds: idleSeconds)
    }

    static func refusal(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "accepted"
    }

    @Test func everyOptionOutOfRangeIsNamed() throws {
        try Self.check()
        try Self.check(port: 0, concurrent: ServerConfiguration.maxEvaluationSlots, queued: 0)
        #expect(Self.refusal { try Self.check(port: 65536) }.hasPrefix("--port 65536"))
        #expect(Self.refusal { try Self.check(port: -1) }.hasPrefix("--port -1"))
        #expect(Self.refusal { try Self.check(host: "") }.hasPrefix("--host"))
        #expect(Self.refusal { try Self.check(keyStore: "") }.hasPrefix("--key-store"))
        #expect(Self.refusal { try Self.check(uploadMiB: 0) }.hasPrefix("--max-key-upload-mib 0"))
        // The value: its byte count does not fit in 64 bits.
        #expect(Self.refusal { try Self.check(storeMiB: 99_999_999_999_999_999) }.hasPrefix("--max-key-store-mib 99999999999999999"))
        try Self.check(storeMiB: ServerConfiguration.maxMebibytes)
        #expect(ServerConfiguration.maxMebibytes << 20 > 0)
        #expect(Self.refusal { try Self.check(concurrent: 0) }.hasPrefix("--max-concurrent-evaluations 0"))
        #expect(Self.refusal { try Self.check(concurrent: 1025) }.contains("1 to 1024"))
        #expect(Self.refusal { try Self.check(queued: -1) }.hasPrefix("--max-queued-evaluations -1"))
        #expect(Self.refusal { try Self.check(seconds: 0) }.hasPrefix("--max-evaluation-seconds 0"))
        #expect(Self.refusal { try Self.check(seconds: .nan) }.hasPrefix("--max-evaluation-seconds nan"))
        #expect(Self.refusal { try Self.check(seconds: 1e300) }.contains("at most 604800"))
        try Self.check(seconds: 0.5)
        #expect(Self.refusal { try Self.check(ttlHours: 0) }.hasPrefix("--key-ttl-hours 0"))
        #expect(Self.refusal { try Self.check(ttlHours: 1e9) }.contains("at most 87600"))
        try Self.check(ttlHours: 0.25)
        #expect(Self.refusal { try Self.check(idleSeconds: 0) }.hasPrefix("--idle-timeout-seconds 0"))
        #expect(Self.refusal { try Self.check(idleSeconds: .infinity) }.hasPrefix("--idle-timeout-seconds inf"))
    }

    /// The built executable: a usage error (exit 64) before anything starts, and the old spellings.
    @Test func executableRefusesWithUsageErrors() async throws {
        let zero = try await CommandLineTests.run("cml-server", ["serve", "absent", "--max-concurrent-evaluations", "0"], passphrase: nil)
        #expect(zero.status == 64 && zero.output.contains("--max-concurrent-evaluations 0 is out of range"), "\(zero.output)")
        let huge = try await CommandLineTests.run("cml-server", ["serve", "absent", "--max-key-store-mi-b", "99999999999999999"],
                                                  passphrase: nil)
        #expect(huge.status == 64 && huge.output.contains("--max-key-store-mib 99999999999999999 is out of range"), "\(huge.output)")
        let both = try await CommandLineTests.run("cml-server", ["serve", "absent", "--max-key-upload-mib", "1",
                                                                 "--max-key-upload-mi-b", "1"], passphrase: nil)
        #expect(both.status == 64 && both.output.contains("give only --max-key-upload-mib"), "\(both.output)")
        // The old spelling in range: a warning, then the run (which fails on the absent bundle, naming it).
        let old = try await CommandLineTests.run("cml-server", ["serve", "absent-bundle", "--max-key-upload-mi-b", "1"], passphrase: nil)
        #expect(old.output.contains("warning: --max-key-upload-mi-b is deprecated") && old.output.contains("absent-bundle"),
                "\(old.output)")
    }
}
