#!/usr/bin/env python3
"""Time of one large-precision lookup in Concrete (concrete-python), as `cml-bench wop` measures cml's.

A random table over a --bits-bit encrypted input, no rounding: Concrete's optimizer cannot reach that precision
with its native PBS and compiles the circuit to CRT-encoded WoP-PBS. One lookup per run, single thread (no
dataflow or loop parallelism), p_error 2^-40; process CPU time, median of --runs. Run it in a virtual environment
outside the repository (`python3 -m venv /tmp/concrete && /tmp/concrete/bin/pip install concrete-python`); CI
never runs it.
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from concrete import fhe


def measure(bits, runs):
    rng = np.random.default_rng(bits)
    table = fhe.LookupTable([int(v) for v in rng.integers(0, 64, size=2**bits)])

    @fhe.compiler({"x": "encrypted"})
    def lookup(x):
        return table[x]

    inputset = [int(v) for v in rng.integers(0, 2**bits, size=16)] + [0, 2**bits - 1]
    configuration = fhe.Configuration(
        p_error=2**-40, dataflow_parallelize=False, loop_parallelize=False, auto_parallelize=False)
    compile_start = time.perf_counter()
    circuit = lookup.compile(inputset, configuration)
    compile_s = time.perf_counter() - compile_start
    start = time.perf_counter()
    circuit.keygen()
    keygen = time.perf_counter() - start
    wrong, cpu = 0, []
    for r in range(runs):
        x = int(rng.integers(0, 2**bits))
        encrypted = circuit.encrypt(x)
        c0 = time.process_time()
        result = circuit.run(encrypted)
        cpu.append((time.process_time() - c0) * 1000)
        wrong += int(circuit.decrypt(result) != table.table[x])
    print(f"concrete wop bits={bits} ms={statistics.median(cpu):.1f} (process CPU time, median of {runs}; "
          f"wrong {wrong}) keygen_s={keygen:.1f} compile_s={compile_s:.1f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bits", default="9,12,16", help="comma-separated precisions")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for bits in args.bits.split(","):
        measure(int(bits), args.runs)


if __name__ == "__main__":
    main()
