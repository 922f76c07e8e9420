#!/usr/bin/env python3
"""KS+PBS time of Concrete (concrete-python) per precision, measured as `cml-bench pbs` measures cml's.

One circuit per precision: a random table applied to a tensor of --count encrypted inputs, so each run is
--count independent keyswitch + PBS, compiled with MONO parameters at p_error 2^-40 and no parallelism; the
figure is process CPU time per lookup, median of --runs. Run it in a virtual environment outside the
repository (`python3 -m venv /tmp/concrete && /tmp/concrete/bin/pip install concrete-python`); CI never runs
it. Scripts/bench-vs-concrete.sh runs it beside cml-bench on the same machine.
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from concrete import fhe


def measure(bits, count, runs):
    rng = np.random.default_rng(bits)
    table = fhe.LookupTable([int(v) for v in rng.integers(0, 2**bits, size=2**bits)])

    @fhe.compiler({"x": "encrypted"})
    def lookup(x):
        return table[x]

    inputset = [rng.integers(0, 2**bits, size=(count,)) for _ in range(8)] + [np.full(count, 2**bits - 1)]
    configuration = fhe.Configuration(
        p_error=2**-40,
        parameter_selection_strategy=fhe.ParameterSelectionStrategy.MONO,
        dataflow_parallelize=False, loop_parallelize=False, auto_parallelize=False,
        show_optimizer=False)
    circuit = lookup.compile(inputset, configuration)
    start = time.perf_counter()
    circuit.keygen()
    keygen = time.perf_counter() - start
    sample = rng.integers(0, 2**bits, size=(count,))
    encrypted = circuit.encrypt(sample)
    result = circuit.decrypt(circuit.run(encrypted))
    wrong = int(np.sum(np.asarray(result) != np.asarray([table.table[v] for v in sample])))
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        circuit.run(encrypted)
        cpu.append((time.process_time() - c0) / count * 1000)
        wall.append((time.perf_counter() - w0) / count * 1000)
    params = circuit.server.client_specs.program_info.get_keyset_info()
    bsk = params.bootstrap_keys()[0]
    shape = (f"n={bsk.input_lwe_dimension()} k={bsk.glwe_dimension()} N={bsk.polynomial_size()} "
             f"pbs=(l={bsk.level()}, b={bsk.base_log()})")
    keys_mb = len(circuit.keys.evaluation.serialize()) / 1e6 if hasattr(circuit.keys, "evaluation") else float("nan")
    print(f"concrete bits={bits} {shape} ms={statistics.median(cpu):.2f} (process CPU time; wall "
          f"{statistics.median(wall):.2f}; {runs} runs x {count}; wrong decryptions {wrong}) "
          f"keys_MB={keys_mb:.1f} keygen_s={keygen:.1f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bits", default="2,4,6,8", help="comma-separated precisions")
    parser.add_argument("--count", type=int, default=32, help="independent lookups per run")
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is printed")
    args = parser.parse_args()
    print(f"concrete-python {fhe.__version__}", flush=True)
    for bits in [int(b) for b in args.bits.split(",")]:
        measure(bits, args.count, args.runs)


if __name__ == "__main__":
    main()
