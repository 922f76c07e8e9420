import ArgumentParser
import FHECore

/// `cml-bench`: the TFHE engine's demo and benchmarks (release build).
struct Main: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cml-bench",
        abstract: "Measure the TFHE engine and the benchmark models (release build).",
        version: CMLVersion.current,
        subcommands: [Demo.self, PBS.self, WoP.self, Models.self, FFTNoise.self])
}

// A bad CML_ENGINE_ISA is a usage error before any work.
do { try InstructionSet.validateEnvironment() } catch { Main.exit(withError: error) }
Main.main()
