// The AVX2 + FMA kernels (Haswell, Zen and later), compiled for that instruction set whatever the build targets.
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi2"))), apply_to = function)
#define CML_FMA 1
#define CML_NARROW_REGISTERS 1
#define CML_TABLE cml_kernels_avx2
#define CML_NAME "avx2"
#include "kernels_body.h"
#pragma clang attribute pop
#endif
