"""FHEModelDev / FHEModelClient / FHEModelServer against the real tools, with a real cml-server on loopback."""
import numpy as np
import pytest

import cml


@pytest.fixture(scope="module")
def deployed(compiled, tmp_path_factory):
    path = tmp_path_factory.mktemp("deploy") / "model"
    cml.FHEModelDev(path, compiled).save()
    return path


@pytest.fixture(scope="module")
def client(deployed):
    client = cml.FHEModelClient(deployed)
    client.generate_private_and_evaluation_keys()
    return client


def test_client_server_round_trip_over_http(deployed, client, compiled, inputset):
    x = inputset[:3]
    with cml.FHEModelServer(deployed).serve(port=0) as server:
        assert server.url.startswith("http://127.0.0.1:") and server.port > 0
        y = client.predict(server.url, x)
    np.testing.assert_array_equal(y, compiled.forward(x, fhe="disable"))
    assert server.process.poll() is not None  # stopped on leaving the block


def test_serialized_round_trip_through_server_run(deployed, client, compiled, inputset):
    x = inputset[3:5]
    keys = client.get_serialized_evaluation_keys()
    query = client.quantize_encrypt_serialize(x)
    assert keys[:4] == b"CMLW" and query[:4] == b"CMLW"  # framed wire messages (Protocol/README.md)
    assert len(query) < len(keys) // 1000
    answer = cml.FHEModelServer(deployed).run(query, keys)
    np.testing.assert_array_equal(client.deserialize_decrypt_dequantize(answer), compiled.forward(x, fhe="disable"))


def test_keys_are_kept_unless_forced(deployed, tmp_path):
    client = cml.FHEModelClient(deployed, key_dir=tmp_path / "keys", passphrase="test passphrase")
    client.generate_private_and_evaluation_keys()
    first = client.get_serialized_evaluation_keys()
    client.generate_private_and_evaluation_keys()
    assert client.get_serialized_evaluation_keys() == first
    client.generate_private_and_evaluation_keys(force=True)
    assert client.get_serialized_evaluation_keys() != first
    assert (tmp_path / "keys" / "secret-keys.cml").stat().st_mode & 0o077 == 0  # not readable by others


def test_the_secret_key_stays_with_the_client(deployed):
    assert not any(p.name.startswith("secret") for p in (deployed / "server").rglob("*"))


def test_server_and_network_failures_are_tool_errors(deployed, client, inputset):
    server = cml.FHEModelServer(deployed)
    with server.serve(port=0) as running:
        with pytest.raises(cml.ToolError, match="Address already in use"):  # cml-server exits; its log says why
            server.serve(port=running.port, timeout=20)
        url = running.url
    with pytest.raises(cml.ToolError, match=r"(?s)cml-client predict failed: .*connect"):
        client.predict(url, inputset[:1])  # nobody listens there any more


def test_server_with_tokens_refuses_a_client_without_one(deployed, client, compiled, inputset, tmp_path):
    store = tmp_path / "store"
    token = cml._tools.run_tool("cml-server", ["token", "create", "--store", str(store), "--name", "pytest"]).strip()
    x = inputset[:1]
    with cml.FHEModelServer(deployed).serve(port=0, key_store=store, auth=True) as server:
        with pytest.raises(cml.ToolError) as refused:
            client.predict(server.url, x)
        assert "token" in str(refused.value).lower()
        y = client.predict(server.url, x, token=token)
    np.testing.assert_array_equal(y, compiled.forward(x, fhe="disable"))
