// Negacyclic f64 FFT, "folded and twisted" (reference/tfhe.md §5.5).
//
// A real polynomial of Z[X]/(X^N + 1) is folded into M = N/2 complex values z_j = (x_j + i·x_{j+M})·w_j with
// w_j = e^{iπj/N}; an M-point complex FFT of z evaluates the polynomial at the M roots of X^N + 1 whose M-th
// power is i (the other M are their conjugates). Products mod X^N + 1 become pointwise products.
//
// Layout: blocks of 8 real parts then their 8 imaginary parts (see `slot` in FFT+Core.swift). The forward transform is decimation in frequency (natural order
// in, bit-reversed out) and the inverse is decimation in time (bit-reversed in, natural out), so no
// bit-reversal pass is needed: pointwise products do not care about the order.
import Foundation

/// Twiddles and twists for one polynomial size; immutable and shared across threads.
public final class FFTPlan: Sendable {
    /// N.
    public let polynomialSize: Int
    /// M = N/2, the number of complex points.
    public let complexCount: Int
    /// Stage twiddles e^{−2πi·j/(2h)} as complex point h + j (in the transforms' interleaved layout, see
    /// `slot`), for h = 1, 2, 4, …, M/2 and j < h.
    let twiddles: AlignedBuffer<Double>
    /// Third powers e^{−2πi·3j/(4q)} as complex point q + j, for q = 1, 2, 4, …, M/4 and j < q (the radix-4
    /// passes' third twiddle).
    let twiddles3: AlignedBuffer<Double>
    /// The in-vector stages' constant lane vectors (`KernelConstant`).
    let kernelConstants: AlignedBuffer<Double>
    /// The forward transform's passes over memory, and how many of them are wide (`FFTPlan.passes`).
    let passes: [Pass]
    let widePassCount: Int
    /// Twist w_j = e^{iπj/N}.
    let twistRe: AlignedBuffer<Double>
    let twistIm: AlignedBuffer<Double>
    /// log2 M: the inverse's normalization 1/M is folded into its conversion back (`Torus.fromReal(_:gridBits:
    /// scaledDownBy:)`), so the untwist multiplies by conj(w_j) from the twist table (a separate untwist table took
    /// as much cache as the twist: 256 KB at N = 32768).
    let log2ComplexCount: Int

    /// A plan for polynomials of size `polynomialSize`.
    /// - Precondition: N ≥ 16 (M ≥ 8: points are read 8 at a time; below 64 the transforms take the scalar path).
    public init(polynomialSize: PolynomialSize) {
        let n = polynomialSize.rawValue
        precondition(n >= 16, "the FFT needs N ≥ 16, got \(n)")
        self.polynomialSize = n
        let m = n / 2
        self.complexCount = m
        twiddles = Self.pointTable(complexCount: m, largest: m / 2) { h, j in -Double.pi * Double(j) / Double(h) }
        twiddles3 = Self.pointTable(complexCount: m, largest: m / 4) { q, j in -Double.pi * Double(3 * j) / Double(2 * q) }
        kernelConstants = AlignedBuffer(KernelConstant.allCases.flatMap(\.lanes))
        (passes, widePassCount) = Self.passes(complexCount: m)
        var wr = [Double](repeating: 0, count: m)
        var wi = [Double](repeating: 0, count: m)
        for j in 0..<m {
            let angle = Double.pi * Double(j) / Double(n)
            wr[j] = cos(angle)
            wi[j] = sin(angle)
        }
        twistRe = AlignedBuffer(wr)
        twistIm = AlignedBuffer(wi)
        log2ComplexCount = m.trailingZeroBitCount
    }

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
}
