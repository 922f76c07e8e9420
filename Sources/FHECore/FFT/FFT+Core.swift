// The M-point complex transforms (reference/tfhe.md §5.5). Radix-4 passes over memory (one radix-2 pass first when
// the number of stages above 64 points is odd), then the last six stages (halves 32…1) of each block of 64 points
// in registers: a pass over memory costs about as much as the arithmetic it carries, so fewer passes is faster.
//
// Layout: complex point i of a transform lives at `slot(i)` of the `re` pointer and of the `im` pointer, where
// im = re + 8: blocks of 8 real parts followed by their 8 imaginary parts. Keeping the two halves of a point in
// one 128-byte block (instead of two arrays M·8 bytes apart) halves the number of cache lines a butterfly
// touches at power-of-two distances, which otherwise collide in the same L1 sets for large N.

/// Vector type of the FFT kernels: 8 points' real (or imaginary) parts, one zmm on AVX-512, two ymm on AVX2.
@usableFromInline typealias FFTWideVector = SIMD8<Double>

/// Offset of complex point i's real part from the start of the transform (its imaginary part is 8 further).
@inline(__always) @usableFromInline
func slot(_ i: Int) -> Int { i &+ (i & ~7) }

/// The vector of points i… (re or im, by the pointer); i is a multiple of 8, so its slot is 2i.
@inline(__always) @usableFromInline
func loadVector(_ p: UnsafeMutablePointer<Double>, _ i: Int) -> FFTWideVector {
    UnsafeMutableRawPointer(p + 2 &* i).loadUnaligned(as: FFTWideVector.self)
}

@inline(__always) @usableFromInline
func loadVector(_ p: UnsafePointer<Double>, _ i: Int) -> FFTWideVector {
    UnsafeRawPointer(p + 2 &* i).loadUnaligned(as: FFTWideVector.self)
}

@inline(__always) @usableFromInline
func storeVector(_ v: FFTWideVector, _ p: UnsafeMutablePointer<Double>, _ i: Int) {
    UnsafeMutableRawPointer(p + 2 &* i).storeBytes(of: v, as: FFTWideVector.self)
}

/// acc + a·b: one fused multiply-add when the build targets a CPU that has the instruction and says so
/// (`-Xswiftc -DCML_FMA`, which Scripts/bench.sh passes with `-target-cpu`), a multiply and an add otherwise.
/// Without the instruction, `addingProduct` compiles to a call to libm's correctly rounded `fma` per lane,
/// which made a default build's PBS several times slower.
@inline(__always) @usableFromInline
func multiplyAdd<V: SIMD>(_ acc: V, _ a: V, _ b: V) -> V where V.Scalar: FloatingPoint {
    #if CML_FMA
    acc.addingProduct(a, b)
    #else
    acc + a * b
    #endif
}

/// Scalar `multiplyAdd`.
@inline(__always) @usableFromInline
func multiplyAdd(_ acc: Double, _ a: Double, _ b: Double) -> Double {
    #if CML_FMA
    acc.addingProduct(a, b)
    #else
    acc + a * b
    #endif
}

/// −x as `−0 − x`, which LLVM reads as a sign flip and folds into a fused multiply-add (vfnmadd). Swift's prefix
/// minus on SIMD vectors is `0 − x`, which it may not fold (the two differ at x = +0): every complex product of
/// the FFT paid one extra subtraction for it.
@inline(__always) @usableFromInline
func negated<V: SIMD>(_ x: V) -> V where V.Scalar: FloatingPoint { V(repeating: -V.Scalar.zero) - x }

/// a·b − c·d (half the floating-point operations of a complex product with fused multiply-adds).
@inline(__always) @usableFromInline
func mulSub<V: SIMD>(_ a: V, _ b: V, _ c: V, _ d: V) -> V where V.Scalar: FloatingPoint { multiplyAdd(a * b, negated(c), d) }

/// a·b + c·d.
@inline(__always) @usableFromInline
func mulAdd<V: SIMD>(_ a: V, _ b: V, _ c: V, _ d: V) -> V where V.Scalar: FloatingPoint { multiplyAdd(a * b, c, d) }

