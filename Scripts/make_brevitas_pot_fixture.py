#!/usr/bin/env python3
"""Generate the power-of-two Brevitas fixture of Tests/FHECompilerTests/Fixtures/brevitas (run once; CI needs no Python).

  /work/venv-fixtures/bin/python Scripts/make_brevitas_pot_fixture.py

A Brevitas MLP 64 -> 24 -> 10 on sklearn digits whose weight and activation quantizers are
fixed-point (power-of-two scales), so each hidden layer's rescale s_in * s_w / s_out is a power of
two: the case Concrete ML's PowerOfTwoScalingRoundPBSAdapter turns into an exact rounding.
Writes `pot_mlp.onnx`, `pot_mlp_input.npy` (float32 rows) and `pot_mlp_output.npy` (the Brevitas
model's own output on them).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "Tests" / "FHECompilerTests" / "Fixtures" / "brevitas"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    import brevitas.nn as qnn
    import torch
    import torch.nn as nn
    from brevitas.quant import Int8ActPerTensorFixedPoint, Int8WeightPerTensorFixedPoint, Uint8ActPerTensorFixedPoint
    from sklearn.datasets import load_digits

    from cml_export import export_brevitas_qat_model

    torch.manual_seed(0)
    digits = load_digits()
    x = (digits.data / 16.0 * 2 - 1).astype(np.float32)
    y = digits.target.astype(np.int64)
    bits = 4
    model = nn.Sequential(
        qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint, bit_width=bits, return_quant_tensor=True),
        qnn.QuantLinear(64, 24, bias=True, weight_quant=Int8WeightPerTensorFixedPoint, weight_bit_width=bits),
        qnn.QuantReLU(act_quant=Uint8ActPerTensorFixedPoint, bit_width=bits, return_quant_tensor=True),
        qnn.QuantLinear(24, 24, bias=True, weight_quant=Int8WeightPerTensorFixedPoint, weight_bit_width=bits),
        qnn.QuantReLU(act_quant=Uint8ActPerTensorFixedPoint, bit_width=bits, return_quant_tensor=True),
        qnn.QuantLinear(24, 10, bias=True, weight_quant=Int8WeightPerTensorFixedPoint, weight_bit_width=bits),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    model.train()
    for _ in range(60):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        optimizer.step()
    model.eval()
    sample = x[:200]
    TARGET.mkdir(parents=True, exist_ok=True)
    path = TARGET / "pot_mlp.onnx"
    export_brevitas_qat_model(model, sample, path)
    with torch.no_grad():
        reference = model(torch.from_numpy(sample))
        reference = reference.value if hasattr(reference, "value") else reference
        accuracy = (reference.argmax(1).numpy() == y[:200]).mean()
    np.save(TARGET / "pot_mlp_input.npy", sample)
    np.save(TARGET / "pot_mlp_output.npy", reference.numpy().astype(np.float32))
    print(f"brevitas/pot_mlp: {path.stat().st_size} bytes, accuracy on the 200 rows {accuracy:.3f}")


if __name__ == "__main__":
    main()
