"""FHEModelDev, FHEModelClient, FHEModelServer: Concrete ML's deployment classes over a cml bundle.

The bundle directory holds client/ (for the data owner), server/ (for the operator) and a manifest.
Keys, encryption and evaluation are `cml-client` and `cml-server`; nothing here touches key material."""
from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Optional, Union

import numpy as np

from ._arrays import as_tuple, read_outputs, write_inputs
from ._tools import ToolError, find_tool, run_tool
from .module import QuantizedModule, copy_bundle

EVALUATION_KEYS_FILE = "evaluation-keys.cml"
SECRET_KEYS_FILE = "secret-keys.cml"


def _half(path_dir: Union[str, Path], half: str) -> Path:
    """`path_dir/half` for a saved bundle, or `path_dir` itself when it is that half already."""
    path = Path(path_dir)
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is not a directory (expected a bundle saved by FHEModelDev.save, or its "
                                f"{half}/ folder)")
    if (path / half / "spec").is_file():
        return path / half
    if (path / "spec").is_file():
        return path
    raise FileNotFoundError(f"{path} holds no {half}/spec: not a bundle saved by FHEModelDev.save")


class FHEModelDev:
    """The model owner's side: writes a compiled model's bundle for deployment."""

    def __init__(self, path_dir: Union[str, Path], model: QuantizedModule):
        self.path_dir = Path(path_dir)
        self.model = model

    def save(self, mode: str = "inference", via_mlir: bool = True) -> Path:
        """Writes client/, server/ and the manifest into path_dir, which must be new or empty."""
        if str(mode).lower() not in ("inference", "training"):
            raise ValueError("Mode must be either 'inference' or 'training'")
        if str(mode).lower() == "training":
            raise NotImplementedError("cml has no encrypted training: save(mode='inference')")
        if not isinstance(self.model, QuantizedModule):
            raise TypeError(f"model must be what compile_torch_model / compile_onnx_model returned, got {type(self.model)}")
        return copy_bundle(self.model.bundle, self.path_dir)


class FHEModelClient:
    """The data owner's side: keys, quantize + encrypt, decrypt + de-quantize, and the round trip to a server.

    key_dir None keeps the keys in a temporary folder that lives as long as this object, sealed under a
    random passphrase held only in memory (as Concrete ML keeps them in memory). With a key_dir, the secret
    key is sealed under `passphrase`, else $CML_PASSPHRASE; either must be set."""

    def __init__(self, path_dir: Union[str, Path], key_dir: Union[str, Path, None] = None,
                 passphrase: Optional[str] = None):
        self.path_dir = Path(path_dir)
        self.client_dir = _half(path_dir, "client")
        if key_dir is None:
            self._owner = tempfile.TemporaryDirectory(prefix="cml-keys-")
            self.key_dir = Path(self._owner.name) / "keys"
            self._passphrase = passphrase or secrets.token_urlsafe(32)
        else:
            self._owner = None
            self.key_dir = Path(key_dir)
            self._passphrase = passphrase if passphrase is not None else os.environ.get("CML_PASSPHRASE")
            if not self._passphrase:
                raise ValueError("FHEModelClient with a key_dir seals the secret key under a passphrase: pass "
                                 "passphrase=... or set CML_PASSPHRASE (an empty one is refused)")

    def _env(self):
        return {"CML_PASSPHRASE": self._passphrase}

    @property
    def has_keys(self) -> bool:
        return (self.key_dir / SECRET_KEYS_FILE).is_file() and (self.key_dir / EVALUATION_KEYS_FILE).is_file()

    def generate_private_and_evaluation_keys(self, force: bool = False) -> None:
        """`cml-client keygen`: keeps existing keys unless force (then the old secret key is deleted)."""
        if self.has_keys and not force:
            return
        staging = Path(tempfile.mkdtemp(prefix=".keys-", dir=self.key_dir.parent if self.key_dir.parent.exists() else None))
        try:
            fresh = staging / "keys"
            run_tool("cml-client", ["keygen", "--bundle", self.client_dir, "--out", fresh], env=self._env())
            if self.key_dir.exists():
                shutil.rmtree(self.key_dir)
            self.key_dir.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(fresh), str(self.key_dir))
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def get_serialized_evaluation_keys(self) -> bytes:
        """The framed evaluation keys (seeded), generating keys first if there are none; for the server."""
        self.generate_private_and_evaluation_keys()
        return (self.key_dir / EVALUATION_KEYS_FILE).read_bytes()

    def quantize_encrypt_serialize(self, *x) -> bytes:
        """Float inputs (batch on axis 0) -> one framed ciphertext batch (`cml-client encrypt`)."""
        self.generate_private_and_evaluation_keys()
        with tempfile.TemporaryDirectory(prefix="cml-encrypt-") as work:
            path = write_inputs(as_tuple(list(x)), [f"input_{i}" for i in range(len(x))], Path(work) / "x")
            out = Path(work) / "q.cml"
            run_tool("cml-client", ["encrypt", "--keys", self.key_dir, "--input", path, "-o", out], env=self._env())
            return out.read_bytes()

    def deserialize_decrypt_dequantize(self, serialized_encrypted_output: bytes):
        """A framed result batch from the server -> float outputs (`cml-client decrypt`)."""
        with tempfile.TemporaryDirectory(prefix="cml-decrypt-") as work:
            source = Path(work) / "r.cml"
            source.write_bytes(serialized_encrypted_output)
            out = Path(work) / "y.npz"
            run_tool("cml-client", ["decrypt", "--keys", self.key_dir, "--input", source, "-o", out], env=self._env())
            outputs = read_outputs(out)
            return outputs[0] if isinstance(outputs, tuple) and len(outputs) == 1 else outputs

    def predict(self, url: str, *x, token: Optional[str] = None):
        """Encrypts x, has the server at `url` evaluate it (uploading the evaluation keys once), decrypts. `token`
        (else `$CML_TOKEN`) is the bearer token of a server that asks for one."""
        self.generate_private_and_evaluation_keys()
        with tempfile.TemporaryDirectory(prefix="cml-predict-") as work:
            path = write_inputs(as_tuple(list(x)), [f"input_{i}" for i in range(len(x))], Path(work) / "x")
            out = Path(work) / "y.npz"
            env = self._env()
            if token is not None:
                env = {**env, "CML_TOKEN": token}
            run_tool("cml-client", ["predict", "--server", url, "--keys", self.key_dir, "--input", path, "-o", out],
                     env=env)
            outputs = read_outputs(out)
            return outputs[0] if isinstance(outputs, tuple) and len(outputs) == 1 else outputs


