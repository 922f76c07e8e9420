#!/usr/bin/env python3
"""Load test of a running cml-server, loopback only, bounded in count and time.

Writes its frames by hand from Protocol/README.md (magic, version, kind, length, payload,
BLAKE2b-256), so it doubles as a check that the format can be implemented outside Swift.

  python3 Scripts/load-test.py --port 8080 --keys KEYS/evaluation-keys.cml --batch Q.cml \
      --clients 8 --requests 50 --max-seconds 120 [--server-pid PID] [--token TOKEN]

Uploads the keys once, then runs CLIENTS threads that each send REQUESTS evaluate requests (or
stop at MAX_SECONDS). Prints request counts, errors, latency percentiles, throughput and, with
--server-pid, the server's resident memory (sampled every 0.2 s; first and second half of the run
compared, to show it stays bounded). Exit status 1 if any request failed.
"""
import argparse, hashlib, os, struct, sys, threading, time, urllib.error, urllib.request

MAGIC, VERSION = b"CMLW", 1
KIND_EVALUATION_KEYS, KIND_CIPHERTEXT_BATCH, KIND_EVALUATE_REQUEST = 4, 5, 6


def frame(kind, payload):
    header = MAGIC + struct.pack("<HHQ", VERSION, kind, len(payload))
    return header + payload + hashlib.blake2b(header + payload, digest_size=32).digest()


def unframe(data, kind):
    if data[:4] != MAGIC:
        raise ValueError("bad magic")
    version, found, length = struct.unpack("<HHQ", data[4:16])
    if version != VERSION or found != kind or len(data) != 16 + length + 32:
        raise ValueError(f"version {version}, kind {found}, length {length} vs {len(data)} bytes")
    if hashlib.blake2b(data[:16 + length], digest_size=32).digest() != data[16 + length:]:
        raise ValueError("bad checksum")
    return data[16:16 + length], data[16 + length:]


def varint(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def evaluate_request(key_id, batch_payload):
    # EvaluateRequest { string key_id = 1; CiphertextBatch inputs = 2; }
    key = key_id.encode()
    return frame(KIND_EVALUATE_REQUEST,
                 b"\x0a" + varint(len(key)) + key + b"\x12" + varint(len(batch_payload)) + batch_payload)


TOKEN = None  # --token or $CML_TOKEN; sent as "Authorization: Bearer" (not needed by a server run with --no-auth)


def post(url, body):
    headers = {"Content-Type": "application/vnd.cml.frame"}
    if TOKEN:
        headers["Authorization"] = "Bearer " + TOKEN
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def memory_kib(pid, field):
    """VmRSS (resident now) or VmHWM (the kernel's peak resident) of process `pid`, in KiB."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--keys", required=True, help="framed EvaluationKeys")
    parser.add_argument("--batch", required=True, help="framed CiphertextBatch from cml-client encrypt")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=20, help="per client")
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--token", default=os.environ.get("CML_TOKEN"),
                        help="API token (cml-server token create); default $CML_TOKEN; none for a --no-auth server")
    args = parser.parse_args()
    global TOKEN
    TOKEN = args.token
    if not (1 <= args.clients <= 64 and 1 <= args.requests <= 10000 and args.max_seconds <= 3600):
        sys.exit("refusing an unbounded run: clients 1-64, requests 1-10000, at most 3600 s")
    base = f"http://127.0.0.1:{args.port}"   # loopback only, by construction

    keys = open(args.keys, "rb").read()
    _, checksum = unframe(keys, KIND_EVALUATION_KEYS)
    status, body = post(base + "/v1/keys", keys)
    if status != 201:
        sys.exit(f"key upload failed: HTTP {status}")
    key_id = checksum.hex()
    batch_payload, _ = unframe(open(args.batch, "rb").read(), KIND_CIPHERTEXT_BATCH)
    request = evaluate_request(key_id, batch_payload)

    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + args.max_seconds
    rss_before = memory_kib(args.server_pid, "VmRSS") if args.server_pid else None
    rss_samples, done = [], threading.Event()

    def sample_memory():  # resident memory every 0.2 s: bounded means flat after warm-up
        while not done.wait(0.2):
            rss = memory_kib(args.server_pid, "VmRSS")
            if rss:
                rss_samples.append(rss)

    def client():
        for _ in range(args.requests):
            if time.monotonic() > deadline:
                return
            start = time.monotonic()
            status, body = post(base + "/v1/evaluate", request)
            elapsed = time.monotonic() - start
            ok = status == 200
            if ok:
                try:
                    unframe(body, KIND_CIPHERTEXT_BATCH)
                except ValueError as error:
                    ok, status = False, f"bad response frame: {error}"
            with lock:
                (latencies if ok else errors).append(elapsed if ok else status)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    sampler = threading.Thread(target=sample_memory) if args.server_pid else None
    for thread in threads + ([sampler] if sampler else []):
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    if sampler:
        sampler.join()
    wall = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    print(f"clients {args.clients}, requests {len(latencies) + len(errors)}, errors {len(errors)}, wall {wall:.1f} s")
    print(f"throughput {len(latencies) / wall:.2f} req/s; latency p50 {percentile(0.5) * 1000:.1f} ms, "
          f"p90 {percentile(0.9) * 1000:.1f} ms, p95 {percentile(0.95) * 1000:.1f} ms, max {percentile(1.0) * 1000:.1f} ms")
    if rss_samples:
        half = rss_samples[len(rss_samples) // 2:]
        print(f"server RSS: {rss_before / 1024:.1f} MiB after key upload, peak {max(rss_samples) / 1024:.1f} MiB during the run "
              f"(first half peak {max(rss_samples[:len(rss_samples) // 2] or half) / 1024:.1f}, second half {max(half) / 1024:.1f}), "
              f"process peak (VmHWM) {memory_kib(args.server_pid, 'VmHWM') / 1024:.1f} MiB")
    if errors:
        print("errors (first 5):", errors[:5])
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
