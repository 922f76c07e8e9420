// The engine's kernels on 8-lane vectors, included once per instruction set (kernels_<isa>.c) under that file's
// target attribute; CML_TABLE names the table it defines, CML_NAME its instruction set, and CML_FMA says whether
// multiply-adds fuse. Clang lowers the 8-lane vectors to one zmm (AVX-512), two ymm (AVX2), four xmm (SSE2) or
// four NEON registers.
//
// FFT layout: complex point i of a transform lives at slot(i) = i + (i & ~7) of the real pointer and of the
// imaginary pointer im = re + 8, blocks of 8 real parts followed by their 8 imaginary parts, so both halves of a
// point share one 128-byte block (two arrays M·8 bytes apart collide in the same L1 sets at power-of-two
// distances). The forward transform is decimation in frequency (natural order in, bit-reversed out) and the
// inverse decimation in time (bit-reversed in, natural out): pointwise products do not care about the order.
// The algorithms are described in docs/ARCHITECTURE.md ("The negacyclic FFT").

#include <stdint.h>
#include "cml_kernels.h"

// Results must not depend on which expressions the compiler chooses to fuse: every fused multiply-add is
// written as one (MADD), and nothing else contracts.
#pragma clang fp contract(off)
// Every function here is static and the vector ones inline: no 8-lane vector crosses an ABI boundary.
#pragma clang diagnostic ignored "-Wpsabi"

typedef double v8d __attribute__((ext_vector_type(8)));
typedef int64_t v8i __attribute__((ext_vector_type(8)));
typedef uint64_t v8u __attribute__((ext_vector_type(8)));

#define INLINE static inline __attribute__((always_inline))
/// Fully unrolls the loop that follows, so the kernels' small arrays of vectors live in registers (left rolled, the
/// optimizer keeps them on the stack and the 64-point kernel runs from memory).
#define UNROLL _Pragma("clang loop unroll(full)")

INLINE v8d ld(const double *p) { v8d v; __builtin_memcpy(&v, p, sizeof v); return v; }
INLINE void st(double *p, v8d v) { __builtin_memcpy(p, &v, sizeof v); }
INLINE v8u ldu(const uint64_t *p) { v8u v; __builtin_memcpy(&v, p, sizeof v); return v; }
INLINE void stu(uint64_t *p, v8u v) { __builtin_memcpy(p, &v, sizeof v); }
INLINE v8i ldi(const int64_t *p) { v8i v; __builtin_memcpy(&v, p, sizeof v); return v; }
INLINE void sti(int64_t *p, v8i v) { __builtin_memcpy(p, &v, sizeof v); }
INLINE v8d splat(double x) { return (v8d)(x); }
/// Complex points i…i+7 of a transform (see the layout above).
INLINE void load_point(const double *re, const double *im, int64_t i, v8d *r, v8d *m) { *r = ld(re + 2 * i); *m = ld(im + 2 * i); }

/// acc + a·b, fused where the instruction set has it (without it the fused form would be a libm call per lane).
#if CML_FMA
INLINE v8d MADD(v8d acc, v8d a, v8d b) { return __builtin_elementwise_fma(a, b, acc); }
INLINE double MADD1(double acc, double a, double b) { return __builtin_fma(a, b, acc); }
#else
INLINE v8d MADD(v8d acc, v8d a, v8d b) { return acc + a * b; }
INLINE double MADD1(double acc, double a, double b) { return acc + a * b; }
#endif

/// a·b − c·d and a·b + c·d: half the operations of a complex product with fused multiply-adds.
INLINE v8d mul_sub(v8d a, v8d b, v8d c, v8d d) { return MADD(a * b, -c, d); }
INLINE v8d mul_add(v8d a, v8d b, v8d c, v8d d) { return MADD(a * b, c, d); }
INLINE double mul_sub1(double a, double b, double c, double d) { return MADD1(a * b, -c, d); }
INLINE double mul_add1(double a, double b, double c, double d) { return MADD1(a * b, c, d); }

/// Each lane's butterfly partner in the in-vector stages of halves 4, 2 and 1.
INLINE v8d swap_halves(v8d x) { return __builtin_shufflevector(x, x, 4, 5, 6, 7, 0, 1, 2, 3); }
INLINE v8d swap_pairs(v8d x) { return __builtin_shufflevector(x, x, 2, 3, 0, 1, 6, 7, 4, 5); }
INLINE v8d swap_neighbours(v8d x) { return __builtin_shufflevector(x, x, 1, 0, 3, 2, 5, 4, 7, 6); }
/// x with lanes 3 and 7 (the lanes half 2's ±i rotates) taken from y.
INLINE v8d blend_rotated(v8d x, v8d y) { return __builtin_shufflevector(x, y, 0, 1, 2, 11, 4, 5, 6, 15); }

INLINE int64_t slot(int64_t i) { return i + (i & ~(int64_t)7); }
INLINE int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/// 2^e for a normal exponent, exactly.
INLINE double pow2(int64_t e) { uint64_t bits = (uint64_t)(1023 + e) << 52; double d; __builtin_memcpy(&d, &bits, 8); return d; }

// 1.5·2^52: adding it to a double of magnitude < 2^51 leaves round(x) in the low mantissa bits.
#define MAGIC 6755399441055744.0
#define MAGIC_BITS ((int64_t)0x4338000000000000)

/// Integers |d| < 2^51 as doubles, exactly (the bits of d + 1.5·2^52 read as a double, minus 1.5·2^52).
INLINE v8d exact_real(v8i d) { return (v8d)(d + MAGIC_BITS) - MAGIC; }
/// Torus elements read as signed reals in [−1/2, 1/2).
INLINE v8d torus_to_real(v8u x) { return __builtin_convertvector((v8i)x, v8d) * (1.0 / 18446744073709551616.0); }
/// round(frac(y·2^−s)·2^h)·2^(64−h) mod 2^64, |y| < 2^(51+s), h ≤ 52: y is reduced modulo 2^s by the
/// 1.5·2^(52+s) trick (exact), and the remainder, at most 2^(s−1), scaled by 2^(h−s) where the 1.5·2^52 trick still
/// rounds exactly.
INLINE v8u torus_from_real(v8d y, int64_t h, int64_t s) {
    v8d reduce = splat(MAGIC * pow2(s));
    v8d f = y - ((y + reduce) - reduce);
    v8d t = MADD(splat(MAGIC), f, splat(pow2(h - s)));
    v8i r = (v8i)t - MAGIC_BITS;
    return (v8u)(r << (64 - h));
}

