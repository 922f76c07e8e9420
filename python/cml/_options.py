"""Concrete ML's compile arguments -> `cml-dev compile` flags, refusing what Concrete ML refuses, with its errors."""
from __future__ import annotations

import warnings
from typing import Dict, List, Optional, Sequence, Union

N_BITS_KEYS = {"model_inputs", "op_weights", "model_outputs", "op_inputs"}
ROUNDING_KEYS = {"n_bits", "method"}
ROUNDING_METHODS = ("EXACT", "APPROXIMATE")
MIN_ROUNDING_BITS, MAX_ROUNDING_BITS = 2, 8


class NBitsError(ValueError, AssertionError):
    """A bad n_bits: Concrete ML raises AssertionError, a ValueError is what the rest of Python expects."""


def n_bits_flag(n_bits: Union[int, Dict[str, int]], qat: bool = False) -> List[str]:
    """--n-bits for an int or a dict of op_inputs, op_weights[, model_inputs, model_outputs]."""
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, dict)):
        raise NBitsError("Invalid n_bits, either pass an integer or a dictionary containing integer values for "
                         f"the following keys: {sorted(N_BITS_KEYS)}; got {n_bits!r}")
    if isinstance(n_bits, int):
        return ["--n-bits", str(n_bits)]
    if qat:
        # Brevitas: exactly model_inputs and model_outputs; the bit widths in the Quant nodes rule anyway.
        if set(n_bits) != {"model_inputs", "model_outputs"}:
            raise NBitsError("Invalid n_bits, for a QAT model either pass an integer or a dictionary with exactly "
                             f"the keys 'model_inputs' and 'model_outputs'; got {sorted(n_bits)}")
        inputs = n_bits["model_inputs"]
        n_bits = {"op_inputs": inputs, "op_weights": inputs, **n_bits}
    unknown = set(n_bits) - N_BITS_KEYS
    if unknown or not {"op_inputs", "op_weights"} <= set(n_bits):
        raise NBitsError("Invalid n_bits, either pass an integer or a dictionary containing integer values for "
                         "the op_inputs and op_weights keys (model_inputs and model_outputs are optional); got "
                         f"{sorted(n_bits)}")
    for key, value in n_bits.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise NBitsError(f"n_bits['{key}'] must be an integer, got {value!r}")
    if n_bits.get("model_outputs", max(5, n_bits["op_inputs"])) < n_bits["op_inputs"]:
        raise NBitsError("Using fewer bits to represent the model_outputs than the op inputs is not recommended "
                         f"(model_outputs {n_bits['model_outputs']} < op_inputs {n_bits['op_inputs']})")
    order = ["op_inputs", "op_weights", "model_inputs", "model_outputs"]
    return ["--n-bits", ",".join(f"{key}={n_bits[key]}" for key in order if key in n_bits)]


def rounding_flags(rounding_threshold_bits) -> List[str]:
    """--rounding-threshold-bits [--rounding-method] for None, an int (EXACT) or {n_bits, method}.

    Concrete ML raises NotImplementedError for n_bits="auto"; cml implements it (the fewest bits whose
    predictions on the inputset stay within 1 % of no rounding), so "auto" is accepted here."""
    if rounding_threshold_bits is None:
        return []
    if isinstance(rounding_threshold_bits, bool):
        raise ValueError("Invalid type for rounding_threshold_bits. Must be int or dict.")
    if isinstance(rounding_threshold_bits, int):
        bits, method = rounding_threshold_bits, "EXACT"
    elif isinstance(rounding_threshold_bits, dict):
        if not ROUNDING_KEYS.issuperset(rounding_threshold_bits):
            raise KeyError(f"Invalid keys in rounding_threshold_bits. Allowed keys are {sorted(ROUNDING_KEYS)}.")
        bits = rounding_threshold_bits.get("n_bits", 8)
        method = rounding_threshold_bits.get("method", "EXACT")
        method = getattr(method, "name", method)  # concrete.fhe.Exactness.EXACT
        if not isinstance(method, str) or method.upper() not in ROUNDING_METHODS:
            raise ValueError(f"{method} is not a valid method. Must be one of EXACT, APPROXIMATE.")
        method = method.upper()
        if bits == "auto":
            return ["--rounding-threshold-bits", "auto", "--rounding-method", method.lower()]
        if isinstance(bits, bool) or not isinstance(bits, int):
            raise ValueError("n_bits must be an integer.")
    else:
        raise ValueError("Invalid type for rounding_threshold_bits. Must be int or dict.")
    if not MIN_ROUNDING_BITS <= bits <= MAX_ROUNDING_BITS:
        raise ValueError(f"n_bits for rounding must be between {MIN_ROUNDING_BITS} and {MAX_ROUNDING_BITS} "
                         f"inclusive, got {bits}")
    return ["--rounding-threshold-bits", str(bits), "--rounding-method", method.lower()]


def error_probability_flags(p_error: Optional[float], global_p_error: Optional[float]) -> List[str]:
    """--p-error or --global-p-error; both set is refused, neither leaves the default 2^-40 per lookup."""
    if p_error is not None and global_p_error is not None:
        raise ValueError("Please only set one of (p_error, global_p_error) values")
    for name, value in (("p_error", p_error), ("global_p_error", global_p_error)):
        if value is not None and not 0 < float(value) < 1:
            raise ValueError(f"{name} must be a probability in (0, 1), got {value}")
    if p_error is not None:
        return ["--p-error", repr(float(p_error))]
    if global_p_error is not None:
        return ["--global-p-error", repr(float(global_p_error))]
    return []


def encryption_flags(inputs_encryption_status: Optional[Sequence[str]], input_names: Sequence[str]) -> List[str]:
    """--input-encryption for one "clear"/"encrypted" per ONNX input (default: all encrypted)."""
    if inputs_encryption_status is None:
        return []
    statuses = [str(status).lower() for status in inputs_encryption_status]
    count = len(input_names)
    if len(statuses) < count:
        raise ValueError(f"Missing arguments from inputs_encryption_status: {len(statuses)} given for the "
                         f"{count} inputs {list(input_names)}")
    if len(statuses) > count:
        raise ValueError(f"Too many arguments in inputs_encryption_status: {len(statuses)} given for the "
                         f"{count} inputs {list(input_names)}")
    for status in statuses:
        if status not in ("clear", "encrypted"):
            raise ValueError(f"Unexpected status from {list(inputs_encryption_status)}: '{status}', "
                             "expected 'clear' or 'encrypted'")
    if "encrypted" not in statuses:
        raise ValueError(f"At least one input should be encrypted but got {list(inputs_encryption_status)}")
    return ["--input-encryption", ",".join(statuses)]


def check_unsupported(configuration, device: str) -> None:
    """Concrete's Configuration has no cml counterpart (warned, ignored); only the CPU is a device."""
    if device != "cpu":
        raise ValueError(f"device must be 'cpu' (cml has no GPU backend), got '{device}'")
    if configuration is not None:
        if getattr(configuration, "p_error", None) is not None or getattr(configuration, "global_p_error", None) is not None:
            raise AssertionError("Don't set p_error or global_p_error in configuration, use kwargs")
        warnings.warn("configuration (a Concrete Configuration) has no effect in cml and is ignored", stacklevel=3)
