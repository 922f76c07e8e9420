#!/usr/bin/env bash
# Builds cml-bench in release and measures KS+PBS per precision. The default build is the one users run (plain
# `swift build -c release`): the engine's kernels choose AVX-512, AVX2 + FMA or portable code at run time, so no
# flag is needed for the published figures. `--tuned` builds instead with this CPU's own code generation
# (`-target-cpu native`, `-march=native`) into .build-bench, to check that the default build is as fast.
# Usage: Scripts/bench.sh [--tuned] [cml-bench pbs options, e.g. --bits 2,4,6 --count 32 --runs 5]
#        Scripts/bench.sh [--tuned] models [--samples N] [--max-seconds S] [--models a,b]   (slow)
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build flags=()
if [[ "${1:-}" == --tuned ]]; then
    scratch=.build-bench
    flags=(-Xswiftc -target-cpu -Xswiftc native -Xcc -march=native)
    shift
fi
swift build -c release --product cml-bench --scratch-path "$scratch" "${flags[@]}"
subcommand=pbs
if [[ "${1:-}" == models ]]; then subcommand=models; shift; fi
echo "command: $scratch/release/cml-bench $subcommand $* (built with: ${flags[*]:-default flags})"
"$scratch/release/cml-bench" "$subcommand" "$@"