// ---------------------------------------------------------------------------------------------------------------
// Point sources of a forward transform's first pass. The kind is a constant at every call after inlining, so each
// entry point gets its own first pass and no point is stored untransformed.

enum { SOURCE_STORED, SOURCE_TORUS, SOURCE_INTEGER };

typedef struct {
    int kind;
    const double *re, *im;         // SOURCE_STORED: the transform's own memory
    const void *input;             // SOURCE_TORUS / SOURCE_INTEGER: N coefficients
    const double *twr, *twi;       // the twist
    int64_t m;
} source;

INLINE source stored(const double *re, const double *im) { source s = { SOURCE_STORED, re, im, 0, 0, 0, 0 }; return s; }

/// Points i…i+7 of the fold and twist of coefficients x (i…) and y (i + M…): (x + i·y)·w_i….
INLINE void twisted(v8d x, v8d y, int64_t i, const double *twr, const double *twi, v8d *re, v8d *im) {
    v8d wr = ld(twr + i), wi = ld(twi + i);
    *re = mul_sub(x, wr, y, wi);
    *im = mul_add(x, wi, y, wr);
}

INLINE void points(const source *s, int64_t i, v8d *re, v8d *im) {
    switch (s->kind) {
    case SOURCE_STORED:
        load_point(s->re, s->im, i, re, im);
        return;
    case SOURCE_TORUS: {
        const uint64_t *in = (const uint64_t *)s->input;
        twisted(torus_to_real(ldu(in + i)), torus_to_real(ldu(in + i + s->m)), i, s->twr, s->twi, re, im);
        return;
    }
    default: {
        const int64_t *in = (const int64_t *)s->input;
        twisted(exact_real(ldi(in + i)), exact_real(ldi(in + i + s->m)), i, s->twr, s->twi, re, im);
        return;
    }
    }
}

INLINE void store_point(double *re, double *im, int64_t i, v8d r, v8d m) { st(re + 2 * i, r); st(im + 2 * i, m); }

// ---------------------------------------------------------------------------------------------------------------
// Complex M-point transforms: radix-4 passes over memory (one radix-2 pass first when the number of stages above
// 64 points is odd), then the last six stages of each block of 64 points in registers. A pass over memory costs
// about as much as the arithmetic it carries, so fewer passes is faster.

/// Points of the in-register kernel and the smallest M of the vector path; columns per step of the wide passes;
/// complex points per depth-first block (re + im of 1024 points are 16 KiB, so a block stays in L1).
#define KERNEL_POINTS 64
#define COLUMN_WIDTH 64
#define CACHE_BLOCK 1024

typedef struct { const double *twr, *twi, *t3r, *t3i, *constants; } tables;

INLINE tables plan_tables(const cml_fft_plan *p) {
    tables t = { p->twiddles, p->twiddles + 8, p->twiddles3, p->twiddles3 + 8, p->kernel_constants };
    return t;
}
/// Twiddle e^{−πi·j/h} (point h + j) for j…j+7, and the third power e^{−2πi·3j/(4q)} (point q + j).
INLINE void twiddle(const tables *t, int64_t index, v8d *wr, v8d *wi) { *wr = ld(t->twr + 2 * index); *wi = ld(t->twi + 2 * index); }
INLINE void cube_twiddle(const tables *t, int64_t index, v8d *wr, v8d *wi) { *wr = ld(t->t3r + 2 * index); *wi = ld(t->t3i + 2 * index); }
enum { HALF_FOUR_SIGNS, HALF_TWO_SIGNS, HALF_ONE_SIGNS, HALF_FOUR_TWIDDLE_RE, HALF_FOUR_TWIDDLE_IM };
INLINE v8d constant(const tables *t, int c) { return ld(t->constants + 8 * c); }

/// (r + i·m)·w and (r + i·m)·conj(w).
INLINE void times(v8d r, v8d m, v8d wr, v8d wi, v8d *outr, v8d *outi) {
    v8d a = mul_sub(r, wr, m, wi), b = mul_add(r, wi, m, wr);
    *outr = a; *outi = b;
}
INLINE void times_conjugate(v8d r, v8d m, v8d wr, v8d wi, v8d *outr, v8d *outi) {
    v8d a = mul_add(r, wr, m, wi), b = mul_sub(m, wr, r, wi);
    *outr = a; *outi = b;
}

/// DIF radix-2 butterfly (a, b) ← (a + b, (a − b)·w), and its DIT inverse up to a factor 2 (a + b·w̄, a − b·w̄).
INLINE void butterfly(v8d *ar, v8d *ai, v8d *br, v8d *bi, v8d wr, v8d wi) {
    v8d dr = *ar - *br, di = *ai - *bi;
    *ar = *ar + *br; *ai = *ai + *bi;
    times(dr, di, wr, wi, br, bi);
}
INLINE void inverse_butterfly(v8d *ar, v8d *ai, v8d *br, v8d *bi, v8d wr, v8d wi) {
    v8d xr, xi;
    times_conjugate(*br, *bi, wr, wi, &xr, &xi);
    *br = *ar - xr; *bi = *ai - xi;
    *ar = *ar + xr; *ai = *ai + xi;
}

