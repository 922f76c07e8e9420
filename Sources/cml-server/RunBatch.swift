import ArgumentParser
import FHEServer
import Foundation

/// `cml-server run BUNDLE/server --eval-keys EK --input Q.cml -o R.cml`.
struct RunBatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Evaluate one encrypted batch file offline.",
        discussion: """
            Example:
              cml-server run bundle/server --eval-keys keys/evaluation-keys.cml -i q.cml -o r.cml
            """)

    @Argument(help: "The bundle's server/ directory.", completion: .directory)
    var bundle: String

    @Option(help: "Evaluation keys (KEYS/evaluation-keys.cml).")
    var evalKeys: String

    @Option(name: .shortAndLong, help: "Encrypted input batch (from `cml-client encrypt`).")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the encrypted outputs.")
    var output: String

    func run() async throws {
        let samples = try await OfflineEvaluation.run(
            bundleDirectory: URL(fileURLWithPath: bundle), evaluationKeys: URL(fileURLWithPath: evalKeys),
            input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: output), makeEvaluator: EvaluatorFactory.make)
        print("evaluated \(samples) sample(s) -> \(output)")
    }
}
