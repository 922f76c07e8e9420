#!/usr/bin/env bash
# The main job, end to end on a fresh Debian machine with Swift 6.3:
#   install system packages → build → compile the shipped sample model (model owner) →
#   keygen (data owner) → serve on localhost (operator) → encrypted prediction → decrypt →
#   print the prediction beside the clear (unencrypted) one.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/install-system-packages.sh

echo "== build (release)"
swift build -c release --product cml-dev
swift build -c release --product cml-client
swift build -c release --product cml-server
BIN=.build/release
WORK=$(mktemp -d)
trap 'kill $SERVER_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

MODEL=Tests/FHECompilerTests/Fixtures/torch/mlp.onnx
INPUTSET=Tests/FHECompilerTests/Fixtures/torch/mlp_input.npy
echo "== model owner: cml-dev compile $MODEL (3-bit PTQ, exact rounding to 3 bits, p_error 2^-40)"
$BIN/cml-dev compile "$MODEL" --inputset "$INPUTSET" --n-bits 3 --rounding-threshold-bits 3 -o "$WORK/bundle"

echo "== data owner: cml-client keygen"
export CML_PASSPHRASE="main-job demo passphrase"
$BIN/cml-client keygen --bundle "$WORK/bundle/client" -o "$WORK/keys"

echo "== operator: cml-server serve (127.0.0.1)"
PORT=$((20000 + RANDOM % 20000))
$BIN/cml-server serve "$WORK/bundle/server" --port $PORT --key-store "$WORK/store" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
    sleep 0.2
done

echo "== data owner: cml-client predict (quantize, encrypt, upload keys once, evaluate, decrypt)"
$BIN/cml-client predict --server "http://127.0.0.1:$PORT" --keys "$WORK/keys" --input "$INPUTSET" -o "$WORK/prediction.npy"

echo "== the same inputs in the clear (cml-dev run --fhe disable), for comparison"
$BIN/cml-dev run "$WORK/bundle" --input "$INPUTSET" --fhe disable -o "$WORK/clear.npy"
