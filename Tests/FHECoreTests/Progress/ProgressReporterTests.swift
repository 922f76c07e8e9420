import Foundation
import Testing
@testable import FHECore

/// Progress lines (issue 18 item 3): phases with rounded times, status lines redrawn on a terminal and thinned
/// out otherwise, nothing when quiet.
@Suite struct ProgressReporterTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func append(_ piece: String) { lock.withLock { text += piece } }
        var all: String { lock.withLock { text } }
    }

    @Test func phasesAreTimedAndNamed() throws {
        let lines = Lines()
        let progress = ProgressReporter(style: .lines) { lines.append($0) }
        let value = progress.phase("quantize") { 42 }
        struct Failure: Error {}
        #expect(throws: Failure.self) { try progress.phase("parameter search") { throw Failure() } }
        #expect(value == 42)
        let output = lines.all.split(separator: "\n").map(String.init)
        #expect(output.count == 4)
        #expect(output[0] == "quantize…" && output[1].hasPrefix("quantize: ") && output[1].hasSuffix(" s"))
        #expect(output[3].hasPrefix("parameter search failed after "))
        #expect(progress.timings.map(\.name) == ["quantize", "parameter search"])
        #expect(progress.summary.hasPrefix("quantize 0.") && progress.summary.contains(", parameter search 0."))
    }

    @Test func statusLinesOnATerminalAndInALog() {
        let terminal = Lines(), log = Lines(), quiet = Lines()
        let reporters = [ProgressReporter(style: .terminal) { terminal.append($0) }, ProgressReporter(style: .lines) { log.append($0) },
                         ProgressReporter(style: .quiet) { quiet.append($0) }]
        for progress in reporters {
            progress.phase("upload") {
                for sent in 1...100 { progress.status("\(sent) of 100 MB") }
                progress.status("100 of 100 MB", force: true)
            }
        }
        // On a terminal each status line overwrites the last (carriage return, erase line); the phase line ends it.
        #expect(terminal.all.contains("\r\u{1B}[2K  1 of 100 MB") && terminal.all.hasSuffix("\n"))
        #expect(terminal.all.split(separator: "\n").count == 1)
        // In a log: whole lines, not one per update.
        let logged = log.all.split(separator: "\n")
        #expect(!log.all.contains("\r") && logged.count == 4, "\(logged)")
        #expect(quiet.all.isEmpty)
    }

    @Test func durationsAndSizesAreRounded() {
        #expect(ProgressReporter.rounded(.milliseconds(423)) == "0.42 s")
        #expect(ProgressReporter.rounded(.milliseconds(3140)) == "3.1 s")
        #expect(ProgressReporter.rounded(.seconds(42)) == "42 s")
        #expect(ProgressReporter.rounded(.seconds(651)) == "10 min 51 s")
        #expect(ProgressReporter.bytes(206_123_456) == "206.1 MB")
        #expect(ProgressReporter.bytes(812) == "812 B")
    }
}
