#!/usr/bin/env python3
"""Trains the main job's model once and writes what Scripts/main-job.sh ships (Scripts/main-job/):

  digits_mlp.onnx   a 64 -> 32 -> 10 ReLU MLP (opset 14, dynamic batch) on 8x8 handwritten digits
  calibration.npy   300 training rows (the compile inputset), uint8 pixel counts 0..16
  heldout_x.npy     300 rows never used for training or calibration, uint8 pixel counts 0..16
  heldout_y.npy     their digits, uint8

Data: the UCI "Optical Recognition of Handwritten Digits" test set (E. Alpaydin, C. Kaynak, 1998;
CC BY 4.0) as shipped in scikit-learn (sklearn.datasets.load_digits). Deterministic: a fixed split
(numpy seed 0), torch seed 0, full-batch Adam for 300 epochs. The model takes the raw pixel counts:
the 1/16 input scaling it was trained with is folded into the first layer's weights.

Needs torch, scikit-learn and the Python package (pip install ./python torch scikit-learn):
  python Scripts/train-main-job-model.py
"""
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits

from cml.export import export_torch_model

OUT = Path(__file__).resolve().parent / "main-job"
HELD_OUT, CALIBRATION, HIDDEN, EPOCHS = 300, 300, 32, 300


def main() -> None:
    digits = load_digits()
    pixels, labels = digits.data.astype(np.uint8), digits.target.astype(np.uint8)
    order = np.random.default_rng(0).permutation(len(pixels))
    held_out, train = order[:HELD_OUT], order[HELD_OUT:]

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
    x = torch.from_numpy(pixels[train].astype(np.float32) / 16)
    y = torch.from_numpy(labels[train].astype(np.int64))
    for _ in range(EPOCHS):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        model[0].weight /= 16  # now on raw pixel counts 0..16
        raw = torch.from_numpy(pixels[held_out].astype(np.float32))
        accuracy = (model(raw).argmax(1).numpy() == labels[held_out]).mean()

    OUT.mkdir(exist_ok=True)
    calibration = pixels[train[:CALIBRATION]]
    export_torch_model(model, calibration.astype(np.float32), OUT / "digits_mlp.onnx", input_names=["pixels"],
                       output_names=["logits"])
    np.save(OUT / "calibration.npy", calibration)
    np.save(OUT / "heldout_x.npy", pixels[held_out])
    np.save(OUT / "heldout_y.npy", labels[held_out])
    print(f"trained on {len(train)} rows, final loss {loss.item():.4f}; float accuracy on the {HELD_OUT} held-out "
          f"rows {accuracy:.1%}; wrote {OUT}")


if __name__ == "__main__":
    main()
