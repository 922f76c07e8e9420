"""compile_brevitas_qat_model and has_any_qnn_layers on a real Brevitas module (skipped without brevitas)."""
import numpy as np
import pytest

import cml


def make_qat_mlp():
    torch = pytest.importorskip("torch")
    qnn = pytest.importorskip("brevitas.nn")
    pytest.importorskip("onnxoptimizer")

    class QATMLP(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.quant = qnn.QuantIdentity(bit_width=3, return_quant_tensor=True)
            self.fc1 = qnn.QuantLinear(4, 8, bias=True, weight_bit_width=3)
            self.relu = qnn.QuantReLU(bit_width=3, return_quant_tensor=True)
            self.fc2 = qnn.QuantLinear(8, 2, bias=True, weight_bit_width=3)

        def forward(self, x):
            return self.fc2(self.relu(self.fc1(self.quant(x))))

    torch.manual_seed(0)
    return torch, QATMLP().eval()


@pytest.mark.torch
def test_brevitas_model_compiles_to_what_brevitas_computes():
    torch, model = make_qat_mlp()
    assert cml.has_any_qnn_layers(model) and not cml.has_any_qnn_layers(torch.nn.Linear(2, 2))
    x = torch.randn(100, 4)
    with pytest.raises(ValueError, match="compile_brevitas_qat_model"):
        cml.compile_torch_model(model, x)
    q = cml.compile_brevitas_qat_model(model, x)
    clear = q.forward(x[:20].numpy())
    # The QAT import follows the Quant nodes exactly: the circuit computes what Brevitas does, to float error.
    np.testing.assert_allclose(clear, model(x[:20]).detach().numpy(), atol=1e-5)
    np.testing.assert_array_equal(q.forward(x[:2].numpy(), fhe="execute"), clear[:2])
