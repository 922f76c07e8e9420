// Every docs/<file>.md#<anchor> the sources, tests and docs cite must open: the file exists and has that heading.
import Foundation
import Testing

@Suite("Documentation links")
struct DocumentationLinkTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// GitHub's anchor of a Markdown heading: lower case, punctuation other than `-` and `_` dropped, spaces to `-`.
    static func anchor(_ heading: String) -> String {
        let kept = heading.lowercased().unicodeScalars.filter {
            CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" || $0 == " "
        }
        return String(String.UnicodeScalarView(kept)).replacingOccurrences(of: " ", with: "-")
    }

    /// The anchors of every heading of the Markdown file at `path` (relative to the root), nil when it does not exist.
    static func anchors(of path: String) -> Set<String>? {
        guard let text = try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) else { return nil }
        var result = Set<String>()
        for line in text.split(separator: "\n") where line.hasPrefix("#") {
            result.insert(anchor(String(line.drop { $0 == "#" }).trimmingCharacters(in: .whitespaces)))
        }
        return result
    }

    /// Files under `directories` (relative to the root) whose names end in one of `extensions`.
    static func files(under directories: [String], extensions: [String]) -> [String] {
        var found: [String] = []
        for directory in directories {
            guard let walker = FileManager.default.enumerator(atPath: root.appendingPathComponent(directory).path) else { continue }
            for case let file as String in walker where extensions.contains(where: { file.hasSuffix($0) }) {
                found.append("\(directory)/\(file)")
            }
        }
        return found.sorted()
    }

    @Test("Every cited docs/…#anchor names an existing file and heading")
    func citedAnchorsExist() throws {
        let pattern = try NSRegularExpression(pattern: #"((?:\.\./)?(?:docs/|Protocol/)?[A-Z][A-Z-]*\.md)#([A-Za-z0-9_-]+)"#)
        var cache: [String: Set<String>?] = [:]
        var broken: [String] = []
        var checked = 0
        let sources = Self.files(under: ["Sources", "Tests"], extensions: [".swift", ".c", ".h"])
            + Self.files(under: ["docs", "Protocol"], extensions: [".md"]) + ["README.md"]
        for file in sources {
            guard let text = try? String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8) else { continue }
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                guard let p = Range(match.range(at: 1), in: text), let a = Range(match.range(at: 2), in: text) else { continue }
                var path = String(text[p])
                if path.hasPrefix("../") { path.removeFirst(3) }
                if !path.hasPrefix("docs/") && !path.hasPrefix("Protocol/") { path = "docs/" + path }
                checked += 1
                if cache[path] == nil { cache[path] = Self.anchors(of: path) }
                guard let anchors = cache[path] ?? nil, anchors.contains(String(text[a])) else {
                    broken.append("\(file): \(path)#\(text[a])")
                    continue
                }
            }
        }
        #expect(checked > 100, "the walk found only \(checked) citations: is the root right?")
        #expect(broken == [], "citations that do not open")
    }
}