/// Radix-4 DIF on points x0…x3 (quarter q apart, j their index within the quarter): with a = x0 + x2,
/// b = x0 − x2, c = x1 + x3, d = −i·(x1 − x3), (x0, x1, x2, x3) ← (a + c, (a − c)·w^{2j}, (b + d)·w^j,
/// (b − d)·w^{3j}): two radix-2 stages with three twiddle products instead of four.
INLINE void radix4(v8d *x0r, v8d *x0i, v8d *x1r, v8d *x1i, v8d *x2r, v8d *x2i, v8d *x3r, v8d *x3i,
                   int64_t q, int64_t j, const tables *t) {
    v8d ar = *x0r + *x2r, ai = *x0i + *x2i, br = *x0r - *x2r, bi = *x0i - *x2i;
    v8d cr = *x1r + *x3r, ci = *x1i + *x3i, er = *x1r - *x3r, ei = *x1i - *x3i;
    v8d wr, wi;
    *x0r = ar + cr; *x0i = ai + ci;
    twiddle(t, q + j, &wr, &wi);
    times(ar - cr, ai - ci, wr, wi, x1r, x1i);
    twiddle(t, 2 * q + j, &wr, &wi);
    times(br + ei, bi - er, wr, wi, x2r, x2i);
    cube_twiddle(t, q + j, &wr, &wi);
    times(br - ei, bi + er, wr, wi, x3r, x3i);
}

/// The inverse of radix4 up to a factor 4: conjugate twiddles first, then the two stages.
INLINE void inverse_radix4(v8d *x0r, v8d *x0i, v8d *x1r, v8d *x1i, v8d *x2r, v8d *x2i, v8d *x3r, v8d *x3i,
                           int64_t q, int64_t j, const tables *t) {
    v8d wr, wi, cr, ci, br, bi, dr, di;
    twiddle(t, q + j, &wr, &wi);
    times_conjugate(*x1r, *x1i, wr, wi, &cr, &ci);        // a − c
    twiddle(t, 2 * q + j, &wr, &wi);
    times_conjugate(*x2r, *x2i, wr, wi, &br, &bi);        // b + d
    cube_twiddle(t, q + j, &wr, &wi);
    times_conjugate(*x3r, *x3i, wr, wi, &dr, &di);        // b − d
    v8d pr = *x0r + cr, pi = *x0i + ci, qr = *x0r - cr, qi = *x0i - ci;   // 2a, 2c
    v8d rr = br + dr, ri = bi + di, ur = br - dr, ui = bi - di;           // 2b, 2d
    // x1 − x3 = i·d: (x0, x2) = 2a ± 2b, (x1, x3) = 2c ± i·2d.
    *x0r = pr + rr; *x0i = pi + ri;
    *x2r = pr - rr; *x2i = pi - ri;
    *x1r = qr - ui; *x1i = qi + ur;
    *x3r = qr + ui; *x3i = qi - ur;
}

/// The DIF stages of halves 4, 2 and 1 inside one vector: each a fixed lane permutation plus a multiply-add with a
/// ±1 lane-sign vector (+1 on lanes that receive a + b, −1 on those that receive a − b), then the stage's
/// twiddles: half 4's as a lane-wise complex product, half 2's −i on lanes 3 and 7 as blends (these stages are
/// bound by the multiply pipes, so the blends beat multiply-adds by 0/1 masks).
INLINE void in_vector_forward(v8d *xr, v8d *xi, const tables *t) {
    v8d sign4 = constant(t, HALF_FOUR_SIGNS), sign2 = constant(t, HALF_TWO_SIGNS), sign1 = constant(t, HALF_ONE_SIGNS);
    v8d ar = MADD(swap_halves(*xr), *xr, sign4), ai = MADD(swap_halves(*xi), *xi, sign4);
    v8d br, bi;
    times(ar, ai, constant(t, HALF_FOUR_TWIDDLE_RE), constant(t, HALF_FOUR_TWIDDLE_IM), &br, &bi);
    v8d cr = MADD(swap_pairs(br), br, sign2), ci = MADD(swap_pairs(bi), bi, sign2);
    v8d dr = blend_rotated(cr, ci), di = blend_rotated(ci, -cr);
    *xr = MADD(swap_neighbours(dr), dr, sign1);
    *xi = MADD(swap_neighbours(di), di, sign1);
}

/// The inverse of in_vector_forward up to a factor 8 (DIT halves 1, 2 with +i, then 4 with conjugate twiddles).
INLINE void in_vector_inverse(v8d *xr, v8d *xi, const tables *t) {
    v8d sign4 = constant(t, HALF_FOUR_SIGNS), sign2 = constant(t, HALF_TWO_SIGNS), sign1 = constant(t, HALF_ONE_SIGNS);
    v8d ar = MADD(swap_neighbours(*xr), *xr, sign1), ai = MADD(swap_neighbours(*xi), *xi, sign1);
    v8d br = blend_rotated(ar, -ai), bi = blend_rotated(ai, ar);
    v8d cr = MADD(swap_pairs(br), br, sign2), ci = MADD(swap_pairs(bi), bi, sign2);
    v8d dr, di;
    times_conjugate(cr, ci, constant(t, HALF_FOUR_TWIDDLE_RE), constant(t, HALF_FOUR_TWIDDLE_IM), &dr, &di);
    *xr = MADD(swap_halves(dr), dr, sign4);
    *xi = MADD(swap_halves(di), di, sign4);
}

#if CML_NARROW_REGISTERS
// With 16 registers of 4 (AVX2) or 2 (SSE2) doubles, the 64 points of a kernel (32 or 64 registers) do not fit:
// left to the register allocator, every stage spilled and reloaded. The kernel runs instead in three steps of at
// most 8 vectors each (the two radix-4 groups, then the pairs with their in-vector stages), with the block in L1
// between steps.