class ServerProcess:
    """A running `cml-server serve`: its URL, and stop() (also on leaving a `with` block)."""

    def __init__(self, process: subprocess.Popen, url: str, log: Path, owner=None):
        self.process = process
        self.url = url
        self.log = log
        self._owner = owner

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self, timeout: float = 10) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class FHEModelServer:
    """The operator's side: serve the bundle over HTTP (`cml-server serve`), or evaluate one request offline
    (`cml-server run`, stateless like Concrete ML's FHEModelServer.run)."""

    def __init__(self, path_dir: Union[str, Path]):
        self.path_dir = Path(path_dir)
        self.server_dir = _half(path_dir, "server")

    def load(self) -> None:
        """Nothing to load ahead: cml-server checks the bundle's manifest and hashes when it starts."""

    def run(self, serialized_encrypted_input: bytes, serialized_evaluation_keys: bytes) -> bytes:
        """Evaluates one framed ciphertext batch under the given framed evaluation keys."""
        with tempfile.TemporaryDirectory(prefix="cml-run-") as work:
            keys, query, answer = Path(work) / "keys.cml", Path(work) / "q.cml", Path(work) / "r.cml"
            keys.write_bytes(serialized_evaluation_keys)
            query.write_bytes(serialized_encrypted_input)
            run_tool("cml-server", ["run", self.server_dir, "--eval-keys", keys, "--input", query, "-o", answer])
            return answer.read_bytes()

    def serve(self, port: int = 0, host: str = "127.0.0.1", key_store: Union[str, Path, None] = None,
              timeout: float = 60, extra_arguments=(), auth: bool = False) -> ServerProcess:
        """Starts `cml-server serve` (port 0: a free one) and returns once /health answers. Without `auth` the
        server runs with `--no-auth` (one machine, one user); with it, clients need a token from
        `cml-server token create --store KEY_STORE`."""
        owner = None
        if key_store is None:
            owner = tempfile.TemporaryDirectory(prefix="cml-key-store-")
            key_store = Path(owner.name) / "store"
        log_dir = Path(owner.name) if owner else Path(tempfile.mkdtemp(prefix="cml-server-log-"))
        log = log_dir / "server.log"
        command = [str(find_tool("cml-server")), "serve", str(self.server_dir), "--port", str(port), "--host", host,
                   "--key-store", str(key_store), *([] if auth else ["--no-auth"]), *map(str, extra_arguments)]
        with open(log, "wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        pattern = re.compile(r"serving .* on (http://\S+)")
        while time.monotonic() < deadline:
            if process.poll() is not None:
                text = log.read_text(errors="replace")
                raise ToolError(command, process.returncode, text)
            match = pattern.search(log.read_text(errors="replace"))
            if match:
                url = match.group(1)
                try:
                    with urllib.request.urlopen(url + "/health", timeout=2):
                        return ServerProcess(process, url, log, owner)
                except OSError:
                    pass
            time.sleep(0.1)
        process.kill()
        process.wait()
        raise TimeoutError(f"cml-server did not answer /health within {timeout} s; its log: {log}")
