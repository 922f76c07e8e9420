// The M-point complex transforms (reference/tfhe.md §5.5). Radix-2 stages on SIMD vectors for the wide stages;
// the last two stages are fused into one radix-4 pass with trivial twiddles.
//
// Layout: complex point i of a transform lives at `slot(i)` of the `re` pointer and of the `im` pointer, where
// im = re + 8: blocks of 8 real parts followed by their 8 imaginary parts. Keeping the two halves of a point in
// one 128-byte block (instead of two arrays M·8 bytes apart) halves the number of cache lines a butterfly
// touches at power-of-two distances, which otherwise collide in the same L1 sets for large N.

/// Vector type of the FFT kernels. AVX-512 builds run two of these per instruction pair; fine on AVX2 too.
@usableFromInline typealias FFTVector = SIMD4<Double>

/// Wide vector of the radix-2² stages whose butterfly half-width is at least 8 (one zmm on AVX-512).
@usableFromInline typealias FFTWideVector = SIMD8<Double>

/// Offset of complex point i's real part from the start of the transform (its imaginary part is 8 further).
@inline(__always) @usableFromInline
func slot(_ i: Int) -> Int { i &+ (i & ~7) }

/// `slot(i)` for i a multiple of `width`: for whole blocks (width 8) it is 2i, which loops strength-reduce.
@inline(__always) @usableFromInline
func slot(_ i: Int, width: Int) -> Int { width >= 8 ? 2 &* i : slot(i) }

/// The vector of points i… (re or im, by the pointer); i is a multiple of the vector width.
@inline(__always) @usableFromInline
func loadVector<V: SIMD>(_ p: UnsafeMutablePointer<Double>, _ i: Int, as _: V.Type = FFTVector.self) -> V where V.Scalar == Double {
    UnsafeMutableRawPointer(p + slot(i, width: V.scalarCount)).loadUnaligned(as: V.self)
}

@inline(__always) @usableFromInline
func loadVector<V: SIMD>(_ p: UnsafePointer<Double>, _ i: Int, as _: V.Type = FFTVector.self) -> V where V.Scalar == Double {
    UnsafeRawPointer(p + slot(i, width: V.scalarCount)).loadUnaligned(as: V.self)
}

