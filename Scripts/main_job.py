#!/usr/bin/env python3
"""The main job's three parties, through the Python package (run by Scripts/main-job.sh):

  model owner  compiles the shipped digits MLP (Scripts/main-job/, trained by train-main-job-model.py)
               and checks float vs clear-circuit accuracy on 300 held-out rows;
  data owner   generates keys and asks for predictions on 6 held-out rows, encrypted;
  operator     serves the bundle on 127.0.0.1; a counting proxy in front of it records what it received.

Prints each step's time, float / clear / encrypted accuracy, one verdict line, and the bytes the server
received. Exit status 1 if the encrypted predictions differ from the clear circuit's.
"""
from __future__ import annotations

import argparse
import http.client
import http.server
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import numpy as np

import cml

DATA = Path(__file__).resolve().parent / "main-job"
N_BITS, ROUNDING_BITS = 4, 5


class CountingProxy:
    """A loopback HTTP proxy in front of cml-server: per request, route, status, bytes in and out, seconds."""

    def __init__(self, upstream: str):
        self.requests = []
        target = urllib.parse.urlparse(upstream)
        log = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                start = time.monotonic()
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=3600)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                connection.request(self.command, self.path, body=body or None, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                log.append({"route": self.path, "status": response.status, "received": len(body),
                            "sent": len(answer), "seconds": time.monotonic() - start})
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length", "date", "server"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                connection.close()

            do_GET = do_POST = forward

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


class Steps:
    """Prints each step as it starts and its time when it ends."""

    def __init__(self):
        self.times = {}

    def run(self, title, action):
        print(f"== {title}", flush=True)
        start = time.monotonic()
        result = action()
        self.times[title] = time.monotonic() - start
        print(f"   {self.times[title]:.2f} s", flush=True)
        return result


def accuracy(logits, labels):
    return float(np.mean(np.asarray(logits).argmax(1) == labels))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encrypted-rows", type=int, default=6,
                        help="held-out rows sent encrypted, evenly spread (default 6)")
    args = parser.parse_args()

    model = DATA / "digits_mlp.onnx"
    calibration = np.load(DATA / "calibration.npy").astype(np.float32)
    x = np.load(DATA / "heldout_x.npy").astype(np.float32)
    labels = np.load(DATA / "heldout_y.npy")
    rows = args.encrypted_rows
    if not 1 <= rows <= len(x):
        parser.error(f"--encrypted-rows must be 1..{len(x)}")
    picked = np.arange(rows) * (len(x) // rows)  # spread over the held-out rows: 0, 50, 100, ... for 6
    steps = Steps()
    print(f"model {model.relative_to(DATA.parent.parent)}: 8x8 handwritten digits (64 pixel counts 0..16) -> 10 "
          f"classes; {len(calibration)} training rows calibrate, {len(x)} held-out rows test")

    q = steps.run(f"model owner: compile ({N_BITS}-bit PTQ, exact rounding to {ROUNDING_BITS} bits, p_error 2^-40)",
                  lambda: cml.compile_onnx_model(str(model), calibration, n_bits=N_BITS,
                                                 rounding_threshold_bits=ROUNDING_BITS))
    stats = q.statistics
    print(f"   {stats['tlu_count']} TLUs per sample, widest TLU input {stats['max_tlu_input_bits']} bits; evaluation "
          f"keys {stats['evaluation_key_bytes_seeded'] / 1e6:.1f} MB seeded; estimated "
          f"{stats['estimated_latency_one_core_s']:.2f} s per sample on one core")
    floats = steps.run(f"model owner: float model on the {len(x)} held-out rows (cml-dev eval)",
                       lambda: cml.evaluate_onnx_float(str(model), x))
    clear = steps.run(f"model owner: clear circuit on the {len(x)} held-out rows (forward, fhe=\"disable\")",
                      lambda: q.forward(x, fhe="disable"))

    with tempfile.TemporaryDirectory(prefix="cml-main-job-") as work:
        bundle = Path(work) / "bundle"
        cml.FHEModelDev(bundle, q).save()
        client = cml.FHEModelClient(bundle)
        steps.run("data owner: keygen (the secret key stays here)", client.generate_private_and_evaluation_keys)
        server = steps.run("operator: cml-server serve on 127.0.0.1 (until /health answers)",
                           lambda: cml.FHEModelServer(bundle).serve(port=0))
        proxy = CountingProxy(server.url)
        try:
            encrypted = steps.run(f"data owner: predict {rows} held-out rows (quantize, encrypt, upload keys once, "
                                  "evaluate on the server, decrypt)", lambda: client.predict(proxy.url, x[picked]))
        finally:
            proxy.stop()
            server.stop()

    print("\n   row  digit  float  clear  encrypted")
    for i, row in enumerate(picked):
        print(f"   {row:3d}  {labels[row]:5d}  {floats[row].argmax():5d}  {clear[row].argmax():5d}  "
              f"{encrypted[i].argmax():9d}")
    print(f"\naccuracy on the {len(x)} held-out rows: float {accuracy(floats, labels):.1%}, clear circuit "
          f"{accuracy(clear, labels):.1%} (quantization changes the class of "
          f"{int(np.sum(floats.argmax(1) != clear.argmax(1)))} of {len(x)} rows)")
    print(f"accuracy on the {rows} encrypted rows:   float {accuracy(floats[picked], labels[picked]):.1%}, clear "
          f"{accuracy(clear[picked], labels[picked]):.1%}, encrypted {accuracy(encrypted, labels[picked]):.1%}")

    keys = [r for r in proxy.requests if r["route"] == "/v1/keys"]
    evaluations = [r for r in proxy.requests if r["route"] == "/v1/evaluate" and r["status"] == 200]
    refused = [r for r in proxy.requests if r["route"] == "/v1/evaluate" and r["status"] != 200]
    print("\nthe server received:")
    for r in keys:
        print(f"   evaluation keys, once: {r['received']:,} bytes (POST /v1/keys, {r['seconds']:.2f} s)")
    for r in evaluations:
        print(f"   ciphertexts: {r['received']:,} bytes for {rows} samples = {r['received'] / rows:,.0f} bytes per "
              f"sample; it answered {r['sent'] / rows:,.0f} bytes per sample (POST /v1/evaluate, "
              f"{r['seconds']:.2f} s = {r['seconds'] / rows:.2f} s per sample)")
    for r in refused:
        print(f"   before the keys, one evaluate request of {r['received']:,} bytes, answered {r['status']} "
              "(the client uploads keys only when the server lacks them)")

    predict_title = next(title for title in steps.times if title.startswith("data owner: predict"))
    on_server = sum(r["seconds"] for r in proxy.requests)
    print(f"   of the {steps.times[predict_title]:.2f} s of predict, {on_server:.2f} s were requests to the server; "
          f"the rest ({steps.times[predict_title] - on_server:.2f} s) the client: load keys, encrypt, decrypt")

    same_outputs = int(np.sum(np.all(encrypted == clear[picked], axis=1)))
    same_classes = int(np.sum(encrypted.argmax(1) == clear[picked].argmax(1)))
    print(f"\nverdict: encrypted == clear on {same_outputs}/{rows} (outputs bit for bit; classes "
          f"{same_classes}/{rows})")
    return 0 if same_outputs == rows else 1


if __name__ == "__main__":
    raise SystemExit(main())
