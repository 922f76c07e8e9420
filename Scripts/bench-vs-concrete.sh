#!/usr/bin/env bash
# KS+PBS per precision, cml (the default build: plain `swift build -c release`) and Concrete side by side on this
# machine, interleaved round by round so both see the same machine state; prints each round and the ratio.
# Usage: Scripts/bench-vs-concrete.sh [--bits 2,4,6,8] [--rounds 2] [--count 32] [--runs 3]
# Needs concrete-python in a virtual environment outside the repository:
#   python3 -m venv /tmp/concrete && /tmp/concrete/bin/pip install concrete-python 'setuptools<70'
# and CONCRETE_PYTHON=/tmp/concrete/bin/python (the default). CML_ENGINE_ISA forces cml's kernels.
set -euo pipefail
cd "$(dirname "$0")/.."
bits=2,4,6,8 rounds=2 count=32 runs=3
while [ $# -gt 0 ]; do
    case "$1" in
        --bits) bits=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --count) count=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) echo "unknown option $1 (see the usage at the top of $0)" >&2; exit 2 ;;
    esac
done
python=${CONCRETE_PYTHON:-/tmp/concrete/bin/python}
if ! "$python" -c "import concrete.fhe" 2>/dev/null; then
    echo "no concrete-python at $python: install it as the top of $0 says, or set CONCRETE_PYTHON" >&2
    exit 2
fi
swift build -c release --product cml-bench >/dev/null
log=$(mktemp)
for round in $(seq "$rounds"); do
    echo "== round $round"
    .build/release/cml-bench pbs --bits "$bits" --count "$count" --runs "$runs" --fft-sizes 2048 | grep -E '^(engine|pbs)' | tee -a "$log"
    "$python" Scripts/concrete_pbs_bench.py --bits "$bits" --count "$count" --runs "$runs" | tee -a "$log"
done
echo "== ratio (cml / Concrete, per round)"
python3 - "$log" <<'PY'
import re, sys
cml, concrete = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r"(pbs|concrete) bits=(\d+) .*? ms=([\d.]+)", line)
    if m:
        (cml if m[1] == "pbs" else concrete).setdefault(int(m[2]), []).append(float(m[3]))
for bits in sorted(cml):
    pairs = list(zip(cml[bits], concrete.get(bits, [])))
    ratios = ", ".join(f"{a / b:.2f}" for a, b in pairs)
    print(f"bits={bits} cml_ms={'/'.join(f'{a:.2f}' for a, _ in pairs)} concrete_ms={'/'.join(f'{b:.2f}' for _, b in pairs)} ratio={ratios}")
PY
rm -f "$log"
