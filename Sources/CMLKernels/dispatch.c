// Which kernels this CPU can run. CPUID says what the processor has and XGETBV what the operating system saves
// on a context switch; a vector register file the OS does not save is unusable, so both must agree.
#include "cml_kernels.h"
#include <stddef.h>

extern const cml_kernel_table cml_kernels_portable;

#if defined(__x86_64__)
#include <cpuid.h>

extern const cml_kernel_table cml_kernels_avx2;
extern const cml_kernel_table cml_kernels_avx512;

static unsigned long long xcr0(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

static int has_avx2_fma(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!(osxsave && avx && fma)) return 0;
    if ((xcr0() & 0x6) != 0x6) return 0; // XMM and YMM state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int avx2 = (b >> 5) & 1, bmi2 = (b >> 8) & 1;
    return avx2 && bmi2;
}

static int has_avx512(void) {
    if (!has_avx2_fma()) return 0;
    if ((xcr0() & 0xE6) != 0xE6) return 0; // plus opmask, ZMM0-15 high halves, ZMM16-31
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    return f && dq && bw && vl;
}
#endif

int cml_isa_supported(int isa) {
    switch (isa) {
    case CML_ISA_PORTABLE: return 1;
#if defined(__x86_64__)
    case CML_ISA_AVX2: return has_avx2_fma();
    case CML_ISA_AVX512: return has_avx512();
#endif
    default: return 0;
    }
}

const cml_kernel_table *cml_kernels_for(int isa) {
    if (!cml_isa_supported(isa)) return NULL;
    switch (isa) {
#if defined(__x86_64__)
    case CML_ISA_AVX2: return &cml_kernels_avx2;
    case CML_ISA_AVX512: return &cml_kernels_avx512;
#endif
    default: return &cml_kernels_portable;
    }
}

int cml_isa_best(void) {
    for (int isa = CML_ISA_COUNT - 1; isa > 0; isa--) {
        if (cml_isa_supported(isa)) return isa;
    }
    return CML_ISA_PORTABLE;
}

/// Mirrors the pass list the kernels walk: the stages of half M/2 down to 64, in radix-4 passes after one radix-2
/// pass when their number is odd; the wide ones (span beyond a 1024-point cache block) come first and run column
/// by column over the whole array.
void cml_fft_plan_prepare(cml_fft_plan *plan) {
    int64_t m = plan->complex_count;
    plan->pass_count = 0;
    plan->wide_pass_count = 0;
    if (m < 64) return;
    int64_t stages = 0;
    while ((int64_t)64 << stages < m) stages++;
    int64_t h = m >> 1;
    if (stages % 2 == 1) {
        plan->pass_half[plan->pass_count] = h;
        plan->pass_radix[plan->pass_count++] = 2;
        h >>= 1;
    }
    while (h >= 64) {
        plan->pass_half[plan->pass_count] = h;
        plan->pass_radix[plan->pass_count++] = 4;
        h >>= 2;
    }
    int64_t block = m < 1024 ? m : 1024;
    for (int64_t k = 0; k < plan->pass_count; k++) {
        if (2 * plan->pass_half[k] > block) plan->wide_pass_count++;
    }
}
