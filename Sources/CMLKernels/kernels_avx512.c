// The AVX-512 kernels (F, DQ, BW, VL: Skylake-SP, Ice Lake, Zen 4 and later), compiled for that instruction set
// whatever the build targets. 256-bit vectors are not preferred: the 8-lane vectors are one zmm each.
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma,bmi2,evex512"))), apply_to = function)
#define CML_FMA 1
#define CML_NARROW_REGISTERS 0
#define CML_TABLE cml_kernels_avx512
#define CML_NAME "avx512"
#include "kernels_body.h"
#pragma clang attribute pop
#endif
