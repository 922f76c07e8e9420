"""The compiled model: Concrete ML's QuantizedModule shape over a cml bundle directory."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np

from ._arrays import as_tuple, read_outputs, write_inputs
from ._tools import run_tool

FHE_MODES = ("disable", "simulate", "execute")


def _check_fhe_mode(fhe) -> str:
    mode = getattr(fhe, "value", fhe)  # concrete.ml.common.utils.FheMode members carry the string
    if mode not in FHE_MODES:
        raise ValueError(f"fhe mode must be one of {', '.join(FHE_MODES)}, got {fhe!r}")
    return mode


def copy_bundle(source: Path, path_dir: Union[str, Path]) -> Path:
    """Copies bundle `source` into `path_dir`, which must not exist or be empty (as FHEModelDev.save)."""
    target = Path(path_dir)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"path_dir: {target} is not empty. Please delete it before saving a new model.")
    target.mkdir(parents=True, exist_ok=True)
    for item in Path(source).iterdir():
        (shutil.copytree if item.is_dir() else shutil.copy2)(item, target / item.name)
    return target


class _Graph:
    """What Concrete ML users read from `fhe_circuit.graph`."""

    def __init__(self, statistics: Dict[str, Any]):
        self._statistics = statistics

    def maximum_integer_bit_width(self) -> int:
        """The widest integer of the circuit: the largest calibrated bit width of any layer."""
        return max((layer["bitwidth"] for layer in self._statistics["layers"].values()), default=0)


class Circuit:
    """The compiled circuit as Concrete ML users query it (`q.fhe_circuit.statistics`, `.graph`)."""

    def __init__(self, module: "QuantizedModule"):
        self._module = module

    @property
    def statistics(self) -> Dict[str, Any]:
        return self._module.statistics

    @property
    def graph(self) -> _Graph:
        return _Graph(self._module.statistics)

    @property
    def mlir(self) -> str:
        """cml has no MLIR: the integer circuit as `cml-dev compile --show-circuit` prints it."""
        return self._module.circuit_text


class QuantizedModule:
    """A compiled model: the bundle `cml-dev compile` wrote, run through `cml-dev run`.

    forward(x, fhe="disable") is the integer circuit on clear data, "simulate" adds the PBS errors the
    chosen parameters allow, "execute" generates keys, encrypts, evaluates and decrypts."""

    def __init__(self, bundle: Union[str, Path], input_names: List[str], output_names: List[str],
                 circuit_text: str = "", owner: Optional[tempfile.TemporaryDirectory] = None):
        self.bundle = Path(bundle)
        self.input_names = list(input_names)
        self.output_names = list(output_names)
        self.circuit_text = circuit_text
        self._owner = owner  # keeps a temporary bundle alive as long as the module
        self._statistics: Optional[Dict[str, Any]] = None

    @property
    def ordered_module_input_names(self) -> Tuple[str, ...]:
        return tuple(self.input_names)

    @property
    def ordered_module_output_names(self) -> Tuple[str, ...]:
        return tuple(self.output_names)

    @property
    def is_compiled(self) -> bool:
        return True

    def forward(self, *x, fhe="disable") -> Union[np.ndarray, Tuple[np.ndarray, ...]]:
        """Float inputs (batch on axis 0) -> float outputs, through the circuit in mode `fhe`."""
        mode = _check_fhe_mode(fhe)
        arrays = as_tuple(list(x))
        if len(arrays) != len(self.input_names):
            raise ValueError(f"the model has {len(self.input_names)} inputs ({', '.join(self.input_names)}), "
                             f"{len(arrays)} given")
        for array in arrays:
            if not np.issubdtype(array.dtype, np.floating):
                raise TypeError(f"Input values are expected to be floating points of dtype float32 or float64, got "
                                f"{array.dtype}. Do not quantize the inputs manually as it is handled within this "
                                "method.")
        with tempfile.TemporaryDirectory(prefix="cml-forward-") as work:
            path = write_inputs(arrays, self.input_names, Path(work) / "x")
            out = Path(work) / ("y.npz" if len(self.output_names) > 1 else "y.npy")
            run_tool("cml-dev", ["run", self.bundle, "--input", path, "--fhe", mode, "-o", out])
            return read_outputs(out)

    __call__ = forward

    @property
    def statistics(self) -> Dict[str, Any]:
        """TLU count, precision, parameter sets, key sizes and the latency estimate (`cml-dev inspect --json`)."""
        if self._statistics is None:
            self._statistics = statistics_of(self.inspect())
        return self._statistics

    def inspect(self) -> Dict[str, Any]:
        """The whole of `cml-dev inspect BUNDLE --json`."""
        return json.loads(run_tool("cml-dev", ["inspect", self.bundle, "--json"]))

    def bitwidth_and_range_report(self) -> Dict[str, Dict[str, Any]]:
        """Concrete ML's report: layer -> {"range": (min, max), "bitwidth": bits}."""
        return {name: {"range": layer["range"], "bitwidth": layer["bitwidth"]}
                for name, layer in self.statistics["layers"].items()}

    @property
    def fhe_circuit(self) -> Circuit:
        return Circuit(self)

    def save(self, path_dir: Union[str, Path]) -> Path:
        """Writes the bundle (client/, server/, manifest) to `path_dir`, which must be new or empty."""
        return copy_bundle(self.bundle, path_dir)

    def __repr__(self) -> str:
        return f"QuantizedModule({self.bundle}, inputs {self.input_names}, outputs {self.output_names})"


def statistics_of(inspection: Dict[str, Any]) -> Dict[str, Any]:
    """The figures a user decides on, from `cml-dev inspect --json`, under snake_case names."""
    keys = inspection["keySizes"]
    latency = inspection["estimatedLatency"]
    layers = {}
    for entry in inspection["layers"]["entries"]:
        layers[entry["node"]] = {"range": (entry["range"]["min"], entry["range"]["max"]), "bitwidth": entry["bitWidth"],
                                 "tlu_input_bits": entry.get("tluInputBits")}
    return {
        "tlu_count": inspection["tluCount"],
        "max_tlu_input_bits": inspection["widestTLUInputBits"],
        "parameter_sets": inspection["parameterSets"],
        "evaluation_key_bytes": keys["bootstrapKeyBytes"] + keys["keyswitchKeyBytes"],
        "evaluation_key_bytes_seeded": keys["seededBootstrapKeyBytes"] + keys["seededKeyswitchKeyBytes"],
        "estimated_latency_s": latency["secondsPerSample"],
        "estimated_latency_one_core_s": latency["secondsPerSampleOneCore"],
        "milliseconds_per_tlu": latency["millisecondsPerTLU"],
        "latency_basis": latency["basis"],
        "layers": layers,
    }
