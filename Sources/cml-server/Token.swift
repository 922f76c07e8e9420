import ArgumentParser
import FHEServer
import Foundation

/// `cml-server token create|revoke|list --store DIR`.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Make, revoke and list the API tokens of a key store (stored hashed).",
        subcommands: [Create.self, Revoke.self, List.self])

    /// The key store whose tokens these are (the directory `serve --key-store` names).
    struct StoreOption: ParsableArguments {
        @Option(name: [.customLong("store"), .customLong("key-store")], help: "The key store directory (serve's --key-store).",
                completion: .directory)
        var store = "cml-key-store"

        var tokens: TokenStore { TokenStore(keyStoreDirectory: URL(fileURLWithPath: store)) }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token; prints it once on standard output (only its hash is kept).")

        @OptionGroup var store: StoreOption

        @Option(help: "Who holds the token (shown by list).")
        var name = "unnamed"

        @Option(name: .customLong("max-key-store-mib"), help: "Most MiB of keys the token may keep stored; its least recently used go first.")
        var maxKeyStoreMiB = 4096

        @Option(help: "Most evaluations of the token running at once, per replica.")
        var maxConcurrentEvaluations = 2

        @Option(help: "Most evaluations of the token waiting, per replica (429 beyond).")
        var maxQueuedEvaluations = 16

        func validate() throws {
            guard (1...(Int.max >> 20)).contains(maxKeyStoreMiB) else { throw ValidationError("--max-key-store-mib \(maxKeyStoreMiB) is out of range: give 1 or more") }
            guard maxConcurrentEvaluations >= 1 else { throw ValidationError("--max-concurrent-evaluations \(maxConcurrentEvaluations) is out of range: give 1 or more") }
            guard maxQueuedEvaluations >= 0 else { throw ValidationError("--max-queued-evaluations \(maxQueuedEvaluations) is negative: give 0 or more") }
        }

        func run() throws {
            let (token, record) = try store.tokens.create(name: name, limits: TokenLimits(
                maxKeyStoreBytes: maxKeyStoreMiB << 20, maxConcurrentEvaluations: maxConcurrentEvaluations,
                maxQueuedEvaluations: maxQueuedEvaluations))
            FileHandle.standardError.write(Data("created token \(record.id) (\(record.name)); it is shown once, here:\n".utf8))
            print(token)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: its requests get 401 on every replica at once.")

        @OptionGroup var store: StoreOption

        @Argument(help: "The token's id (from list), or the token itself.")
        var token: String

        func run() throws {
            let record = try store.tokens.revoke(token)
            print("revoked \(record.id) (\(record.name))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens: id, name, state, limits and stored keys.")

        @OptionGroup var store: StoreOption

        func run() throws {
            for record in try store.tokens.list() {
                let state = record.revoked.map { "revoked \($0.formatted(.iso8601))" } ?? "active"
                let stored = KeyStore.storedBytes(in: URL(fileURLWithPath: store.store), owner: record.id)
                print("\(record.id)  \(record.name)  created \(record.created.formatted(.iso8601))  \(state)  "
                      + "keys \(stored >> 20) of \(record.maxKeyStoreBytes >> 20) MiB  "
                      + "evaluations \(record.maxConcurrentEvaluations) running, \(record.maxQueuedEvaluations) queued")
            }
        }
    }
}