/// Scalar a·b − c·d (the twist loops).
@inline(__always) @usableFromInline
func mulSub(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Double { multiplyAdd(a * b, -c, d) }

/// Scalar a·b + c·d.
@inline(__always) @usableFromInline
func mulAdd(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Double { multiplyAdd(a * b, c, d) }

/// Lanes (2, 3, 0, 1, 6, 7, 4, 5) of x: each lane's half-2 butterfly partner.
@inline(__always) @usableFromInline
func swapPairs(_ x: FFTWideVector) -> FFTWideVector { FFTWideVector(x[2], x[3], x[0], x[1], x[6], x[7], x[4], x[5]) }

/// Lanes (1, 0, 3, 2, 5, 4, 7, 6) of x: each lane's half-1 butterfly partner.
@inline(__always) @usableFromInline
func swapNeighbours(_ x: FFTWideVector) -> FFTWideVector { FFTWideVector(x[1], x[0], x[3], x[2], x[5], x[4], x[7], x[6]) }

/// Lanes (4, 5, 6, 7, 0, 1, 2, 3) of x: each lane's half-4 butterfly partner.
@inline(__always) @usableFromInline
func swapHalves(_ x: FFTWideVector) -> FFTWideVector { FFTWideVector(x[4], x[5], x[6], x[7], x[0], x[1], x[2], x[3]) }

/// The input points of a forward transform, read by its first pass: real and imaginary parts of points i…i+7 (i a
/// multiple of 8). A protocol, not a closure: each source is then specialized into the pass (a closure handed down
/// through the passes was called per point, which made the PBS 20 % slower).
protocol FFTPointSource { func points(_ i: Int) -> (FFTWideVector, FFTWideVector) }

/// Points already in the transform's memory: the source of every pass after the first.
struct StoredPoints: FFTPointSource {
    let re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>
    @inline(__always) func points(_ i: Int) -> (FFTWideVector, FFTWideVector) { (loadVector(re, i), loadVector(im, i)) }
}

/// The plan's tables as the kernels read them: stage twiddles, the radix-4 passes' third-power twiddles, and the
/// in-vector stages' constants.
struct FFTTables {
    let twr: UnsafePointer<Double>, twi: UnsafePointer<Double>
    let t3r: UnsafePointer<Double>, t3i: UnsafePointer<Double>
    let constants: UnsafePointer<Double>

    /// Twiddle e^{−πi·j/h} (complex point h + j of `FFTPlan.twiddles`) for j … j+7.
    @inline(__always) func twiddle(_ index: Int) -> (FFTWideVector, FFTWideVector) { (loadVector(twr, index), loadVector(twi, index)) }
    /// e^{−2πi·3j/(4q)} (point q + j of `FFTPlan.twiddles3`) for j … j+7.
    @inline(__always) func cubeTwiddle(_ index: Int) -> (FFTWideVector, FFTWideVector) { (loadVector(t3r, index), loadVector(t3i, index)) }
    /// Constant vector `c` of `FFTPlan.KernelConstant`.
    @inline(__always) func constant(_ c: FFTPlan.KernelConstant) -> FFTWideVector { load8(constants, 8 &* c.rawValue) }
    /// Lanes 3 and 7, which half 2's twiddle rotates, as a blend mask.
    @inline(__always) var rotatedLanes: SIMDMask<SIMD8<Int64>> { constant(.rotatedLanes) .< 0 }
}

extension FFTPlan {
    /// One pass over memory of the forward transform: stages of half-sizes `half` and, for radix 4, `half/2`.
    struct Pass {
        let half: Int
        let radix: Int
        /// Distance between the points of one butterfly (the smallest half of the pass).
        var quarter: Int { radix == 4 ? half >> 1 : half }
    }

    /// Points of the in-register kernel, which does the last six stages; the smallest M done by the vector passes
    /// (smaller transforms, tests only, take the scalar path).
    static var kernelPoints: Int { 64 }

    /// Columns per step of the column-blocked wide passes.
    static var columnWidth: Int { 64 }

    /// Complex points per depth-first block: re + im of 1024 points are 16 KiB, half of a 32 KiB L1.
    static var cacheBlock: Int { 1024 }

    /// The passes over memory of an M-point forward transform, first to last (the inverse runs them backwards):
    /// the stages of half M/2 down to 64, in radix-4 passes after one radix-2 pass if their number is odd; and how
    /// many come first as wide passes (span beyond `cacheBlock`, run column by column over the whole array).
    static func passes(complexCount m: Int) -> (passes: [Pass], wide: Int) {
        guard m >= kernelPoints else { return ([], 0) }
        var stages = 0
        while kernelPoints << stages < m { stages += 1 }
        var passes: [Pass] = []
        var h = m >> 1
        if stages % 2 == 1 { passes.append(Pass(half: h, radix: 2)); h >>= 1 }
        while h >= kernelPoints { passes.append(Pass(half: h, radix: 4)); h >>= 2 }
        let block = min(m, cacheBlock)
        return (passes, passes.count { 2 * $0.half > block })
    }

    /// The tables' pointers for the kernels.
    var tables: FFTTables {
        let twr = twiddles.baseAddress, t3r = twiddles3.baseAddress
        return FFTTables(twr: twr, twi: twr + 8, t3r: t3r, t3i: t3r + 8, constants: kernelConstants.baseAddress)
    }

    /// Forward transform (DIF) of the points `input` gives into `re`/`im`: natural order in, bit-reversed order
    /// out, sign −1, unnormalized. The first pass computes its input points from `input` (the twist), so they are
    /// never stored before the transform.
    @inline(__always)
    func forwardInPlace<Source: FFTPointSource>(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, input: Source) {
        let m = complexCount
        guard m >= Self.kernelPoints else { scalarForward(re: re, im: im, input: input); return }
        let t = tables
        let block = min(m, Self.cacheBlock)
        let wide = widePassCount
        if wide > 0 {
            // The wide passes only connect indices that differ by a multiple of the last one's quarter (`period`),
            // so each residue class mod `period` is an independent column. Finishing all wide passes on a few
            // columns at a time keeps them in L1: the array comes from L2 once for all of them, not once per pass.
            let period = passes[wide &- 1].quarter
            let width = min(period, Self.columnWidth)
            var c = 0
            while c < period {
                Self.difPass(passes[0], re: re, im: im, count: m, columns: c, width: width, period: period, t, input: input)
                for p in passes[1..<wide] {
                    Self.difPass(p, re: re, im: im, count: m, columns: c, width: width, period: period, t,
                                 input: StoredPoints(re: re, im: im))
                }
                c &+= width
            }
        }
        // Then block by block (depth first), each block's passes and kernels before the next block.
        var s = 0
        while s < m {
            let r = re + 2 &* s, i = im + 2 &* s
            var next = wide
            var kernel = 0
            if wide == 0 {
                // One block (M ≤ cacheBlock): its first step is the transform's first and reads the input.
                if passes.isEmpty {
                    Self.difKernel64(re: r, im: i, at: 0, t, input: input)
                    kernel = Self.kernelPoints
                } else {
                    Self.difPass(passes[0], re: r, im: i, count: block, t, input: input)
                    next = 1
                }
            }
            for p in passes[next...] { Self.difPass(p, re: r, im: i, count: block, t, input: StoredPoints(re: r, im: i)) }
            while kernel < block {
                Self.difKernel64(re: r, im: i, at: kernel, t, input: StoredPoints(re: r, im: i))
                kernel &+= Self.kernelPoints
            }
            s &+= block
        }
    }

    /// In-place inverse transform (DIT): bit-reversed order in, natural order out, sign +1, unnormalized
    /// (the result is M times the input of `forwardInPlace`). (Handing the last pass's points straight to the
    /// untwist, as the forward transform takes its first pass's from the twist, measured no faster in the PBS and
    /// 15 % slower alone at N = 8192.)
    func inverseInPlace(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>) {
        let m = complexCount
        guard m >= Self.kernelPoints else { scalarInverse(re: re, im: im); return }
        let t = tables
        let block = min(m, Self.cacheBlock)
        let wide = widePassCount
        var s = 0
        while s < m {
            let r = re + 2 &* s, i = im + 2 &* s
            var kernel = 0
            while kernel < block {
                Self.ditKernel64(re: r, im: i, at: kernel, t)
                kernel &+= Self.kernelPoints
            }
            for p in passes[wide...].reversed() { Self.ditPass(p, re: r, im: i, count: block, t) }
            s &+= block
        }
        if wide > 0 {
            // Column by column, as in `forwardInPlace`.
            let period = passes[wide &- 1].quarter
            let width = min(period, Self.columnWidth)
            var c = 0
            while c < period {
                for p in passes[0..<wide].reversed() {
                    Self.ditPass(p, re: re, im: im, count: m, columns: c, width: width, period: period, t)
                }
                c &+= width
            }
        }
    }

    /// One forward pass over memory. Only the butterflies whose first index j (within its block of 2·`half`)
    /// lies in [`columns` + t·`period`, + `width`) for some t are done: all of them by default.
    @inline(__always)
    static func difPass<Source: FFTPointSource>(
        _ pass: Pass, re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int,
        columns: Int = 0, width: Int? = nil, period: Int? = nil, _ t: FFTTables, input: Source
    ) {
        let h = pass.half, q = pass.quarter
        if pass.radix == 4 {
            forEachButterfly(count: count, span: 2 &* h, quarter: q, columns: columns, width: width ?? q, period: period ?? q) { i0, j in
                radix4InPlace(re: re, im: im, at: i0, quarter: q, j: j, t, input: input, inverse: false)
            }
        } else {
            forEachButterfly(count: count, span: 2 &* h, quarter: h, columns: columns, width: width ?? h, period: period ?? h) { i0, j in
                let (ar, ai) = input.points(i0), (br, bi) = input.points(i0 &+ h)
                let (wr, wi) = t.twiddle(h &+ j)
                butterfly(ar, ai, br, bi, wr, wi, re: re, im: im, at: i0, i0 &+ h)
            }
        }
    }

    /// One inverse pass over memory, undoing `difPass` of the same `pass` (up to a factor 2 per stage).
    @inline(__always)
    static func ditPass(
        _ pass: Pass, re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int,
        columns: Int = 0, width: Int? = nil, period: Int? = nil, _ t: FFTTables
    ) {
        let h = pass.half, q = pass.quarter
        if pass.radix == 4 {
            forEachButterfly(count: count, span: 2 &* h, quarter: q, columns: columns, width: width ?? q, period: period ?? q) { i0, j in
                radix4InPlace(re: re, im: im, at: i0, quarter: q, j: j, t, input: StoredPoints(re: re, im: im), inverse: true)
            }
        } else {
            forEachButterfly(count: count, span: 2 &* h, quarter: h, columns: columns, width: width ?? h, period: period ?? h) { i0, j in
                var ar = loadVector(re, i0), ai = loadVector(im, i0)
                var br = loadVector(re, i0 &+ h), bi = loadVector(im, i0 &+ h)
                let (wr, wi) = t.twiddle(h &+ j)
                inverseButterfly(&ar, &ai, &br, &bi, wr, wi)
                storeVector(ar, re, i0); storeVector(ai, im, i0)
                storeVector(br, re, i0 &+ h); storeVector(bi, im, i0 &+ h)
            }
        }
    }

    /// Calls `body(i0, j)` for the first index i0 = s + j of every butterfly of a pass: blocks of `span` points
    /// from s = 0 below `count`, and in each block the j in [`columns` + t·`period`, + `width`) below `quarter`,
    /// 8 apart (one vector). Every pass of both directions walks this one loop nest.
    @inline(__always)
    static func forEachButterfly(
        count: Int, span: Int, quarter: Int, columns: Int, width: Int, period: Int, _ body: (Int, Int) -> Void
    ) {
        var s = 0
        while s < count {
            var t = columns
            while t < quarter {
                var j = t
                let end = t &+ width
                while j < end {
                    body(s &+ j, j)
                    j &+= 8
                }
                t &+= period
            }
            s &+= span
        }
    }

    /// The radix-4 DIF butterfly on points i0, i0 + q, i0 + 2q, i0 + 3q (j = i0 mod q… within the pass's span,
    /// w = e^{−2πi/(4q)}): with a = x0 + x2, b = x0 − x2, c = x1 + x3, d = −i·(x1 − x3), the outputs are a + c,
    /// (a − c)·w^{2j}, (b + d)·w^j, (b − d)·w^{3j} in place: the two radix-2 stages of halves 2q and q with three
    /// twiddle products instead of four. With `inverse`, its inverse up to a factor 4 (`inverseRadix4`). The points
    /// come from `input` (the inverse's are always in memory).
    @inline(__always)
    static func radix4InPlace<Source: FFTPointSource>(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, at i0: Int, quarter q: Int, j: Int,
        _ t: FFTTables, input: Source, inverse: Bool
    ) {
        let i1 = i0 &+ q, i2 = i1 &+ q, i3 = i2 &+ q
        var (x0r, x0i) = input.points(i0), (x1r, x1i) = input.points(i1)
        var (x2r, x2i) = input.points(i2), (x3r, x3i) = input.points(i3)
        if inverse {
            inverseRadix4(&x0r, &x0i, &x1r, &x1i, &x2r, &x2i, &x3r, &x3i, quarter: q, j: j, t)
        } else {
            radix4(&x0r, &x0i, &x1r, &x1i, &x2r, &x2i, &x3r, &x3i, quarter: q, j: j, t)
        }
        storeVector(x0r, re, i0); storeVector(x0i, im, i0)
        storeVector(x1r, re, i1); storeVector(x1i, im, i1)
        storeVector(x2r, re, i2); storeVector(x2i, im, i2)
        storeVector(x3r, re, i3); storeVector(x3i, im, i3)
    }

    /// The arithmetic of `radix4InPlace` on vectors: (x0, x1, x2, x3) ← (a + c, (a − c)·w^{2j}, (b + d)·w^j, (b − d)·w^{3j}).
    @inline(__always)
    static func radix4(
        _ x0r: inout FFTWideVector, _ x0i: inout FFTWideVector, _ x1r: inout FFTWideVector, _ x1i: inout FFTWideVector,
        _ x2r: inout FFTWideVector, _ x2i: inout FFTWideVector, _ x3r: inout FFTWideVector, _ x3i: inout FFTWideVector,
        quarter q: Int, j: Int, _ t: FFTTables
    ) {
        let ar = x0r + x2r, ai = x0i + x2i, br = x0r - x2r, bi = x0i - x2i
        let cr = x1r + x3r, ci = x1i + x3i, er = x1r - x3r, ei = x1i - x3i
        // d = −i·e = (e.im, −e.re).
        x0r = ar + cr; x0i = ai + ci
        (x1r, x1i) = times(ar - cr, ai - ci, t.twiddle(q &+ j))
        (x2r, x2i) = times(br + ei, bi - er, t.twiddle(2 &* q &+ j))
        (x3r, x3i) = times(br - ei, bi + er, t.cubeTwiddle(q &+ j))
    }

    /// Inverse of `radix4` up to a factor 4: conjugate twiddles first, then the two stages.
    @inline(__always)
    static func inverseRadix4(
        _ x0r: inout FFTWideVector, _ x0i: inout FFTWideVector, _ x1r: inout FFTWideVector, _ x1i: inout FFTWideVector,
        _ x2r: inout FFTWideVector, _ x2i: inout FFTWideVector, _ x3r: inout FFTWideVector, _ x3i: inout FFTWideVector,
        quarter q: Int, j: Int, _ t: FFTTables
    ) {
        let (cr, ci) = timesConjugate(x1r, x1i, t.twiddle(q &+ j))      // a − c
        let (br, bi) = timesConjugate(x2r, x2i, t.twiddle(2 &* q &+ j)) // b + d
        let (dr, di) = timesConjugate(x3r, x3i, t.cubeTwiddle(q &+ j))  // b − d
        let pr = x0r + cr, pi = x0i + ci, qr = x0r - cr, qi = x0i - ci   // 2a, 2c
        let rr = br + dr, ri = bi + di, ur = br - dr, ui = bi - di       // 2b, 2d
        // x1 − x3 = i·d: (x0, x2) = 2a ± 2b, (x1, x3) = 2c ± i·2d.
        x0r = pr + rr; x0i = pi + ri
        x2r = pr - rr; x2i = pi - ri
        x1r = qr - ui; x1i = qi + ur
        x3r = qr + ui; x3i = qi - ur
    }

    /// (r + i·m)·w.
    @inline(__always)
    static func times(_ r: FFTWideVector, _ m: FFTWideVector, _ w: (FFTWideVector, FFTWideVector)) -> (FFTWideVector, FFTWideVector) {
        (mulSub(r, w.0, m, w.1), mulAdd(r, w.1, m, w.0))
    }

    /// (r + i·m)·conj(w).
    @inline(__always)
    static func timesConjugate(_ r: FFTWideVector, _ m: FFTWideVector, _ w: (FFTWideVector, FFTWideVector)) -> (FFTWideVector, FFTWideVector) {
        (mulAdd(r, w.0, m, w.1), mulSub(m, w.0, r, w.1))
    }

    /// DIF radix-2 butterfly on vectors: (a, b) ← (a + b, (a − b)·w).
    @inline(__always)
    static func butterfly(
        _ ar: inout FFTWideVector, _ ai: inout FFTWideVector, _ br: inout FFTWideVector, _ bi: inout FFTWideVector,
        _ wr: FFTWideVector, _ wi: FFTWideVector
    ) {
        let dr = ar - br, di = ai - bi
        ar = ar + br; ai = ai + bi
        (br, bi) = times(dr, di, (wr, wi))
    }

    /// `butterfly` whose results are stored at points a and b.
    @inline(__always)
    static func butterfly(
        _ ar: FFTWideVector, _ ai: FFTWideVector, _ br: FFTWideVector, _ bi: FFTWideVector, _ wr: FFTWideVector,
        _ wi: FFTWideVector, re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, at a: Int, _ b: Int
    ) {
        var ar = ar, ai = ai, br = br, bi = bi
        butterfly(&ar, &ai, &br, &bi, wr, wi)
        storeVector(ar, re, a); storeVector(ai, im, a)
        storeVector(br, re, b); storeVector(bi, im, b)
    }

    /// DIT radix-2 butterfly on vectors, the inverse of `butterfly` up to a factor 2: (a, b) ← (a + b·conj(w), a − b·conj(w)).
    @inline(__always)
    static func inverseButterfly(
        _ ar: inout FFTWideVector, _ ai: inout FFTWideVector, _ br: inout FFTWideVector, _ bi: inout FFTWideVector,
        _ wr: FFTWideVector, _ wi: FFTWideVector
    ) {
        let (xr, xi) = timesConjugate(br, bi, (wr, wi))
        br = ar - xr; bi = ai - xi
        ar = ar + xr; ai = ai + xi
    }

    /// The last six DIF stages (halves 32, 16, 8, then 4, 2, 1 inside each vector) of the 64 points from `b`, read
    /// from `input` and stored in place, in registers: one pass over memory for six stages.
    @inline(__always)
    static func difKernel64<Source: FFTPointSource>(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, at b: Int, _ t: FFTTables, input: Source
    ) {
        var ((x0r, x1r, x2r, x3r, x4r, x5r, x6r, x7r), (x0i, x1i, x2i, x3i, x4i, x5i, x6i, x7i)) = loadBlock(input, at: b)
        // Halves 32 and 16: radix 4 with quarter 16 (vectors v, v + 2, v + 4, v + 6 for v = 0, 1).
        radix4(&x0r, &x0i, &x2r, &x2i, &x4r, &x4i, &x6r, &x6i, quarter: 16, j: 0, t)
        radix4(&x1r, &x1i, &x3r, &x3i, &x5r, &x5i, &x7r, &x7i, quarter: 16, j: 8, t)
        // Half 8: neighbouring vectors.
        let (w8r, w8i) = t.twiddle(8)
        butterfly(&x0r, &x0i, &x1r, &x1i, w8r, w8i)
        butterfly(&x2r, &x2i, &x3r, &x3i, w8r, w8i)
        butterfly(&x4r, &x4i, &x5r, &x5i, w8r, w8i)
        butterfly(&x6r, &x6i, &x7r, &x7i, w8r, w8i)
        inVectorForward(&x0r, &x0i, t); inVectorForward(&x1r, &x1i, t)
        inVectorForward(&x2r, &x2i, t); inVectorForward(&x3r, &x3i, t)
        inVectorForward(&x4r, &x4i, t); inVectorForward(&x5r, &x5i, t)
        inVectorForward(&x6r, &x6i, t); inVectorForward(&x7r, &x7i, t)
        storeBlock((x0r, x1r, x2r, x3r, x4r, x5r, x6r, x7r), (x0i, x1i, x2i, x3i, x4i, x5i, x6i, x7i), re: re, im: im, at: b)
    }

    /// The inverse of `difKernel64` up to a factor 64: the first six DIT stages of the 64 points from `b`.
    @inline(__always)
    static func ditKernel64(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, at b: Int, _ t: FFTTables) {
        var ((x0r, x1r, x2r, x3r, x4r, x5r, x6r, x7r), (x0i, x1i, x2i, x3i, x4i, x5i, x6i, x7i)) =
            loadBlock(StoredPoints(re: re, im: im), at: b)
        inVectorInverse(&x0r, &x0i, t); inVectorInverse(&x1r, &x1i, t)
        inVectorInverse(&x2r, &x2i, t); inVectorInverse(&x3r, &x3i, t)
        inVectorInverse(&x4r, &x4i, t); inVectorInverse(&x5r, &x5i, t)
        inVectorInverse(&x6r, &x6i, t); inVectorInverse(&x7r, &x7i, t)
        let (w8r, w8i) = t.twiddle(8)
        inverseButterfly(&x0r, &x0i, &x1r, &x1i, w8r, w8i)
        inverseButterfly(&x2r, &x2i, &x3r, &x3i, w8r, w8i)
        inverseButterfly(&x4r, &x4i, &x5r, &x5i, w8r, w8i)
        inverseButterfly(&x6r, &x6i, &x7r, &x7i, w8r, w8i)
        inverseRadix4(&x0r, &x0i, &x2r, &x2i, &x4r, &x4i, &x6r, &x6i, quarter: 16, j: 0, t)
        inverseRadix4(&x1r, &x1i, &x3r, &x3i, &x5r, &x5i, &x7r, &x7i, quarter: 16, j: 8, t)
        storeBlock((x0r, x1r, x2r, x3r, x4r, x5r, x6r, x7r), (x0i, x1i, x2i, x3i, x4i, x5i, x6i, x7i), re: re, im: im, at: b)
    }

    /// Eight vectors: the real (or imaginary) parts of the 64 points of a kernel call, vector v holding points 8v….
    typealias KernelVectors = (FFTWideVector, FFTWideVector, FFTWideVector, FFTWideVector,
                               FFTWideVector, FFTWideVector, FFTWideVector, FFTWideVector)

    /// The 64 points from `b` of `input`, real parts then imaginary parts.
    @inline(__always)
    static func loadBlock<Source: FFTPointSource>(_ input: Source, at b: Int) -> (KernelVectors, KernelVectors) {
        let (x0r, x0i) = input.points(b), (x1r, x1i) = input.points(b &+ 8)
        let (x2r, x2i) = input.points(b &+ 16), (x3r, x3i) = input.points(b &+ 24)
        let (x4r, x4i) = input.points(b &+ 32), (x5r, x5i) = input.points(b &+ 40)
        let (x6r, x6i) = input.points(b &+ 48), (x7r, x7i) = input.points(b &+ 56)
        return ((x0r, x1r, x2r, x3r, x4r, x5r, x6r, x7r), (x0i, x1i, x2i, x3i, x4i, x5i, x6i, x7i))
    }

    /// Stores the 64 points from `b`.
    @inline(__always)
    static func storeBlock(
        _ r: KernelVectors, _ i: KernelVectors, re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, at b: Int
    ) {
        storeVector(r.0, re, b); storeVector(i.0, im, b)
        storeVector(r.1, re, b &+ 8); storeVector(i.1, im, b &+ 8)
        storeVector(r.2, re, b &+ 16); storeVector(i.2, im, b &+ 16)
        storeVector(r.3, re, b &+ 24); storeVector(i.3, im, b &+ 24)
        storeVector(r.4, re, b &+ 32); storeVector(i.4, im, b &+ 32)
        storeVector(r.5, re, b &+ 40); storeVector(i.5, im, b &+ 40)
        storeVector(r.6, re, b &+ 48); storeVector(i.6, im, b &+ 48)
        storeVector(r.7, re, b &+ 56); storeVector(i.7, im, b &+ 56)
    }

    /// The DIF stages of half 4, 2 and 1 inside one vector of 8 points. Each stage is a fixed lane permutation plus a
    /// fused multiply-add with a ±1 lane-sign vector (lanes that receive a + b get +1, lanes that receive a − b get
    /// −1), then the stage's twiddles: half 4's as a lane-wise complex product (e^{−πi·l/4} on lanes 4 + l), half
    /// 2's −i on lanes 3 and 7, (re, im) → (im, −re), as blends. (Blends instead of multiply-adds by 0/1 masks:
    /// these stages were bound by the multiply pipes; 20 % faster. Adds with sign-bit flips instead of the ±1
    /// multiply-adds were twice as slow: the adders share a pipe with the permutations.)
    @inline(__always)
    static func inVectorForward(_ xr: inout FFTWideVector, _ xi: inout FFTWideVector, _ t: FFTTables) {
        let sign4 = t.constant(.halfFourSigns), sign2 = t.constant(.halfTwoSigns), sign1 = t.constant(.halfOneSigns)
        let rotated = t.rotatedLanes
        let ar = multiplyAdd(swapHalves(xr), xr, sign4), ai = multiplyAdd(swapHalves(xi), xi, sign4)
        let (br, bi) = times(ar, ai, (t.constant(.halfFourTwiddleRe), t.constant(.halfFourTwiddleIm)))
        let cr = multiplyAdd(swapPairs(br), br, sign2), ci = multiplyAdd(swapPairs(bi), bi, sign2)
        let dr = cr.replacing(with: ci, where: rotated), di = ci.replacing(with: negated(cr), where: rotated)
        xr = multiplyAdd(swapNeighbours(dr), dr, sign1)
        xi = multiplyAdd(swapNeighbours(di), di, sign1)
    }

    /// The inverse of `inVectorForward` up to a factor 8 (DIT halves 1, 2 with +i, then 4 with conjugate twiddles).
    @inline(__always)
    static func inVectorInverse(_ xr: inout FFTWideVector, _ xi: inout FFTWideVector, _ t: FFTTables) {
        let sign4 = t.constant(.halfFourSigns), sign2 = t.constant(.halfTwoSigns), sign1 = t.constant(.halfOneSigns)
        let rotated = t.rotatedLanes
        let ar = multiplyAdd(swapNeighbours(xr), xr, sign1), ai = multiplyAdd(swapNeighbours(xi), xi, sign1)
        let br = ar.replacing(with: negated(ai), where: rotated), bi = ai.replacing(with: ar, where: rotated)
        let cr = multiplyAdd(swapPairs(br), br, sign2), ci = multiplyAdd(swapPairs(bi), bi, sign2)
        let (dr, di) = timesConjugate(cr, ci, (t.constant(.halfFourTwiddleRe), t.constant(.halfFourTwiddleIm)))
        xr = multiplyAdd(swapHalves(dr), dr, sign4)
        xi = multiplyAdd(swapHalves(di), di, sign4)
    }

    /// Forward transform for M < `kernelPoints` (N < 128, tests and toy sets): radix-2 DIF stages on scalars, with
    /// the same twiddles, layout and output order as the vector path.
    func scalarForward<Source: FFTPointSource>(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, input: Source) {
        let m = complexCount
        var block = 0
        while block < m {
            let (xr, xi) = input.points(block)
            storeVector(xr, re, block)
            storeVector(xi, im, block)
            block &+= 8
        }
        let twr = twiddles.baseAddress, twi = twr + 8
        var h = m >> 1
        while h >= 1 {
            for s in stride(from: 0, to: m, by: 2 * h) {
                for j in 0..<h {
                    let a = slot(s + j), b = slot(s + j + h), w = slot(h + j)
                    let dr = re[a] - re[b], di = im[a] - im[b]
                    re[a] += re[b]; im[a] += im[b]
                    re[b] = mulSub(dr, twr[w], di, twi[w]); im[b] = mulAdd(dr, twi[w], di, twr[w])
                }
            }
            h >>= 1
        }
    }

    /// Inverse of `scalarForward` up to a factor M.
    func scalarInverse(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>) {
        let m = complexCount
        let twr = twiddles.baseAddress, twi = twr + 8
        var h = 1
        while h < m {
            for s in stride(from: 0, to: m, by: 2 * h) {
                for j in 0..<h {
                    let a = slot(s + j), b = slot(s + j + h), w = slot(h + j)
                    let xr = mulAdd(re[b], twr[w], im[b], twi[w]), xi = mulSub(im[b], twr[w], re[b], twi[w])
                    re[b] = re[a] - xr; im[b] = im[a] - xi
                    re[a] += xr; im[a] += xi
                }
            }
            h <<= 1
        }
    }

    /// Constant lane vectors of the in-vector stages, stored in `kernelConstants` (8 doubles each, in this order).
    /// Loaded from memory on purpose: as compile-time constants, the optimizer simplified their 0 and ±1 lanes
    /// one by one and turned the whole kernel into scalar code (2–3 times slower).
    enum KernelConstant: Int, CaseIterable {
        case halfFourSigns, halfTwoSigns, halfOneSigns, rotatedLanes, halfFourTwiddleRe, halfFourTwiddleIm

        /// The lanes.
        var lanes: [Double] {
            let s = 0.5.squareRoot()
            switch self {
            case .halfFourSigns: return [1, 1, 1, 1, -1, -1, -1, -1]
            case .halfTwoSigns: return [1, 1, -1, -1, 1, 1, -1, -1]
            case .halfOneSigns: return [1, -1, 1, -1, 1, -1, 1, -1]
            // The lanes that half 2's −i (or the inverse's i) rotates: −1 there.
            case .rotatedLanes: return [0, 0, 0, -1, 0, 0, 0, -1]
            // Half 4's twiddles: 1 on lanes 0…3 (they receive sums), e^{−πi·l/4} on lane 4 + l.
            case .halfFourTwiddleRe: return [1, 1, 1, 1, 1, s, 0, -s]
            case .halfFourTwiddleIm: return [0, 0, 0, 0, 0, -s, -1, -s]
            }
        }
    }
}
