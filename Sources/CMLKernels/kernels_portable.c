// The portable kernels: baseline x86-64 (SSE2) and every other architecture; arm64 has NEON and fused
// multiply-add as baseline.
#if defined(__aarch64__) || defined(__FMA__)
#define CML_FMA 1
#else
#define CML_FMA 0
#endif
#define CML_TABLE cml_kernels_portable
#define CML_NAME "portable"
#include "kernels_body.h"
