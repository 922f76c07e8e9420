// The portable kernels: baseline x86-64 (SSE2) and every other architecture; arm64 has NEON and fused
// multiply-add as baseline.
#if defined(__aarch64__) || defined(__FMA__)
#define CML_FMA 1
#else
#define CML_FMA 0
#endif
// Two doubles per register (SSE2, NEON): the stepped kernel of kernels_body.h gains nothing here over the
// register allocator's own spilling of the whole one (docs/PERFORMANCE.md#tuning-choices-in-the-engine).
#define CML_NARROW_REGISTERS 0
#define CML_TABLE cml_kernels_portable
#define CML_NAME "portable"
#include "kernels_body.h"