@inline(__always) @usableFromInline
func storeVector<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Double>, _ i: Int) where V.Scalar == Double {
    UnsafeMutableRawPointer(p + slot(i, width: V.scalarCount)).storeBytes(of: v, as: V.self)
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

/// The input points of a forward transform, read by its first pass: real and imaginary parts of points i…i+7 (i a
/// multiple of 8). A protocol, not a closure: each source is then specialized into the pass (a closure handed down
/// through the passes was called per point, which made the PBS 20 % slower).
protocol FFTPointSource { func points(_ i: Int) -> (FFTWideVector, FFTWideVector) }

extension FFTPlan {
    /// Smallest M whose first forward pass is an 8-wide radix-2² pass, which takes its input points from the
    /// source directly (smaller transforms store them first).
    static var fusedPassMinimum: Int { 32 }

    /// Forward transform (DIF) of the points `input` gives into `re`/`im`: natural order in, bit-reversed order
    /// out, sign −1, unnormalized. The first pass computes its input points from `input` (the twist), so they are
    /// never stored before the transform.
    @inline(__always)
    func forwardInPlace<Source: FFTPointSource>(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, input: Source) {
        let m = complexCount
        let fused = m >= Self.fusedPassMinimum
        if !fused {
            var block = 0
            while block < m {
                let (xr, xi) = input.points(block)
                store8(xr, re, 2 &* block)
                store8(xi, im, 2 &* block)
                block &+= 8
            }
        }
        let firstHalf = m >> 1
        let twr = twiddles.baseAddress
        let twi = twr + 8
        var h = firstHalf
        // Two radix-2 stages per pass (radix-2²) while both have at least one vector of width. The wide
        // stages run over the whole array; once the butterfly blocks fit in `cacheBlock`, each block is
        // finished before the next (depth first), so large transforms stay in L1 instead of streaming
        // the array through L2 once per pass.
        let block = min(m, Self.cacheBlock)
        var widePasses = 0
        while h >= 8 && 2 &* h > block { widePasses &+= 1; h >>= 2 }
        if widePasses > 0 {
            // The wide stages only connect indices that differ by a multiple of their smallest half
            // (`period`), so each residue class mod `period` is an independent column of m/period
            // points. Finishing all wide passes on a few columns at a time keeps them in L1: the array
            // comes from L2 once for all wide passes instead of once per pass.
            let period = (h << 2) >> 1
            let width = min(period, Self.columnWidth)
            var c = 0
            while c < period {
                var hw = firstHalf
                for pass in 0..<widePasses {
                    if pass == 0 && fused {
                        Self.difFirstRadix4Stage(re: re, im: im, count: m, half: hw, twr: twr, twi: twi,
                                                 columns: c, width: width, period: period, input: input)
                    } else {
                        Self.difRadix4Stage(re: re, im: im, count: m, half: hw, twr: twr, twi: twi,
                                            columns: c, width: width, period: period)
                    }
                    hw >>= 2
                }
                c &+= width
            }
        }
        var s = 0
        while s < m {
            var g = h
            if widePasses == 0 && fused {
                // One block (M ≤ cacheBlock): its first pass is the transform's first.
                Self.difFirstRadix4Stage(re: re, im: im, count: m, half: g, twr: twr, twi: twi,
                                         columns: 0, width: g >> 1, period: g >> 1, input: input)
                g >>= 2
            }
            while g >= 8 {
                Self.difRadix4Stage(re: re + slot(s), im: im + slot(s), count: block, half: g, twr: twr, twi: twi)
                g >>= 2
            }
            if g == 4 {
                Self.difRadix2Stage(re: re + slot(s), im: im + slot(s), count: block, half: 4, twr: twr, twi: twi)
            }
            Self.difLastTwoStages(re: re + slot(s), im: im + slot(s), count: block)
            s &+= block
        }
    }

    /// Columns per step of the column-blocked wide passes.
    static var columnWidth: Int { 32 }

    /// Complex points per depth-first block: re + im of 1024 points are 16 KiB, half of a 32 KiB L1.
    static var cacheBlock: Int { 1024 }

    /// In-place inverse transform (DIT): bit-reversed order in, natural order out, sign +1, unnormalized
    /// (the result is M times the input of `forwardInPlace`). (Handing the last pass's points straight to the
    /// untwist, as the forward transform takes its first pass's from the twist, measured no faster in the PBS and
    /// 15 % slower alone at N = 8192.)
    func inverseInPlace(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>) {
        let m = complexCount
        let twr = twiddles.baseAddress
        let twi = twr + 8
        // Mirror of the forward pass: one radix-2 stage if the number of vector stages is odd.
        var vectorStages = 0
        var t = 4
        while t < m { vectorStages += 1; t <<= 1 }
        // Depth first while the butterfly blocks fit in `cacheBlock`, then the wide stages over the array.
        let block = min(m, Self.cacheBlock)
        var h = 4
        var s = 0
        while s < m {
            Self.ditFirstTwoStages(re: re + slot(s), im: im + slot(s), count: block)
            var g = 4
            if vectorStages % 2 == 1 {
                Self.ditRadix2Stage(re: re + slot(s), im: im + slot(s), count: block, half: 4, twr: twr, twi: twi)
                g = 8
            }
            while g < m && 4 &* g <= block {
                Self.ditRadix4Stage(re: re + slot(s), im: im + slot(s), count: block, half: g, twr: twr, twi: twi)
                g <<= 2
            }
            h = g
            s &+= block
        }
        // Wide passes column by column, as in `forwardInPlace`: each pass connects indices that differ by a
        // multiple of the first pass's half.
        var widePasses = 0
        var hw = h
        while hw < m { widePasses &+= 1; hw <<= 2 }
        if widePasses > 0 {
            let period = h
            let width = min(period, Self.columnWidth)
            var c = 0
            while c < period {
                var g = h
                for _ in 0..<widePasses {
                    Self.ditRadix4Stage(re: re, im: im, count: m, half: g, twr: twr, twi: twi,
                                        columns: c, width: width, period: period)
                    g <<= 2
                }
                c &+= width
            }
        }
    }

    /// One DIF radix-2 stage with butterflies of half-size `half` (≥ 4).
    @inline(__always)
    static func difRadix2Stage(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int, half: Int,
        twr: UnsafePointer<Double>, twi: UnsafePointer<Double>
    ) {
        var s = 0
        while s < count {
            var j = 0
            while j < half {
                let a = s &+ j
                let b = a &+ half
                let ar = loadVector(re, a), ai = loadVector(im, a)
                let br = loadVector(re, b), bi = loadVector(im, b)
                let wr = loadVector(twr, half &+ j), wi = loadVector(twi, half &+ j)
                storeVector(ar + br, re, a)
                storeVector(ai + bi, im, a)
                let dr = ar - br, di = ai - bi
                storeVector(mulSub(dr, wr, di, wi), re, b)
                storeVector(mulAdd(dr, wi, di, wr), im, b)
                j &+= 4
            }
            s &+= 2 &* half
        }
    }

    /// Two DIF stages (half-sizes `half` and `half/2`, `half` ≥ 8) in one pass over memory, on 8-wide vectors
    /// when the quarter-width allows.
    ///
    /// Only the butterflies whose first index j (within its block of 2·`half`) lies in
    /// [`columns` + t·`period`, + `width`) for some t are done: all of them by default.
    @inline(__always)
    static func difRadix4Stage(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int, half: Int,
        twr: UnsafePointer<Double>, twi: UnsafePointer<Double>, columns: Int = 0, width: Int? = nil, period: Int? = nil
    ) {
        let q = half >> 1
        if half >= 16 && (width ?? q) >= 8 {
            difRadix4Stage(re: re, im: im, count: count, half: half, twr: twr, twi: twi, columns: columns,
                           width: width ?? q, period: period ?? q, vector: FFTWideVector.self)
        } else {
            difRadix4Stage(re: re, im: im, count: count, half: half, twr: twr, twi: twi, columns: columns,
                           width: width ?? q, period: period ?? q, vector: FFTVector.self)
        }
    }

    @inline(__always)
    static func difRadix4Stage<V: SIMD>(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int, half: Int,
        twr: UnsafePointer<Double>, twi: UnsafePointer<Double>, columns: Int, width: Int, period: Int, vector: V.Type
    ) where V.Scalar == Double {
        let w = V.scalarCount
        let q = half >> 1
        if w < 8 {
            precondition(q == w && width == q, "4-wide radix-2² passes only serve quarter-width 4")
            difRadix4QuarterFour(re: re, im: im, count: count, twr: twr, twi: twi)
            return
        }
        forEachRadix4Butterfly(count: count, span: 2 &* half, quarter: q, columns: columns, width: width, period: period,
                               step: w) { i0, j in
            let i1 = i0 &+ q, i2 = i0 &+ half, i3 = i2 &+ q
            difButterfly4(
                loadVector(re, i0, as: V.self), loadVector(im, i0, as: V.self), loadVector(re, i1, as: V.self),
                loadVector(im, i1, as: V.self), loadVector(re, i2, as: V.self), loadVector(im, i2, as: V.self),
                loadVector(re, i3, as: V.self), loadVector(im, i3, as: V.self),
                re: re, im: im, i0: i0, i1: i1, i2: i2, i3: i3, wA: half &+ j, v: q &+ j, twr: twr, twi: twi)
        }
    }

    /// `difRadix4Stage` on 8-wide vectors whose input points come from `input` instead of memory (the transform's
    /// first pass); `half` ≥ 16, `width` ≥ 8.
    @inline(__always)
    static func difFirstRadix4Stage<Source: FFTPointSource>(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int, half: Int,
        twr: UnsafePointer<Double>, twi: UnsafePointer<Double>, columns: Int, width: Int, period: Int, input: Source
    ) {
        let q = half >> 1
        forEachRadix4Butterfly(count: count, span: 2 &* half, quarter: q, columns: columns, width: width, period: period,
                               step: 8) { i0, j in
            let i1 = i0 &+ q, i2 = i0 &+ half, i3 = i2 &+ q
            let (x0r, x0i) = input.points(i0), (x1r, x1i) = input.points(i1)
            let (x2r, x2i) = input.points(i2), (x3r, x3i) = input.points(i3)
            difButterfly4(x0r, x0i, x1r, x1i, x2r, x2i, x3r, x3i,
                          re: re, im: im, i0: i0, i1: i1, i2: i2, i3: i3, wA: half &+ j, v: q &+ j, twr: twr, twi: twi)
        }
    }

    /// Calls `body(i0, j)` for the first index i0 = s + j of every radix-2² butterfly of a pass: blocks of `span`
    /// points from s = 0 below `count`, and in each block the j in [`columns` + t·`period`, + `width`) below
    /// `quarter`, `step` apart (the vector width). Both directions' passes walk this one loop nest.
    @inline(__always)
    static func forEachRadix4Butterfly(
        count: Int, span: Int, quarter: Int, columns: Int, width: Int, period: Int, step: Int, _ body: (Int, Int) -> Void
    ) {
        var s = 0
        while s < count {
            var t = columns
            while t < quarter {
                var j = t
                let end = t &+ width
                while j < end {
                    body(s &+ j, j)
                    j &+= step
                }
                t &+= period
            }
            s &+= span
        }
    }

    /// `difRadix4Stage` with half 8 (quarter-width 4): one 4-wide butterfly per block of 16 points, all with the
    /// same twiddles, at constant offsets from the block in the interleaved layout, so no index arithmetic.
    @inline(__always)
    static func difRadix4QuarterFour(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int,
        twr: UnsafePointer<Double>, twi: UnsafePointer<Double>
    ) {
        var o = 0
        let end = 2 &* count
        while o < end {
            let r = re + o, m = im + o
            difButterfly4(
                loadVector(r, 0), loadVector(m, 0), loadVector(r, 4), loadVector(m, 4),
                loadVector(r, 8), loadVector(m, 8), loadVector(r, 12), loadVector(m, 12),
                re: r, im: m, i0: 0, i1: 4, i2: 8, i3: 12, wA: 8, v: 4, twr: twr, twi: twi)
            o &+= 32
        }
    }

    /// The radix-2² DIF butterfly on x0…x3 (positions i0 < i1 < i2 < i3, i1 − i0 = i3 − i2 = q): stage pairs
    /// (i0, i2), (i1, i3) with twiddles at `wA` and `wA + q`, then (i0, i1), (i2, i3) with the twiddle at `v`.
    @inline(__always)
    static func difButterfly4<V: SIMD>(
        _ x0r: V, _ x0i: V, _ x1r: V, _ x1i: V, _ x2r: V, _ x2i: V, _ x3r: V, _ x3i: V,
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, i0: Int, i1: Int, i2: Int, i3: Int,
        wA: Int, v: Int, twr: UnsafePointer<Double>, twi: UnsafePointer<Double>
    ) where V.Scalar == Double {
        let q = i1 &- i0
        let wAr: V = loadVector(twr, wA, as: V.self), wAi: V = loadVector(twi, wA, as: V.self)
        let wBr: V = loadVector(twr, wA &+ q, as: V.self), wBi: V = loadVector(twi, wA &+ q, as: V.self)
        let y0r = x0r + x2r, y0i = x0i + x2i
        let d02r = x0r - x2r, d02i = x0i - x2i
        let y2r = mulSub(d02r, wAr, d02i, wAi), y2i = mulAdd(d02r, wAi, d02i, wAr)
        let y1r = x1r + x3r, y1i = x1i + x3i
        let d13r = x1r - x3r, d13i = x1i - x3i
        let y3r = mulSub(d13r, wBr, d13i, wBi), y3i = mulAdd(d13r, wBi, d13i, wBr)
        let vr: V = loadVector(twr, v, as: V.self), vi: V = loadVector(twi, v, as: V.self)
        storeVector(y0r + y1r, re, i0)
        storeVector(y0i + y1i, im, i0)
        let e01r = y0r - y1r, e01i = y0i - y1i
        storeVector(mulSub(e01r, vr, e01i, vi), re, i1)
        storeVector(mulAdd(e01r, vi, e01i, vr), im, i1)
        storeVector(y2r + y3r, re, i2)
        storeVector(y2i + y3i, im, i2)
        let e23r = y2r - y3r, e23i = y2i - y3i
        storeVector(mulSub(e23r, vr, e23i, vi), re, i3)
        storeVector(mulAdd(e23r, vi, e23i, vr), im, i3)
    }

    /// The DIF stages of half-size 2 (twiddles 1, −i) and 1 (twiddle 1), on each group of 4 points, one block of
    /// 8 points (two groups) per vector. Each stage is a fixed in-vector permutation plus a signed fused
    /// multiply-add (lanes holding a + b get +1, lanes holding a − b get −1), and the −i twiddle a blend of the
    /// real and imaginary vectors: no transposes, which the compiler turned into scalar code.
    @inline(__always)
    static func difLastTwoStages(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int) {
        let (halfTwo, halfOne, keep, rotate) = Self.lastTwoConstants
        var o = 0
        let end = 2 &* count
        while o < end {
            let xr = load8(re, o), xi = load8(im, o)
            // Half 2: lanes 0,1 get x_t + x_{t+2}; lanes 2,3 get x_{t−2} − x_t; then −i on lane 3 (and 7):
            // (re, im) → (im, −re) there, as multiply-adds by 0/±1 masks (a select by a constant mask was
            // narrowed to scalar code for the two lanes).
            let ar = multiplyAdd(swapPairs(xr), xr, halfTwo), ai = multiplyAdd(swapPairs(xi), xi, halfTwo)
            let br = multiplyAdd((ar * keep), ai, rotate), bi = multiplyAdd((ai * keep), ar, -rotate)
            // Half 1: even lanes get x_t + x_{t+1}, odd lanes x_{t−1} − x_t.
            store8(multiplyAdd(swapNeighbours(br), br, halfOne), re, o)
            store8(multiplyAdd(swapNeighbours(bi), bi, halfOne), im, o)
            o &+= 16
        }
    }

    /// Inverse of `difLastTwoStages` up to a factor 4 (DIT half-sizes 1 then 2, +i twiddle before the butterfly).
    @inline(__always)
    static func ditFirstTwoStages(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int) {
        let (halfTwo, halfOne, keep, rotate) = Self.lastTwoConstants
        var o = 0
        let end = 2 &* count
        while o < end {
            let xr = load8(re, o), xi = load8(im, o)
            let ar = multiplyAdd(swapNeighbours(xr), xr, halfOne)
            let ai = multiplyAdd(swapNeighbours(xi), xi, halfOne)
            // x·i = (−im, re) on lane 3 (and 7), then the half-2 butterflies.
            let br = multiplyAdd((ar * keep), ai, -rotate), bi = multiplyAdd((ai * keep), ar, rotate)
            store8(multiplyAdd(swapPairs(br), br, halfTwo), re, o)
            store8(multiplyAdd(swapPairs(bi), bi, halfTwo), im, o)
            o &+= 16
        }
    }

    /// Per-lane constants of the last two stages: signs of the half-2 and half-1 butterflies (+ where the lane
    /// receives a sum, − where a difference), and the lanes the −i twiddle leaves (1) or rotates (1 in `rotate`).
    /// Computed, not stored, so that they are immediates rather than lazily initialized globals.
    @inline(__always)
    static var lastTwoConstants: (FFTWideVector, FFTWideVector, FFTWideVector, FFTWideVector) {
        (FFTWideVector(1, 1, -1, -1, 1, 1, -1, -1), FFTWideVector(1, -1, 1, -1, 1, -1, 1, -1),
         FFTWideVector(1, 1, 1, 0, 1, 1, 1, 0), FFTWideVector(0, 0, 0, 1, 0, 0, 0, 1))
    }

    /// One DIT radix-2 stage of half-size `half` (≥ 4) with conjugate twiddles.
    @inline(__always)
    static func ditRadix2Stage(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int, half: Int,
        twr: UnsafePointer<Double>, twi: UnsafePointer<Double>
    ) {
        var s = 0
        while s < count {
            var j = 0
            while j < half {
                let a = s &+ j
                let b = a &+ half
                let ar = loadVector(re, a), ai = loadVector(im, a)
                let xr = loadVector(re, b), xi = loadVector(im, b)
                let wr = loadVector(twr, half &+ j), wi = loadVector(twi, half &+ j)
                // b·conj(w)
                let br = mulAdd(xr, wr, xi, wi), bi = mulSub(xi, wr, xr, wi)
                storeVector(ar + br, re, a)
                storeVector(ai + bi, im, a)
                storeVector(ar - br, re, b)
                storeVector(ai - bi, im, b)
                j &+= 4
            }
            s &+= 2 &* half
        }
    }

    /// Two DIT stages (half-sizes `half` then `2·half`, `half` ≥ 4) in one pass; inverse of `difRadix4Stage`.
    /// `columns`, `width`, `period`: as in `difRadix4Stage`.
    @inline(__always)
    static func ditRadix4Stage(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int, half: Int,
        twr: UnsafePointer<Double>, twi: UnsafePointer<Double>, columns: Int = 0, width: Int? = nil, period: Int? = nil
    ) {
        if half >= 8 && (width ?? half) >= 8 {
            ditRadix4Stage(re: re, im: im, count: count, half: half, twr: twr, twi: twi, columns: columns,
                           width: width ?? half, period: period ?? half, vector: FFTWideVector.self)
        } else {
            ditRadix4Stage(re: re, im: im, count: count, half: half, twr: twr, twi: twi, columns: columns,
                           width: width ?? half, period: period ?? half, vector: FFTVector.self)
        }
    }

    @inline(__always)
    static func ditRadix4Stage<V: SIMD>(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int, half: Int,
        twr: UnsafePointer<Double>, twi: UnsafePointer<Double>, columns: Int, width: Int, period: Int, vector: V.Type
    ) where V.Scalar == Double {
        let w = V.scalarCount
        let q = half
        let h = half << 1
        if w < 8 {
            precondition(q == w && width == q, "4-wide radix-2² passes only serve quarter-width 4")
            ditRadix4QuarterFour(re: re, im: im, count: count, twr: twr, twi: twi)
            return
        }
        forEachRadix4Butterfly(count: count, span: 2 &* h, quarter: q, columns: columns, width: width, period: period,
                               step: w) { i0, j in
            ditButterfly4(re: re, im: im, i0: i0, i1: i0 &+ q, i2: i0 &+ h, i3: i0 &+ h &+ q, v: q &+ j, wA: h &+ j,
                          twr: twr, twi: twi, vector: V.self)
        }
    }

    /// `ditRadix4Stage` with half 4, the inverse of `difRadix4QuarterFour` (same layout, conjugate twiddles).
    @inline(__always)
    static func ditRadix4QuarterFour(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, count: Int,
        twr: UnsafePointer<Double>, twi: UnsafePointer<Double>
    ) {
        var o = 0
        let end = 2 &* count
        while o < end {
            let r = re + o, m = im + o
            ditButterfly4(re: r, im: m, i0: 0, i1: 4, i2: 8, i3: 12, v: 4, wA: 8, twr: twr, twi: twi,
                          vector: FFTVector.self)
            o &+= 32
        }
    }

    /// The radix-2² DIT butterfly at positions i0 < i1 < i2 < i3 (i1 − i0 = i3 − i2 = q): pairs (i0, i1), (i2, i3)
    /// with conj of the twiddle at `v`, then (i0, i2), (i1, i3) with conj of those at `wA` and `wA + q`.
    /// Loads the four points, stores the results in their place.
    @inline(__always)
    static func ditButterfly4<V: SIMD>(
        re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, i0: Int, i1: Int, i2: Int, i3: Int,
        v: Int, wA: Int, twr: UnsafePointer<Double>, twi: UnsafePointer<Double>, vector: V.Type
    ) where V.Scalar == Double {
        let q = i1 &- i0
        let x0r = loadVector(re, i0, as: V.self), x0i = loadVector(im, i0, as: V.self)
        let x1r = loadVector(re, i1, as: V.self), x1i = loadVector(im, i1, as: V.self)
        let x2r = loadVector(re, i2, as: V.self), x2i = loadVector(im, i2, as: V.self)
        let x3r = loadVector(re, i3, as: V.self), x3i = loadVector(im, i3, as: V.self)
        let vr = loadVector(twr, v, as: V.self), vi = loadVector(twi, v, as: V.self)
        let b1r = mulAdd(x1r, vr, x1i, vi), b1i = mulSub(x1i, vr, x1r, vi)
        let y0r = x0r + b1r, y0i = x0i + b1i
        let y1r = x0r - b1r, y1i = x0i - b1i
        let b3r = mulAdd(x3r, vr, x3i, vi), b3i = mulSub(x3i, vr, x3r, vi)
        let y2r = x2r + b3r, y2i = x2i + b3i
        let y3r = x2r - b3r, y3i = x2i - b3i
        let wAr = loadVector(twr, wA, as: V.self), wAi = loadVector(twi, wA, as: V.self)
        let wBr = loadVector(twr, wA &+ q, as: V.self), wBi = loadVector(twi, wA &+ q, as: V.self)
        let c2r = mulAdd(y2r, wAr, y2i, wAi), c2i = mulSub(y2i, wAr, y2r, wAi)
        let c3r = mulAdd(y3r, wBr, y3i, wBi), c3i = mulSub(y3i, wBr, y3r, wBi)
        storeVector(y0r + c2r, re, i0)
        storeVector(y0i + c2i, im, i0)
        storeVector(y1r + c3r, re, i1)
        storeVector(y1i + c3i, im, i1)
        storeVector(y0r - c2r, re, i2)
        storeVector(y0i - c2i, im, i2)
        storeVector(y1r - c3r, re, i3)
        storeVector(y1i - c3i, im, i3)
    }
}
