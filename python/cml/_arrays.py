"""NumPy files in and out of the tools: inputs as .npy (one) or .npz (by input name), outputs back."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence, Tuple, Union

import numpy as np


def as_numpy(value) -> np.ndarray:
    """A numpy array from an array, a list or a torch tensor (torch is not imported for that)."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def as_tuple(inputs) -> Tuple[np.ndarray, ...]:
    """One input or a tuple/list of them (Concrete ML's inputset convention) as a tuple of arrays."""
    items = inputs if isinstance(inputs, (tuple, list)) else (inputs,)
    return tuple(as_numpy(item) for item in items)


def storable(array: np.ndarray) -> np.ndarray:
    """float32/float64 stay, integers become float64 (the tools read <f4, <f8, <i4, <i8), C order."""
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    return np.ascontiguousarray(array)


def write_inputs(arrays: Sequence[np.ndarray], names: Sequence[str], stem: Union[str, Path]) -> Path:
    """Writes one input as STEM.npy, several as STEM.npz whose members are the model's input names."""
    stem = Path(stem)
    if len(arrays) == 1:
        path = stem.with_suffix(".npy")
        np.save(path, storable(arrays[0]))
    else:
        if len(names) != len(arrays):
            raise ValueError(f"the model has {len(names)} inputs ({', '.join(names)}), {len(arrays)} given")
        path = stem.with_suffix(".npz")
        np.savez(path, **{name: storable(a) for name, a in zip(names, arrays)})
    return path


def read_outputs(path: Union[str, Path]):
    """The array of an .npy, or the tuple of arrays of an .npz in the order written."""
    loaded = np.load(path)
    if isinstance(loaded, np.lib.npyio.NpzFile):
        with loaded:
            return tuple(loaded[name] for name in loaded.files)
    return loaded
