#!/usr/bin/env bash
# Builds cml-bench in release for the CPU it runs on and measures KS+PBS per precision (issue 2's table).
# CPU-specific flags live here, never in Package.swift (DESIGN.md "Crypto engine").
# Usage: Scripts/bench.sh [cml-bench pbs options, e.g. --bits 2,4,6 --count 32 --runs 5]
#        Scripts/bench.sh models [--samples N] [--max-seconds S] [--models a,b]   (issue 5's models; slow)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=()
if grep -q avx512f /proc/cpuinfo 2>/dev/null; then
    flags=(-Xswiftc -target-cpu -Xswiftc "${CML_TARGET_CPU:-znver4}")
elif grep -q avx2 /proc/cpuinfo 2>/dev/null; then
    flags=(-Xswiftc -target-cpu -Xswiftc haswell)
fi
# Both targets have fused multiply-add; CML_FMA lets the FFT use it (without the instruction it would be a
# libm call per lane, so a default build leaves it off).
if [ ${#flags[@]} -gt 0 ] && grep -qw fma /proc/cpuinfo 2>/dev/null; then
    flags+=(-Xswiftc -DCML_FMA)
fi
swift build -c release --product cml-bench --scratch-path .build-bench "${flags[@]}"
subcommand=pbs
if [[ "${1:-}" == models ]]; then subcommand=models; shift; fi
echo "command: .build-bench/release/cml-bench $subcommand $* (built with: ${flags[*]:-default flags})"
.build-bench/release/cml-bench "$subcommand" "$@"