/// The last six DIF stages of the 64 points from b, read from `src` and stored in place.
INLINE void dif_kernel64(double *re, double *im, int64_t b, const tables *t, const source *src) {
    UNROLL
    for (int g = 0; g < 2; g++) {
        // Halves 32 and 16: radix 4 with quarter 16 on vectors g, g + 2, g + 4, g + 6.
        v8d r[4], i[4];
        UNROLL
        for (int v = 0; v < 4; v++) points(src, b + 8 * (g + 2 * v), &r[v], &i[v]);
        radix4(&r[0], &i[0], &r[1], &i[1], &r[2], &i[2], &r[3], &i[3], 16, 8 * g, t);
        UNROLL
        for (int v = 0; v < 4; v++) store_point(re, im, b + 8 * (g + 2 * v), r[v], i[v]);
    }
    v8d w8r, w8i;
    twiddle(t, 8, &w8r, &w8i);
    UNROLL
    for (int v = 0; v < 8; v += 2) {
        // Half 8 on neighbouring vectors, then halves 4, 2, 1 inside each.
        v8d ar, ai, br, bi;
        load_point(re, im, b + 8 * v, &ar, &ai);
        load_point(re, im, b + 8 * v + 8, &br, &bi);
        butterfly(&ar, &ai, &br, &bi, w8r, w8i);
        in_vector_forward(&ar, &ai, t);
        in_vector_forward(&br, &bi, t);
        store_point(re, im, b + 8 * v, ar, ai);
        store_point(re, im, b + 8 * v + 8, br, bi);
    }
}

/// The inverse of dif_kernel64 up to a factor 64: the first six DIT stages of the 64 points from b.
INLINE void dit_kernel64(double *re, double *im, int64_t b, const tables *t) {
    v8d w8r, w8i;
    twiddle(t, 8, &w8r, &w8i);
    UNROLL
    for (int v = 0; v < 8; v += 2) {
        v8d ar, ai, br, bi;
        load_point(re, im, b + 8 * v, &ar, &ai);
        load_point(re, im, b + 8 * v + 8, &br, &bi);
        in_vector_inverse(&ar, &ai, t);
        in_vector_inverse(&br, &bi, t);
        inverse_butterfly(&ar, &ai, &br, &bi, w8r, w8i);
        store_point(re, im, b + 8 * v, ar, ai);
        store_point(re, im, b + 8 * v + 8, br, bi);
    }
    UNROLL
    for (int g = 0; g < 2; g++) {
        v8d r[4], i[4];
        UNROLL
        for (int v = 0; v < 4; v++) load_point(re, im, b + 8 * (g + 2 * v), &r[v], &i[v]);
        inverse_radix4(&r[0], &i[0], &r[1], &i[1], &r[2], &i[2], &r[3], &i[3], 16, 8 * g, t);
        UNROLL
        for (int v = 0; v < 4; v++) store_point(re, im, b + 8 * (g + 2 * v), r[v], i[v]);
    }
}
#else
/// The last six DIF stages (halves 32, 16, 8 across vectors, then 4, 2, 1 inside them) of the 64 points from b,
/// read from `src` and stored in place: one pass over memory for six stages.
INLINE void dif_kernel64(double *re, double *im, int64_t b, const tables *t, const source *src) {
    v8d r[8], i[8];
    UNROLL
    for (int v = 0; v < 8; v++) points(src, b + 8 * v, &r[v], &i[v]);
    radix4(&r[0], &i[0], &r[2], &i[2], &r[4], &i[4], &r[6], &i[6], 16, 0, t);
    radix4(&r[1], &i[1], &r[3], &i[3], &r[5], &i[5], &r[7], &i[7], 16, 8, t);
    v8d w8r, w8i;
    twiddle(t, 8, &w8r, &w8i);
    UNROLL
    for (int v = 0; v < 8; v += 2) butterfly(&r[v], &i[v], &r[v + 1], &i[v + 1], w8r, w8i);
    UNROLL
    for (int v = 0; v < 8; v++) in_vector_forward(&r[v], &i[v], t);
    UNROLL
    for (int v = 0; v < 8; v++) store_point(re, im, b + 8 * v, r[v], i[v]);
}

/// The inverse of dif_kernel64 up to a factor 64: the first six DIT stages of the 64 points from b.
INLINE void dit_kernel64(double *re, double *im, int64_t b, const tables *t) {
    v8d r[8], i[8];
    UNROLL
    for (int v = 0; v < 8; v++) load_point(re, im, b + 8 * v, &r[v], &i[v]);
    UNROLL
    for (int v = 0; v < 8; v++) in_vector_inverse(&r[v], &i[v], t);
    v8d w8r, w8i;
    twiddle(t, 8, &w8r, &w8i);
    UNROLL
    for (int v = 0; v < 8; v += 2) inverse_butterfly(&r[v], &i[v], &r[v + 1], &i[v + 1], w8r, w8i);
    inverse_radix4(&r[0], &i[0], &r[2], &i[2], &r[4], &i[4], &r[6], &i[6], 16, 0, t);
    inverse_radix4(&r[1], &i[1], &r[3], &i[3], &r[5], &i[5], &r[7], &i[7], 16, 8, t);
    UNROLL
    for (int v = 0; v < 8; v++) store_point(re, im, b + 8 * v, r[v], i[v]);
}
#endif

