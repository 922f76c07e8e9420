"""The main job's shipped model (Scripts/main-job/, trained by Scripts/train-main-job-model.py) with the main
job's settings: it is trained, and quantization costs it little."""
from pathlib import Path

import numpy as np
import pytest

import cml

DATA = Path(__file__).resolve().parents[2] / "Scripts" / "main-job"


@pytest.mark.skipif(not DATA.is_dir(), reason="not in a checkout of the repository")
def test_shipped_model_is_trained_and_survives_quantization():
    model = DATA / "digits_mlp.onnx"
    x = np.load(DATA / "heldout_x.npy").astype(np.float32)
    labels = np.load(DATA / "heldout_y.npy")
    calibration = np.load(DATA / "calibration.npy")
    assert len(x) == 300 and calibration.shape == (300, 64)
    assert not (calibration[:, None, :] == x[None, :, :]).all(-1).any()  # no held-out row calibrates
    q = cml.compile_onnx_model(str(model), calibration.astype(np.float32), n_bits=4, rounding_threshold_bits=5)
    floats = cml.evaluate_onnx_float(str(model), x).argmax(1)
    clear = q.forward(x, fhe="disable").argmax(1)
    assert np.mean(floats == labels) > 0.95
    assert np.mean(clear == labels) > 0.93
    assert np.mean(clear == floats) > 0.95
