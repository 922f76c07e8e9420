"""Errors: a missing tool, Concrete ML's bad argument combinations, the tools' own messages."""
import numpy as np
import pytest

import cml
from cml import _options


def test_missing_tool_names_it_and_how_to_build(monkeypatch, tmp_path, mlp, inputset):
    monkeypatch.setenv("CML_BIN_DIR", str(tmp_path))
    with pytest.raises(cml.ToolNotFoundError, match=r"cml-dev not found .*swift build -c release"):
        cml.compile_onnx_model(mlp, inputset)


def test_p_error_and_global_p_error_are_exclusive(mlp, inputset):
    with pytest.raises(ValueError, match=r"only set one of \(p_error, global_p_error\)"):
        cml.compile_onnx_model(mlp, inputset, p_error=0.01, global_p_error=0.01)


@pytest.mark.parametrize("rounding, error, message", [
    ({"n_bits": 4, "mode": "EXACT"}, KeyError, "Allowed keys"),
    ({"n_bits": 4, "method": "SOMETIMES"}, ValueError, "not a valid method"),
    ({"n_bits": 4.5}, ValueError, "must be an integer"),
    (9, ValueError, "between 2 and 8"),
    ("6", ValueError, "Must be int or dict"),
])
def test_bad_rounding_threshold_bits(mlp, inputset, rounding, error, message):
    with pytest.raises(error, match=message):
        cml.compile_onnx_model(mlp, inputset, rounding_threshold_bits=rounding)


def test_rounding_flags():
    assert _options.rounding_flags(6) == ["--rounding-threshold-bits", "6", "--rounding-method", "exact"]
    assert _options.rounding_flags({"n_bits": "auto", "method": "Approximate"})[1:] == ["auto", "--rounding-method",
                                                                                       "approximate"]


@pytest.mark.parametrize("n_bits", [{"op_inputs": 4}, {"op_inputs": 4, "op_weights": 4, "weights": 2},
                                    {"op_inputs": 6, "op_weights": 4, "model_outputs": 5}, 4.0])
def test_bad_n_bits(mlp, inputset, n_bits):
    with pytest.raises(AssertionError):  # Concrete ML's type; also a ValueError
        cml.compile_onnx_model(mlp, inputset, n_bits=n_bits)


def test_n_bits_flags():
    assert _options.n_bits_flag({"op_weights": 3, "op_inputs": 4}) == ["--n-bits", "op_inputs=4,op_weights=3"]
    assert _options.n_bits_flag({"model_inputs": 4, "model_outputs": 5}, qat=True)[1] == \
        "op_inputs=4,op_weights=4,model_inputs=4,model_outputs=5"


@pytest.mark.parametrize("status, message", [(["encrypted", "clear"], "Too many"), ([], "Missing"),
                                             (["secret"], "Unexpected status"), (["clear"], "At least one")])
def test_bad_inputs_encryption_status(mlp, inputset, status, message):
    with pytest.raises(ValueError, match=message):
        cml.compile_onnx_model(mlp, inputset, inputs_encryption_status=status)


def test_tool_errors_carry_the_tools_message(mlp):
    wrong = np.zeros((10, 7), dtype=np.float32)  # the model takes 4 features
    with pytest.raises(cml.ToolError, match="cml-dev compile failed") as raised:
        cml.compile_onnx_model(mlp, wrong)
    assert raised.value.returncode != 0 and raised.value.stderr


def test_forward_refuses_a_bad_mode_and_integer_inputs(compiled, inputset):
    with pytest.raises(ValueError, match="disable, simulate, execute"):
        compiled.forward(inputset[:1], fhe="encrypted")
    with pytest.raises(TypeError, match="Do not quantize the inputs manually"):
        compiled.forward(np.zeros((1, 4), dtype=np.int64))


def test_deployment_argument_errors(compiled, tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="Mode must be either 'inference' or 'training'"):
        cml.FHEModelDev(tmp_path / "m", compiled).save(mode="serving")
    with pytest.raises(FileNotFoundError, match="not a bundle"):
        cml.FHEModelClient(tmp_path)
    cml.FHEModelDev(tmp_path / "m", compiled).save()
    monkeypatch.delenv("CML_PASSPHRASE", raising=False)
    with pytest.raises(ValueError, match="CML_PASSPHRASE"):
        cml.FHEModelClient(tmp_path / "m", key_dir=tmp_path / "keys")


def test_torch_is_only_needed_for_torch_models(mlp, inputset):
    try:
        import torch  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install"):
            cml.compile_torch_model(object(), inputset)
        assert cml.has_any_qnn_layers is not None
    else:
        with pytest.raises(TypeError, match="torch.nn.Module"):
            cml.compile_torch_model(object(), inputset)