/// One pass over memory (forward, or with `inverse` its DIT inverse), restricted to the butterflies whose index j
/// within its block of 2·half lies in [columns + k·period, + width) for some k (all of them when columns = 0 and
/// width = period = the pass's quarter). Every pass of both directions walks this one loop nest.
INLINE void pass(const cml_fft_plan *p, int64_t index, double *re, double *im, int64_t count, int64_t columns,
                 int64_t width, int64_t period, const tables *t, const source *src, int inverse) {
    int64_t h = p->pass_half[index], radix = p->pass_radix[index];
    int64_t q = radix == 4 ? h >> 1 : h;
    if (width == 0) { width = q; period = q; }
    for (int64_t s = 0; s < count; s += 2 * h) {
        for (int64_t c = columns; c < q; c += period) {
            for (int64_t j = c; j < c + width; j += 8) {
                int64_t i0 = s + j;
                if (radix == 4) {
                    int64_t i1 = i0 + q, i2 = i1 + q, i3 = i2 + q;
                    v8d x0r, x0i, x1r, x1i, x2r, x2i, x3r, x3i;
                    points(src, i0, &x0r, &x0i); points(src, i1, &x1r, &x1i);
                    points(src, i2, &x2r, &x2i); points(src, i3, &x3r, &x3i);
                    if (inverse) inverse_radix4(&x0r, &x0i, &x1r, &x1i, &x2r, &x2i, &x3r, &x3i, q, j, t);
                    else radix4(&x0r, &x0i, &x1r, &x1i, &x2r, &x2i, &x3r, &x3i, q, j, t);
                    store_point(re, im, i0, x0r, x0i); store_point(re, im, i1, x1r, x1i);
                    store_point(re, im, i2, x2r, x2i); store_point(re, im, i3, x3r, x3i);
                } else {
                    v8d ar, ai, br, bi, wr, wi;
                    points(src, i0, &ar, &ai); points(src, i0 + h, &br, &bi);
                    twiddle(t, h + j, &wr, &wi);
                    if (inverse) inverse_butterfly(&ar, &ai, &br, &bi, wr, wi);
                    else butterfly(&ar, &ai, &br, &bi, wr, wi);
                    store_point(re, im, i0, ar, ai); store_point(re, im, i0 + h, br, bi);
                }
            }
        }
    }
}

INLINE int64_t pass_quarter(const cml_fft_plan *p, int64_t index) {
    return p->pass_radix[index] == 4 ? p->pass_half[index] >> 1 : p->pass_half[index];
}

/// Forward transform for M < 64 (N < 128, tests and toy sets): radix-2 DIF stages on scalars, with the same
/// twiddles, layout and output order as the vector path.
INLINE void scalar_forward(const cml_fft_plan *p, double *re, double *im, const source *src) {
    int64_t m = p->complex_count;
    for (int64_t b = 0; b < m; b += 8) {
        v8d r, i;
        points(src, b, &r, &i);
        store_point(re, im, b, r, i);
    }
    const double *twr = p->twiddles, *twi = p->twiddles + 8;
    for (int64_t h = m >> 1; h >= 1; h >>= 1) {
        for (int64_t s = 0; s < m; s += 2 * h) {
            for (int64_t j = 0; j < h; j++) {
                int64_t a = slot(s + j), b = slot(s + j + h), w = slot(h + j);
                double dr = re[a] - re[b], di = im[a] - im[b];
                re[a] += re[b]; im[a] += im[b];
                re[b] = mul_sub1(dr, twr[w], di, twi[w]); im[b] = mul_add1(dr, twi[w], di, twr[w]);
            }
        }
    }
}

/// Inverse of scalar_forward up to a factor M.
static void scalar_inverse(const cml_fft_plan *p, double *re, double *im) {
    int64_t m = p->complex_count;
    const double *twr = p->twiddles, *twi = p->twiddles + 8;
    for (int64_t h = 1; h < m; h <<= 1) {
        for (int64_t s = 0; s < m; s += 2 * h) {
            for (int64_t j = 0; j < h; j++) {
                int64_t a = slot(s + j), b = slot(s + j + h), w = slot(h + j);
                double xr = mul_add1(re[b], twr[w], im[b], twi[w]), xi = mul_sub1(im[b], twr[w], re[b], twi[w]);
                re[b] = re[a] - xr; im[b] = im[a] - xi;
                re[a] += xr; im[a] += xi;
            }
        }
    }
}

/// Forward transform (DIF) of the points `src` gives into re/im: natural order in, bit-reversed out, sign −1,
/// unnormalized. The first pass computes its points from `src`.
INLINE void forward(const cml_fft_plan *p, double *re, double *im, const source *src) {
    int64_t m = p->complex_count;
    if (m < KERNEL_POINTS) { scalar_forward(p, re, im, src); return; }
    tables t = plan_tables(p);
    int64_t block = min64(m, CACHE_BLOCK);
    int64_t wide = p->wide_pass_count;
    if (wide > 0) {
        // The wide passes only connect indices that differ by a multiple of the last one's quarter (`period`), so
        // each residue class mod `period` is an independent column. Finishing all wide passes on a few columns at
        // a time keeps them in L1: the array comes from L2 once for all of them, not once per pass.
        int64_t period = pass_quarter(p, wide - 1);
        int64_t width = min64(period, COLUMN_WIDTH);
        source own = stored(re, im);
        for (int64_t c = 0; c < period; c += width) {
            pass(p, 0, re, im, m, c, width, period, &t, src, 0);
            for (int64_t k = 1; k < wide; k++) pass(p, k, re, im, m, c, width, period, &t, &own, 0);
        }
    }
    // Then block by block (depth first), each block's passes and kernels before the next block.
    for (int64_t s = 0; s < m; s += block) {
        double *r = re + 2 * s, *i = im + 2 * s;
        source own = stored(r, i);
        int64_t next = wide, kernel = 0;
        if (wide == 0) {
            // One block (M ≤ CACHE_BLOCK): its first step is the transform's first and reads the input.
            if (p->pass_count == 0) {
                dif_kernel64(r, i, 0, &t, src);
                kernel = KERNEL_POINTS;
            } else {
                pass(p, 0, r, i, block, 0, 0, 0, &t, src, 0);
                next = 1;
            }
        }
        for (int64_t k = next; k < p->pass_count; k++) pass(p, k, r, i, block, 0, 0, 0, &t, &own, 0);
        for (; kernel < block; kernel += KERNEL_POINTS) dif_kernel64(r, i, kernel, &t, &own);
    }
}

