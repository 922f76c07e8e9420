// Run-time choice of the engine's vector kernels (the CMLKernels C target; docs/ARCHITECTURE.md, "Kernels and
// instruction sets"): one plain `swift build -c release` carries AVX-512, AVX2 + FMA and portable kernels, and
// the process uses the best one its CPU runs, as Concrete, TFHE-rs, FFTW and libsodium do.
import CMLKernels
import Foundation

/// The instruction sets the engine's kernels are compiled for, in order of preference (last is best).
public enum InstructionSet: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Baseline vector code: SSE2 on x86-64, NEON with fused multiply-add on arm64.
    case portable
    /// AVX2 with fused multiply-add (Haswell, Zen and later).
    case avx2
    /// AVX-512 F/DQ/BW/VL (Skylake-SP, Ice Lake, Zen 4 and later).
    case avx512

    /// The environment variable that forces an instruction set (for tests and comparisons).
    public static let environmentVariable = "CML_ENGINE_ISA"

    var code: Int32 {
        switch self {
        case .portable: CML_ISA_PORTABLE
        case .avx2: CML_ISA_AVX2
        case .avx512: CML_ISA_AVX512
        }
    }

    public var description: String { rawValue }

    /// Whether this CPU and its operating system can run these kernels.
    public var isSupported: Bool { cml_isa_supported(code) != 0 }

    /// The instruction sets this machine can run, portable first.
    public static var supported: [InstructionSet] { allCases.filter(\.isSupported) }

    /// The best instruction set this machine runs.
    public static var best: InstructionSet { supported.last ?? .portable }

    /// The instruction set `CML_ENGINE_ISA` asks for, or nil when it is unset or empty.
    /// - Throws: `InstructionSetError` when the value names no instruction set or one this CPU lacks.
    public static func requested(in environment: [String: String] = ProcessInfo.processInfo.environment) throws -> InstructionSet? {
        guard let value = environment[environmentVariable], !value.isEmpty else { return nil }
        guard let isa = InstructionSet(rawValue: value.lowercased()) else {
            throw InstructionSetError(requested: value, supported: supported, known: false)
        }
        guard isa.isSupported else { throw InstructionSetError(requested: value, supported: supported, known: true) }
        return isa
    }

    /// Checks `CML_ENGINE_ISA` before any work: executables call it first, so a bad value is an error message
    /// and an exit code rather than a silent fallback.
    public static func validateEnvironment() throws { _ = try requested() }

    /// The instruction set every FFT plan uses unless given another: `CML_ENGINE_ISA` when it is valid, else the
    /// best this CPU runs. (An invalid value, which executables refuse at start, falls back to the best with a
    /// warning on standard error: a library embedded in an app must not stop it.)
    public static let active: InstructionSet = {
        do {
            return try requested() ?? best
        } catch {
            FileHandle.standardError.write(Data("cml: \(error); using \(best)\n".utf8))
            return best
        }
    }()
}

/// `CML_ENGINE_ISA` names an unknown instruction set or one this CPU cannot run.
public struct InstructionSetError: Error, Sendable, CustomStringConvertible {
    /// The value asked for.
    public let requested: String
    /// What this machine can run.
    public let supported: [InstructionSet]
    /// Whether `requested` is a known instruction set (that this CPU lacks).
    public let known: Bool

    public var description: String {
        let choices = supported.map(\.rawValue).joined(separator: ", ")
        let what = known
            ? "this CPU cannot run the \(requested) kernels"
            : "'\(requested)' is not an instruction set (known: \(InstructionSet.allCases.map(\.rawValue).joined(separator: ", ")))"
        return "\(InstructionSet.environmentVariable)=\(requested): \(what); this machine runs \(choices). "
            + "Unset \(InstructionSet.environmentVariable) to use the best one, or set it to one of those."
    }
}

/// One instruction set's kernel table (immutable static C data, so it may be shared across threads).
@usableFromInline
struct EngineKernels: @unchecked Sendable {
    let table: UnsafePointer<cml_kernel_table>
    /// The instruction set the table was compiled for.
    let instructionSet: InstructionSet

    /// The kernels of `isa`.
    /// - Precondition: this CPU runs `isa` (`InstructionSet.isSupported`).
    init(_ isa: InstructionSet) {
        guard let table = cml_kernels_for(isa.code) else {
            preconditionFailure("this CPU cannot run the \(isa) kernels (InstructionSet.supported: \(InstructionSet.supported))")
        }
        self.table = table
        self.instructionSet = isa
    }

    /// The kernels of `InstructionSet.active`.
    static let active = EngineKernels(InstructionSet.active)

    var functions: cml_kernel_table { table.pointee }
}
