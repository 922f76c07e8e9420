// What long work (compile, keygen, key upload, evaluation) tells the person waiting: one line per phase with
// its time, rounded, and within a phase a status line ("uploading keys: 120 of 206 MB, 48 MB/s") redrawn in
// place on a terminal, printed at most once a second otherwise, and nothing at all when asked to be quiet.
// The tools write it to standard error, so that their standard output stays the result.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress lines and phase timings of one command.
public final class ProgressReporter: @unchecked Sendable {
    /// How lines are shown.
    public enum Style: Sendable {
        /// A terminal: status lines are redrawn in place.
        case terminal
        /// A file or a pipe: plain lines, status lines at most every five seconds.
        case lines
        /// Nothing.
        case quiet
    }

    /// Reports nothing (the default of library calls).
    public static let silent = ProgressReporter(style: .quiet)

    /// The style of the reporter.
    public let style: Style
    private let output: @Sendable (String) -> Void
    private let clock = ContinuousClock()
    private let lock = NSLock()
    private var phases: [(name: String, duration: Duration)] = []
    private var statusShown = false
    private var lastStatus: ContinuousClock.Instant?

    /// A reporter writing `style` lines through `output`.
    public init(style: Style, output: @escaping @Sendable (String) -> Void) {
        self.style = style
        self.output = output
    }

    private convenience init(style: Style) { self.init(style: style) { _ in } }

    /// The reporter of a command-line tool: standard error, redrawn when it is a terminal, silent when `quiet`.
    public static func standardError(quiet: Bool) -> ProgressReporter {
        ProgressReporter(style: quiet ? .quiet : (isatty(STDERR_FILENO) != 0 ? .terminal : .lines)) {
            FileHandle.standardError.write(Data($0.utf8))
        }
    }

    /// Runs `body` as the phase `name`: "name…" before, "name: 1.2 s" after (or "name failed after 1.2 s").
    public func phase<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = begin(name)
        do {
            let result = try body()
            end(name, since: start, failed: false)
            return result
        } catch {
            end(name, since: start, failed: true)
            throw error
        }
    }

    /// `phase` for asynchronous work.
    public func phase<T>(_ name: String, _ body: () async throws -> T) async rethrows -> T {
        let start = begin(name)
        do {
            let result = try await body()
            end(name, since: start, failed: false)
            return result
        } catch {
            end(name, since: start, failed: true)
            throw error
        }
    }

    /// A status line within the current phase (a count, bytes, an ETA): replaced by the next one.
    /// - Parameter force: shows it however soon after the last one (e.g. the last sample).
    public func status(_ line: String, force: Bool = false) {
        lock.withLock {
            let now = clock.now
            switch style {
            case .quiet:
                return
            case .terminal:
                if !force, let lastStatus, now - lastStatus < .milliseconds(100) { return }
                output("\r\u{1B}[2K  \(line)")
                statusShown = true
            case .lines:
                if !force, let lastStatus, now - lastStatus < .seconds(5) { return }
                output("  \(line)\n")
            }
            lastStatus = now
        }
    }

    /// A line that stays (a result, a warning), after any status line.
    public func note(_ line: String) {
        lock.withLock { emit(line) }
    }

    /// The phases finished so far, in order, with their times.
    public var timings: [(name: String, duration: Duration)] { lock.withLock { phases } }

    /// "import 0.1 s, quantize 2.3 s, …" of the phases so far.
    public var summary: String {
        timings.map { "\($0.name) \(Self.rounded($0.duration))" }.joined(separator: ", ")
    }

    /// A duration the way people read one: "0.42 s", "3.1 s", "12 s", "2 min 5 s".
    public static func rounded(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        switch seconds {
        case ..<1: return String(format: "%.2f s", seconds)
        case ..<10: return String(format: "%.1f s", seconds)
        case ..<120: return String(format: "%.0f s", seconds)
        default:
            let whole = Int(seconds.rounded())
            return "\(whole / 60) min \(whole % 60) s"
        }
    }

    /// Bytes the way people read them: "812 B", "3.4 MB", "1.2 GB" (decimal units).
    public static func bytes(_ count: Int) -> String {
        switch Double(count) {
        case ..<1e3: return "\(count) B"
        case ..<1e6: return String(format: "%.1f kB", Double(count) / 1e3)
        case ..<1e9: return String(format: "%.1f MB", Double(count) / 1e6)
        default: return String(format: "%.2f GB", Double(count) / 1e9)
        }
    }

    private func begin(_ name: String) -> ContinuousClock.Instant {
        lock.withLock {
            if style == .terminal { emitRaw("\r\u{1B}[2K\(name)…") ; statusShown = true } else { emit("\(name)…") }
            lastStatus = nil
        }
        return clock.now
    }

    private func end(_ name: String, since start: ContinuousClock.Instant, failed: Bool) {
        let duration = clock.now - start
        lock.withLock {
            phases.append((name, duration))
            emit(failed ? "\(name) failed after \(Self.rounded(duration))" : "\(name): \(Self.rounded(duration))")
        }
    }

    /// Writes a whole line, first clearing a status line on a terminal. Call with the lock held.
    private func emit(_ line: String) {
        guard style != .quiet else { return }
        if statusShown { output("\r\u{1B}[2K") ; statusShown = false }
        output(line + "\n")
    }

    private func emitRaw(_ text: String) {
        guard style != .quiet else { return }
        output(text)
    }
}