/// In-place inverse transform (DIT): bit-reversed order in, natural order out, sign +1, unnormalized (M times the
/// input of `forward`).
static void inverse(const cml_fft_plan *p, double *re, double *im) {
    int64_t m = p->complex_count;
    if (m < KERNEL_POINTS) { scalar_inverse(p, re, im); return; }
    tables t = plan_tables(p);
    int64_t block = min64(m, CACHE_BLOCK);
    int64_t wide = p->wide_pass_count;
    for (int64_t s = 0; s < m; s += block) {
        double *r = re + 2 * s, *i = im + 2 * s;
        source own = stored(r, i);
        for (int64_t kernel = 0; kernel < block; kernel += KERNEL_POINTS) dit_kernel64(r, i, kernel, &t);
        for (int64_t k = p->pass_count - 1; k >= wide; k--) pass(p, k, r, i, block, 0, 0, 0, &t, &own, 1);
    }
    if (wide > 0) {
        // Column by column, as in `forward`.
        int64_t period = pass_quarter(p, wide - 1);
        int64_t width = min64(period, COLUMN_WIDTH);
        source own = stored(re, im);
        for (int64_t c = 0; c < period; c += width) {
            for (int64_t k = wide - 1; k >= 0; k--) pass(p, k, re, im, m, c, width, period, &t, &own, 1);
        }
    }
}

static void fft_forward_torus(const cml_fft_plan *p, const uint64_t *input, double *output) {
    source s = { SOURCE_TORUS, 0, 0, input, p->twist_re, p->twist_im, p->complex_count };
    forward(p, output, output + 8, &s);
}

static void fft_forward_integer(const cml_fft_plan *p, const int64_t *input, double *output) {
    source s = { SOURCE_INTEGER, 0, 0, input, p->twist_re, p->twist_im, p->complex_count };
    forward(p, output, output + 8, &s);
}

/// Forward transform in place of M points already folded and twisted into `points`.
static void fft_forward_stored(const cml_fft_plan *p, double *points) {
    source s = stored(points, points + 8);
    forward(p, points, points + 8, &s);
}

/// Point j of the inverse transform times conj(w_j): M times the reals of coefficients j (x, the real part) and
/// j + M (y, the imaginary part), 8 at a time from `block`.
INLINE void untwisted(const cml_fft_plan *p, const double *fourier, int64_t block, v8d *x, v8d *y) {
    v8d zr = ld(fourier + 2 * block), zi = ld(fourier + 2 * block + 8);
    v8d wr = ld(p->twist_re + block), wi = ld(p->twist_im + block);
    *x = mul_add(zr, wr, zi, wi);
    *y = mul_sub(zi, wr, zr, wi);
}

static void fft_inverse_add_torus(const cml_fft_plan *p, double *fourier, uint64_t *output, int64_t grid_bits) {
    int64_t m = p->complex_count, s = p->log2_complex_count;
    inverse(p, fourier, fourier + 8);
    for (int64_t block = 0; block < m; block += 8) {
        v8d x, y;
        untwisted(p, fourier, block, &x, &y);
        // The inverse's 1/M folds exactly into the conversion (scaled down by 2^s).
        stu(output + block, ldu(output + block) + torus_from_real(x, grid_bits, s));
        stu(output + block + m, ldu(output + block + m) + torus_from_real(y, grid_bits, s));
    }
}

