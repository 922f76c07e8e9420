// Negacyclic f64 FFT, "folded and twisted" (docs/ARCHITECTURE.md, "The negacyclic FFT").
//
// A real polynomial of Z[X]/(X^N + 1) is folded into M = N/2 complex values z_j = (x_j + i·x_{j+M})·w_j with
// w_j = e^{iπj/N}; an M-point complex FFT of z evaluates the polynomial at the M roots of X^N + 1 whose M-th
// power is i (the other M are their conjugates). Products mod X^N + 1 become pointwise products.
//
// The transforms themselves are C kernels compiled per instruction set (CMLKernels, kernels_body.h); a plan
// holds their tables and the kernels it runs.
import CMLKernels
import Foundation

/// Offset of complex point i's real part in a transform (its imaginary part is 8 further): blocks of 8 real parts
/// followed by their 8 imaginary parts, so both halves of a point share one 128-byte block.
@inline(__always) @usableFromInline
func slot(_ i: Int) -> Int { i &+ (i & ~7) }

/// Twiddles and twists for one polynomial size, and the kernels that use them; immutable and shared across threads.
public final class FFTPlan: @unchecked Sendable {
    /// N.
    public let polynomialSize: Int
    /// M = N/2, the number of complex points.
    public let complexCount: Int
    /// Stage twiddles e^{−2πi·j/(2h)} as complex point h + j (in the transforms' layout, see `slot`), for
    /// h = 1, 2, 4, …, M/2 and j < h.
    let twiddles: AlignedBuffer<Double>
    /// Third powers e^{−2πi·3j/(4q)} as complex point q + j, for q = 1, 2, 4, …, M/4 and j < q (the radix-4
    /// passes' third twiddle).
    let twiddles3: AlignedBuffer<Double>
    /// The in-vector stages' constant lane vectors (`KernelConstant`).
    let kernelConstants: AlignedBuffer<Double>
    /// Twist w_j = e^{iπj/N}; the untwist multiplies by its conjugate, and the inverse's 1/M folds into the
    /// conversion back to the torus.
    let twistRe: AlignedBuffer<Double>
    let twistIm: AlignedBuffer<Double>
    /// The tables and passes as the kernels read them (points into the buffers above).
    let descriptor: UnsafeMutablePointer<cml_fft_plan>
    /// The kernels this plan runs.
    let kernels: EngineKernels

    /// The instruction set of this plan's kernels.
    public var instructionSet: InstructionSet { kernels.instructionSet }

    /// A plan for polynomials of size `polynomialSize`, running the kernels of `instructionSet`.
    /// - Precondition: N ≥ 16 (M ≥ 8: points are read 8 at a time; below 64 the transforms take a scalar path), and
    ///   this CPU runs `instructionSet`.
    public init(polynomialSize: PolynomialSize, instructionSet: InstructionSet = .active) {
        let n = polynomialSize.rawValue
        precondition(n >= 16, "the FFT needs N ≥ 16, got \(n)")
        self.polynomialSize = n
        let m = n / 2
        self.complexCount = m
        kernels = EngineKernels(instructionSet)
        twiddles = Self.pointTable(complexCount: m, largest: m / 2) { h, j in -Double.pi * Double(j) / Double(h) }
        twiddles3 = Self.pointTable(complexCount: m, largest: m / 4) { q, j in -Double.pi * Double(3 * j) / Double(2 * q) }
        kernelConstants = AlignedBuffer(KernelConstant.allCases.flatMap(\.lanes))
        var wr = [Double](repeating: 0, count: m)
        var wi = [Double](repeating: 0, count: m)
        for j in 0..<m {
            let angle = Double.pi * Double(j) / Double(n)
            wr[j] = cos(angle)
            wi[j] = sin(angle)
        }
        twistRe = AlignedBuffer(wr)
        twistIm = AlignedBuffer(wi)
        descriptor = .allocate(capacity: 1)
        descriptor.initialize(to: cml_fft_plan())
        descriptor.pointee.polynomial_size = Int64(n)
        descriptor.pointee.complex_count = Int64(m)
        descriptor.pointee.log2_complex_count = Int64(m.trailingZeroBitCount)
        descriptor.pointee.twiddles = twiddles.baseAddress
        descriptor.pointee.twiddles3 = twiddles3.baseAddress
        descriptor.pointee.kernel_constants = kernelConstants.baseAddress
        descriptor.pointee.twist_re = twistRe.baseAddress
        descriptor.pointee.twist_im = twistIm.baseAddress
        cml_fft_plan_prepare(descriptor)
    }

    deinit { descriptor.deallocate() }

    /// Complex points h + j (j < h) for h = 1, 2, 4, … up to `largest`, in the transforms' layout (`slot`):
    /// e^{i·angle(h, j)}, each from its exact angle (not by repeated multiplication) for accuracy.
    private static func pointTable(complexCount m: Int, largest: Int, angle: (Int, Int) -> Double) -> AlignedBuffer<Double> {
        var table = [Double](repeating: 0, count: 2 * m)
        var h = 1
        while h <= largest {
            for j in 0..<h {
                table[slot(h + j)] = cos(angle(h, j))
                table[slot(h + j) + 8] = sin(angle(h, j))
            }
            h *= 2
        }
        return AlignedBuffer(table)
    }

    /// Constant lane vectors of the in-vector stages, stored in `kernelConstants` (8 doubles each, in this order,
    /// as kernels_body.h reads them). Kept in memory on purpose: as compile-time constants, the optimizer
    /// simplifies their 0 and ±1 lanes one by one and turns the stages into scalar code.
    enum KernelConstant: Int, CaseIterable {
        case halfFourSigns, halfTwoSigns, halfOneSigns, halfFourTwiddleRe, halfFourTwiddleIm

        /// The lanes.
        var lanes: [Double] {
            let s = 0.5.squareRoot()
            switch self {
            case .halfFourSigns: return [1, 1, 1, 1, -1, -1, -1, -1]
            case .halfTwoSigns: return [1, 1, -1, -1, 1, 1, -1, -1]
            case .halfOneSigns: return [1, -1, 1, -1, 1, -1, 1, -1]
            // Half 4's twiddles: 1 on lanes 0…3 (they receive sums), e^{−πi·l/4} on lane 4 + l.
            case .halfFourTwiddleRe: return [1, 1, 1, 1, 1, s, 0, -s]
            case .halfFourTwiddleIm: return [0, 0, 0, 0, 0, -s, -1, -s]
            }
        }
    }
}
