"""The ONNX route: compile_onnx_model, forward in the three modes, statistics, save."""
from pathlib import Path

import numpy as np
import pytest

import cml
from conftest import HIDDEN, float_forward


def test_disable_simulate_execute_agree(compiled, inputset):
    x = inputset[:3]
    clear = compiled.forward(x, fhe="disable")
    assert clear.shape == (3, 3) and clear.dtype.kind == "f"
    # p_error 2^-40 per lookup: a disagreement would be a bug, not bad luck.
    np.testing.assert_array_equal(compiled.forward(x, fhe="simulate"), clear)
    np.testing.assert_array_equal(compiled.forward(x, fhe="execute"), clear)


def test_float_reference_is_the_onnx_model(mlp, inputset):
    np.testing.assert_allclose(cml.evaluate_onnx_float(mlp, inputset[:5]), float_forward(mlp, inputset[:5]),
                               rtol=1e-5, atol=1e-5)


def test_clear_circuit_approximates_the_float_model(compiled, mlp, inputset):
    x = inputset[:50]
    reference = float_forward(mlp, x.astype(np.float64))
    clear = compiled(x)  # __call__ is forward(fhe="disable"), as in Concrete ML
    r2 = 1 - np.sum((clear - reference) ** 2) / np.sum((reference - reference.mean(0)) ** 2)
    assert r2 > 0.8, f"4-bit circuit explains only R2={r2:.3f} of the float model"
    assert np.mean(clear.argmax(1) == reference.argmax(1)) >= 0.7


def test_statistics_of_exact_rounding(compiled):
    stats = compiled.statistics
    # One table per hidden ReLU, and exact rounding adds lookups of its own to each (the Gemms need none).
    assert stats["tlu_count"] > HIDDEN and stats["tlu_count"] % HIDDEN == 0
    assert 1 <= stats["max_tlu_input_bits"] <= 4  # rounded to 4 bits before each table
    assert stats["evaluation_key_bytes_seeded"] < stats["evaluation_key_bytes"]
    assert stats["estimated_latency_s"] > 0 and stats["parameter_sets"]
    report = compiled.bitwidth_and_range_report()
    assert report and all(low <= high for low, high in (entry["range"] for entry in report.values()))
    assert compiled.fhe_circuit.graph.maximum_integer_bit_width() == max(e["bitwidth"] for e in report.values())


def test_path_and_dict_options_compile(tmp_path, mlp, inputset):
    import onnx
    path = tmp_path / "mlp.onnx"
    onnx.save(mlp, str(path))
    module = cml.compile_onnx_model(str(path), inputset, n_bits={"op_inputs": 3, "op_weights": 3},
                                    rounding_threshold_bits={"n_bits": 3, "method": "approximate"},
                                    global_p_error=1e-5)
    assert module.statistics["max_tlu_input_bits"] <= 3
    assert module.statistics["tlu_count"] == HIDDEN  # approximate rounding: one lookup per hidden ReLU
    assert module.forward(inputset[:2]).shape == (2, 3)


def test_save_writes_a_bundle_once(compiled, tmp_path):
    target = compiled.save(tmp_path / "bundle")
    assert (target / "client" / "spec").is_file() and (target / "server" / "spec").is_file()
    assert (target / "manifest").is_file()
    with pytest.raises(FileExistsError, match="is not empty"):
        compiled.save(target)


def test_two_inputs_go_by_name(inputset):
    from conftest import make_two_input_mlp
    model = make_two_input_mlp()
    rng = np.random.default_rng(3)
    a, b = rng.uniform(-1, 1, (80, 2)).astype(np.float32), rng.uniform(-1, 1, (80, 3)).astype(np.float32)
    q = cml.compile_onnx_model(model, (a, b), n_bits=4, rounding_threshold_bits=4)
    assert q.input_names == ["a", "b"]
    clear = q.forward(a[:2], b[:2])
    np.testing.assert_array_equal(q.forward(a[:2], b[:2], fhe="execute"), clear)
    reference = cml.evaluate_onnx_float(model, a[:20], b[:20])
    assert np.corrcoef(q.forward(a[:20], b[:20]).ravel(), reference.ravel())[0, 1] > 0.9
    with pytest.raises(ValueError, match="2 inputs"):
        q.forward(a[:2])


def test_show_mlir_and_artifacts(tmp_path, mlp, inputset, capsys):
    q = cml.compile_onnx_model(mlp, inputset, n_bits=3, rounding_threshold_bits=3, show_mlir=True,
                               artifacts=tmp_path / "artifacts")
    circuit = q.fhe_circuit.mlir
    assert circuit.startswith("circuit(") and circuit.count("tlu(") == 1 and circuit.count("matmul(") == 2
    assert circuit in capsys.readouterr().out  # printed, as Concrete ML prints the MLIR
    assert {"graph.txt", "circuit.txt", "report.txt"} <= {p.name for p in (tmp_path / "artifacts").iterdir()}


FIXTURES = Path(__file__).resolve().parents[2] / "Tests" / "FHECompilerTests" / "Fixtures" / "models"


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="not in a checkout of the repository")
def test_qat_onnx_route_keeps_the_brevitas_accuracy():
    # A Brevitas QAT MLP (3-bit weights and activations) exported to QONNX: no torch or brevitas needed here.
    stem = str(FIXTURES / "digits_brevitas_mlp")
    x, labels = np.load(stem + "_test_x.npy"), np.load(stem + "_test_y.npy")
    q = cml.compile_onnx_model(stem + ".onnx", np.load(stem + "_calibration.npy"), import_qat=True)
    clear = q.forward(x, fhe="disable")
    assert np.mean(clear.argmax(1) == labels) >= 0.93  # float accuracy of the fixture: 0.96
    np.testing.assert_array_equal(q.forward(x[:20], fhe="simulate"), clear[:20])