static void fft_inverse_real(const cml_fft_plan *p, double *fourier, double *output) {
    int64_t m = p->complex_count;
    v8d scale = splat(1.0 / (double)m);
    inverse(p, fourier, fourier + 8);
    for (int64_t block = 0; block < m; block += 8) {
        v8d x, y;
        untwisted(p, fourier, block, &x, &y);
        st(output + block, x * scale);
        st(output + block + m, y * scale);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Fourier products.

/// re + i·im += (ar + i·ai)·(br + i·bi), with b read from p at point j.
INLINE void mac(const double *p, int64_t j, v8d ar, v8d ai, v8d *re, v8d *im) {
    v8d br = ld(p + 2 * j), bi = ld(p + 2 * j + 8);
    *re = MADD(MADD(*re, ar, br), -ai, bi);
    *im = MADD(MADD(*im, ar, bi), ai, br);
}

INLINE void sum_of_products(const cml_fft_plan *p, const double *a, const double *b, const double *b2, int64_t rows,
                            int64_t row_stride, int two, double *out, double *out2, int64_t begin, int64_t end) {
    int64_t n = p->polynomial_size;
    for (int64_t j = begin; j < end; j += 8) {
        // Accumulators: outputs 0 and 1 of the first key part, output 0 of the second.
        v8d r0 = splat(0), i0 = splat(0), r1 = splat(0), i1 = splat(0), s0 = splat(0), t0 = splat(0);
        const double *ap = a, *bp = b, *bp2 = b2;
        for (int64_t r = 0; r < rows; r++) {
            v8d ar = ld(ap + 2 * j), ai = ld(ap + 2 * j + 8);
            mac(bp, j, ar, ai, &r0, &i0);
            if (two) mac(bp + n, j, ar, ai, &r1, &i1);
            if (b2) mac(bp2, j, ar, ai, &s0, &t0);
            ap += n;
            bp += row_stride;
            if (b2) bp2 += row_stride;
        }
        st(out + 2 * j, r0); st(out + 2 * j + 8, i0);
        if (two) { st(out + n + 2 * j, r1); st(out + n + 2 * j + 8, i1); }
        if (b2) { st(out2 + 2 * j, s0); st(out2 + 2 * j + 8, t0); }
    }
}

static void fourier_sum_of_products(const cml_fft_plan *p, const double *a, const double *b, const double *b2,
                                    int64_t rows, int64_t row_stride, int64_t outputs, double *out, double *out2,
                                    int64_t begin, int64_t end) {
    // Each combination gets its own loop, with the branches inside resolved at compile time.
    if (b2) sum_of_products(p, a, b, b2, rows, row_stride, 0, out, out2, begin, end);
    else if (outputs == 2) sum_of_products(p, a, b, 0, rows, row_stride, 1, out, 0, begin, end);
    else sum_of_products(p, a, b, 0, rows, row_stride, 0, out, 0, begin, end);
}

// ---------------------------------------------------------------------------------------------------------------
// Decomposition and the CMUX's first half.

/// The signed digits of 8 values, branch-free: digits[j] gets level j + 1's. The value rounded to its top β·l
/// bits is balanced as a whole, then split from the lowest level up, each digit above B/2 (or at B/2 with the
/// next digit at least B/2) carried into the next. The carry is bit β − 1 of ((d − 1) | next) & d (d has it when
/// d ≥ B/2, d − 1 when d > B/2, next when the next digit is ≥ B/2), as TFHE-rs computes it.
INLINE void digit_vectors(v8u x, int64_t beta, int64_t l, v8i *digits) {
    int64_t total = beta * l;
    v8u top = x >> (uint64_t)(63 - total);
    v8u r = ((top + 1) >> 1) & (((uint64_t)1 << total) - 1);
    // r > half, or r == half with the rounding bit set: r + rounding > half.
    v8u negate = (((uint64_t)1 << (total - 1)) - (r + (top & 1))) >> 63;
    v8i state = (v8i)(r - (negate << (uint64_t)total));
    if (l == 1) { digits[0] = state; return; }
    int64_t mask = ((int64_t)1 << beta) - 1;
    for (int64_t level = l - 1; level >= 0; level--) {
        v8i d = state & mask;
        v8i next = state >> beta;
        v8i carry = (((d - 1) | next) & d) >> (beta - 1);
        digits[level] = d - (carry << beta);
        state = next + carry;
    }
}

/// The scalar digits of one value (the tail of decompose_polynomial, and the keyswitch).
INLINE void digits_of(uint64_t x, int64_t beta, int64_t l, int64_t *digits) {
    uint64_t total = (uint64_t)(beta * l);
    uint64_t mask = ((uint64_t)1 << total) - 1;
    uint64_t top = x >> (63 - total);
    uint64_t r = ((top + 1) >> 1) & mask;
    uint64_t half = (uint64_t)1 << (total - 1);
    uint64_t negate = (r > half || (r == half && (top & 1) == 1)) ? 1 : 0;
    int64_t state = (int64_t)(r - (negate << total));
    int64_t base = (int64_t)1 << beta, digit_mask = base - 1, half_base = base >> 1;
    for (int64_t level = l - 1; level >= 0; level--) {
        int64_t d = state & digit_mask;
        state >>= beta;
        int64_t carry = (d > half_base || (d == half_base && (state & digit_mask) >= half_base)) ? 1 : 0;
        digits[level] = d - (carry << beta);
        state += carry;
    }
}

static void decompose_polynomial(const uint64_t *input, int64_t count, int64_t beta, int64_t l, int64_t *digits) {
    v8i d[64];
    int64_t vectors = count & ~(int64_t)7;
    for (int64_t c = 0; c < vectors; c += 8) {
        digit_vectors(ldu(input + c), beta, l, d);
        for (int64_t j = 0; j < l; j++) sti(digits + j * count + c, d[j]);
    }
    for (int64_t c = vectors; c < count; c++) {
        int64_t one[64];
        digits_of(input[c], beta, l, one);
        for (int64_t j = 0; j < l; j++) digits[j * count + c] = one[j];
    }
}

/// Coefficients c…c+7 (c a multiple of 8) of X^p·x − x: coefficient j of X^p·x is x[j − p] for j ≥ p and
/// −x[j − p + N] for j < p (for power ≥ N, X^(p+N) = −X^p flips both). Signs apply as (v ^ s) − s.
INLINE v8u rotated_difference_at(const uint64_t *input, int64_t n, int64_t shift, uint64_t negate_shifted, int64_t c) {
    v8u own = ldu(input + c);
    if (c >= shift) {
        uint64_t s = negate_shifted;
        return ((ldu(input + c - shift) ^ s) - s) - own;
    }
    if (c + 8 <= shift) {
        uint64_t s = ~negate_shifted;
        return ((ldu(input + c - shift + n) ^ s) - s) - own;
    }
    // The one block that straddles the wrap.
    uint64_t v[8];
    for (int64_t t = 0; t < 8; t++) {
        int64_t j = c + t;
        uint64_t x = j >= shift ? input[j - shift] : input[j - shift + n];
        uint64_t s = j >= shift ? negate_shifted : ~negate_shifted;
        v[t] = ((x ^ s) - s) - input[j];
    }
    return ldu(v);
}

static void rotated_difference(const uint64_t *input, int64_t n, int64_t power, uint64_t *output) {
    int64_t shift = power >= n ? power - n : power;
    uint64_t negate_shifted = power >= n ? ~(uint64_t)0 : 0;
    for (int64_t c = 0; c < n; c += 8) stu(output + c, rotated_difference_at(input, n, shift, negate_shifted, c));
}

/// One pass per polynomial computes, 8 coefficients at a time, the rotated difference, its digits and their folded
/// and twisted points, stored straight into the transforms' rows, which then run in place: neither the difference
/// nor the digits go through memory.
static void rotated_difference_transforms(const cml_fft_plan *p, const uint64_t *accumulator, int64_t k1,
                                          int64_t power, int64_t beta, int64_t l, double *fourier_digits) {
    int64_t n = p->polynomial_size, m = p->complex_count;
    int64_t shift = power >= n ? power - n : power;
    uint64_t negate_shifted = power >= n ? ~(uint64_t)0 : 0;
    int64_t row_stride = k1 * n;
    v8i dx[64], dy[64];
    for (int64_t r = 0; r < k1; r++) {
        const uint64_t *acc = accumulator + r * n;
        double *rows = fourier_digits + r * n;
        for (int64_t c = 0; c < m; c += 8) {
            // Point c… folds coefficients c… (real parts) and c + M… (imaginary parts).
            if (l == 1) {
                // One level (most sets): the digits stay in registers.
                v8i x, y;
                digit_vectors(rotated_difference_at(acc, n, shift, negate_shifted, c), beta, 1, &x);
                digit_vectors(rotated_difference_at(acc, n, shift, negate_shifted, c + m), beta, 1, &y);
                v8d re, im;
                twisted(exact_real(x), exact_real(y), c, p->twist_re, p->twist_im, &re, &im);
                st(rows + 2 * c, re);
                st(rows + 2 * c + 8, im);
                continue;
            }
            digit_vectors(rotated_difference_at(acc, n, shift, negate_shifted, c), beta, l, dx);
            digit_vectors(rotated_difference_at(acc, n, shift, negate_shifted, c + m), beta, l, dy);
            for (int64_t j = 0; j < l; j++) {
                v8d re, im;
                twisted(exact_real(dx[j]), exact_real(dy[j]), c, p->twist_re, p->twist_im, &re, &im);
                double *row = rows + j * row_stride;
                st(row + 2 * c, re);
                st(row + 2 * c + 8, im);
            }
        }
        for (int64_t j = 0; j < l; j++) fft_forward_stored(p, rows + j * row_stride);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Keyswitch.

/// output −= Σ_r digits[r]·row_r mod 2^32 over `count` words for `rows` (1, 2 or 4) rows `stride` apart: one
/// stride-1 pass that vectorizes. All-zero digits skip the pass.
INLINE void subtract_multiples(const uint32_t *restrict row, int64_t stride, const int64_t *digits, int64_t rows,
                               uint32_t *restrict out, int64_t count) {
    uint32_t f0 = (uint32_t)digits[0];
    if (rows == 4) {
        uint32_t f1 = (uint32_t)digits[1], f2 = (uint32_t)digits[2], f3 = (uint32_t)digits[3];
        if ((f0 | f1 | f2 | f3) == 0) return;
        const uint32_t *restrict r1 = row + stride, *restrict r2 = r1 + stride, *restrict r3 = r2 + stride;
        for (int64_t t = 0; t < count; t++) out[t] -= f0 * row[t] + f1 * r1[t] + f2 * r2[t] + f3 * r3[t];
    } else if (rows == 2) {
        uint32_t f1 = (uint32_t)digits[1];
        if ((f0 | f1) == 0) return;
        const uint32_t *restrict r1 = row + stride;
        for (int64_t t = 0; t < count; t++) out[t] -= f0 * row[t] + f1 * r1[t];
    } else {
        if (f0 == 0) return;
        for (int64_t t = 0; t < count; t++) out[t] -= f0 * row[t];
    }
}

/// Every key row is applied to the whole batch while it is in L1; each output takes all levels of a coefficient
/// in passes of up to 4 rows, so it is read and written once per 4 levels instead of once per level.
static void keyswitch_batch(const uint64_t *inputs, int64_t count, int64_t input_count, const uint32_t *key,
                            int64_t size, int64_t beta, int64_t l, int64_t *digits, uint32_t *sums, uint64_t *outputs) {
    int64_t input_size = input_count + 1;
    for (int64_t b = 0; b < count; b++) {
        uint32_t *out = sums + b * size;
        for (int64_t t = 0; t < size; t++) out[t] = 0;
        // The body, rounded to the key's 32 bits.
        out[size - 1] = (uint32_t)((inputs[b * input_size + input_count] + ((uint64_t)1 << 31)) >> 32);
    }
    for (int64_t i = 0; i < input_count; i++) {
        for (int64_t b = 0; b < count; b++) digits_of(inputs[b * input_size + i], beta, l, digits + b * l);
        const uint32_t *rows = key + i * l * size;
        for (int64_t b = 0; b < count; b++) {
            const int64_t *d = digits + b * l;
            uint32_t *out = sums + b * size;
            for (int64_t j = 0; j < l;) {
                int64_t rest = l - j, take = rest >= 4 ? 4 : (rest >= 2 ? 2 : 1);
                subtract_multiples(rows + j * size, size, d + j, take, out, size);
                j += take;
            }
        }
    }
    for (int64_t t = 0; t < count * size; t++) outputs[t] = (uint64_t)sums[t] << 32;
}

/// The private functional packing keyswitch of a batch: each key row (one input coefficient, one level) is applied to
/// every item while it is in L1, so the key streams from memory once per batch.
static void packing_keyswitch_batch(const uint64_t *inputs, int64_t count, int64_t input_size, const uint64_t *key,
                                    int64_t glwe_words, int64_t beta, int64_t l, int64_t *digits, uint64_t *outputs) {
    for (int64_t t = 0; t < count * glwe_words; t++) outputs[t] = 0;
    for (int64_t i = 0; i < input_size; i++) {
        for (int64_t b = 0; b < count; b++) digits_of(inputs[b * input_size + i], beta, l, digits + b * l);
        const uint64_t *rows = key + i * l * glwe_words;
        for (int64_t b = 0; b < count; b++) {
            uint64_t *out = outputs + b * glwe_words;
            for (int64_t j = 0; j < l; j++) {
                uint64_t d = (uint64_t)digits[b * l + j];
                if (d == 0) continue;
                const uint64_t *row = rows + j * glwe_words;
                int64_t w = 0;
                for (; w + 8 <= glwe_words; w += 8) stu(out + w, ldu(out + w) + ldu(row + w) * d);
                for (; w < glwe_words; w++) out[w] += row[w] * d;
            }
        }
    }
}

const cml_kernel_table CML_TABLE = {
    .name = CML_NAME,
    .fft_forward_torus = fft_forward_torus,
    .fft_forward_integer = fft_forward_integer,
    .fft_inverse_add_torus = fft_inverse_add_torus,
    .fft_inverse_real = fft_inverse_real,
    .fourier_sum_of_products = fourier_sum_of_products,
    .rotated_difference_transforms = rotated_difference_transforms,
    .rotated_difference = rotated_difference,
    .decompose_polynomial = decompose_polynomial,
    .keyswitch_batch = keyswitch_batch,
    .packing_keyswitch_batch = packing_keyswitch_batch,
};
