// The engine's hot kernels, compiled once per instruction set and chosen at run time (docs/ARCHITECTURE.md,
// "Kernels and instruction sets"). Swift cannot compile one function for several instruction sets, and a
// package others depend on cannot pass -target-cpu, so the vector code lives here: kernels_body.h is included
// by kernels_portable.c, kernels_avx2.c and kernels_avx512.c, each under its own target attribute, and the
// caller picks a table with cml_kernels_for.
#ifndef CML_KERNELS_H
#define CML_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The most passes over memory a transform can have (M ≤ 2^30 points).
#define CML_FFT_MAX_PASSES 32

/// An M-point transform's tables and passes, filled by FFTPlan (tables) and cml_fft_plan_prepare (passes).
typedef struct cml_fft_plan {
    /// N, M = N/2 and log2 M.
    int64_t polynomial_size;
    int64_t complex_count;
    int64_t log2_complex_count;
    /// Stage twiddles e^{-2πi·j/(2h)} as complex point h + j, in the transforms' layout (blocks of 8 real parts
    /// followed by their 8 imaginary parts).
    const double *twiddles;
    /// Third powers e^{-2πi·3j/(4q)} as complex point q + j, same layout.
    const double *twiddles3;
    /// The in-vector stages' constant lane vectors (5 × 8 doubles, FFTPlan.KernelConstant); read from memory so the optimizer keeps the
    /// stages as vector code instead of folding their 0 and ±1 lanes one by one.
    const double *kernel_constants;
    /// Twist w_j = e^{iπj/N}, M real parts and M imaginary parts.
    const double *twist_re;
    const double *twist_im;
    /// The forward transform's passes over memory, first to last: half sizes and radices (2 or 4).
    int64_t pass_count;
    int64_t wide_pass_count;
    int64_t pass_half[CML_FFT_MAX_PASSES];
    int64_t pass_radix[CML_FFT_MAX_PASSES];
} cml_fft_plan;

/// Computes the passes of `plan` from its complex_count (the tables are the caller's).
void cml_fft_plan_prepare(cml_fft_plan *plan);

/// One instruction set's kernels. Every function is pure computation on caller-owned memory.
typedef struct cml_kernel_table {
    /// "portable", "avx2" or "avx512".
    const char *name;
    /// Fold, twist and forward transform of N torus coefficients (read as signed reals in [-1/2, 1/2)) into N doubles.
    void (*fft_forward_torus)(const cml_fft_plan *plan, const uint64_t *input, double *output);
    /// The same for small signed integers (|x| < 2^51), converted exactly.
    void (*fft_forward_integer)(const cml_fft_plan *plan, const int64_t *input, double *output);
    /// Inverse transform of `fourier` (destroyed), untwisted, reduced mod 1, rounded to multiples of
    /// 2^-grid_bits (grid_bits ≤ 52) and wrapping-added to the N torus coefficients at `output`.
    void (*fft_inverse_add_torus)(const cml_fft_plan *plan, double *fourier, uint64_t *output, int64_t grid_bits);
    /// Inverse transform of `fourier` (destroyed) to N real coefficients.
    void (*fft_inverse_real)(const cml_fft_plan *plan, double *fourier, double *output);
    /// out_c = Σ_r a_r·b_{r,c} pointwise for c < outputs (1 or 2): a_r at a + r·N, b_{r,c} at b + r·row_stride +
    /// c·N, out_c at out + c·N; with b2 (and one output), also out2 = Σ_r a_r·b2_r. Points [begin, end) only
    /// (multiples of 8). `out` may be `a` (each point's inputs are read before its sums are stored).
    void (*fourier_sum_of_products)(const cml_fft_plan *plan, const double *a, const double *b, const double *b2,
                                    int64_t rows, int64_t row_stride, int64_t outputs, double *out, double *out2,
                                    int64_t begin, int64_t end);
    /// The CMUX's first half: for each of the glwe_size polynomials r of the accumulator, X^power·acc_r − acc_r,
    /// decomposed (base 2^base_log, level_count levels), each level's digits folded, twisted and transformed into
    /// fourier_digits row j·glwe_size + r (N doubles each).
    void (*rotated_difference_transforms)(const cml_fft_plan *plan, const uint64_t *accumulator, int64_t glwe_size,
                                          int64_t power, int64_t base_log, int64_t level_count, double *fourier_digits);
    /// X^power·input − input mod X^N + 1 (power in [0, 2N)) into output (N words); what the fused pass computes.
    void (*rotated_difference)(const uint64_t *input, int64_t polynomial_size, int64_t power, uint64_t *output);
    /// The signed digits of `count` torus coefficients; level j + 1 of coefficient c goes to digits[j·count + c].
    void (*decompose_polynomial)(const uint64_t *input, int64_t count, int64_t base_log, int64_t level_count,
                                 int64_t *digits);
    /// Keyswitch of `count` ciphertexts (input_count + 1 words each, contiguous) with a key of 32-bit words
    /// (input_count · level_count rows of `output_size` words) into `outputs` (output_size words each): sums mod
    /// 2^32, times 2^32. `digits` (count · level_count) and `sums` (count · output_size) are scratch.
    void (*keyswitch_batch)(const uint64_t *inputs, int64_t count, int64_t input_count, const uint32_t *key,
                            int64_t output_size, int64_t base_log, int64_t level_count, int64_t *digits,
                            uint32_t *sums, uint64_t *outputs);
    /// Private functional packing keyswitch of `count` LWEs (input_size words each, contiguous) with one function's
    /// key (input_size · level_count GLWE rows of glwe_words words): outputs (glwe_words each) = Σ digit × row,
    /// wrapping. `digits` (count · level_count) is scratch.
    void (*packing_keyswitch_batch)(const uint64_t *inputs, int64_t count, int64_t input_size, const uint64_t *key,
                                    int64_t glwe_words, int64_t base_log, int64_t level_count, int64_t *digits,
                                    uint64_t *outputs);
} cml_kernel_table;

/// Instruction sets, in order of preference.
#define CML_ISA_PORTABLE 0
#define CML_ISA_AVX2 1
#define CML_ISA_AVX512 2
#define CML_ISA_COUNT 3

/// Whether this CPU (and its operating system) can run `isa`'s kernels.
int cml_isa_supported(int isa);
/// `isa`'s kernels, or NULL when this CPU cannot run them or this build has none for it (AVX on arm64).
const cml_kernel_table *cml_kernels_for(int isa);
/// The best instruction set this CPU supports.
int cml_isa_best(void);

#ifdef __cplusplus
}
#endif

#endif
