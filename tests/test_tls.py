"""TLS to Neo4j: the local server with a certificate of a private CA, and the driver trusting it.

netintel's local server offers TLS on its Bolt port when ``NETINTEL_NEO4J_TLS_DIR`` names a
folder with ``private.key`` and ``public.crt``; a user's own server offers it however it is
configured. ``bolt+s://`` and ``neo4j+s://`` then verify the server's certificate against the
system's CAs, or against ``NEO4J_TRUSTED_CA`` (``trusted_ca`` in the config file).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from cryptography.hazmat.primitives import serialization

from netintel import config, server
from netintel.exceptions import ConfigError

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def tls_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[server.ServerInfo, Path]]:
    """A local server of its own, its certificate signed by a CA made for the test; the CA."""
    import trustme

    base = tmp_path_factory.mktemp("tls")
    ca = trustme.CA(key_type=trustme.KeyType.RSA)
    leaf = ca.issue_cert("127.0.0.1", "localhost", key_type=trustme.KeyType.RSA)
    tls = base / "tls"
    tls.mkdir()
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    (tls / "private.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tls / "public.crt").write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    ca.cert_pem.write_to_path(str(base / "ca.pem"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NETINTEL_NEO4J_TLS_DIR", str(tls))
        info = server.start(state_dir=base / "state", heap="512m", page_cache="64m")
    try:
        yield info, base / "ca.pem"
    finally:
        server.stop(state_dir=base / "state")


def _conn(info: server.ServerInfo, scheme: str, ca: Path | None) -> config.Connection:
    port = info.uri.rsplit(":", 1)[1]
    return config.Connection(
        uri=f"{scheme}://127.0.0.1:{port}", user=info.user, password=info.password,
        database=None, local=False, trusted_ca=ca,
    )  # fmt: skip


def _answer(conn: config.Connection) -> tuple[int, bool]:
    with config.driver(conn) as drv:
        records, _, _ = drv.execute_query("RETURN 1 AS one")
        return records[0]["one"], drv.encrypted


@pytest.mark.parametrize("scheme", ["bolt+s", "neo4j+s"])
def test_a_verified_tls_connection_with_the_trusted_ca(
    tls_server: tuple[server.ServerInfo, Path], scheme: str
) -> None:
    info, ca = tls_server
    assert _answer(_conn(info, scheme, ca)) == (1, True)


def test_the_certificate_is_checked(tls_server: tuple[server.ServerInfo, Path]) -> None:
    info, _ = tls_server
    # not signed by a CA the system trusts: refused
    with pytest.raises(neo4j.exceptions.ServiceUnavailable):
        _answer(_conn(info, "bolt+s", None))
    # +ssc accepts a self-signed (or any) certificate, still encrypted
    assert _answer(_conn(info, "bolt+ssc", None)) == (1, True)
    # the local server also still speaks plain Bolt, unencrypted
    assert _answer(_conn(info, "bolt", None)) == (1, False)


def test_the_trusted_ca_comes_from_the_environment(
    tls_server: tuple[server.ServerInfo, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    info, ca = tls_server
    uri = _conn(info, "bolt+s", None).uri
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_PASSWORD", info.password)
    monkeypatch.setenv("NEO4J_TRUSTED_CA", str(ca))
    monkeypatch.delenv("NETINTEL_CASE", raising=False)
    (tmp_path / "none.toml").write_text("", encoding="utf-8")  # no [neo4j] table of a user's
    conn = config.connection(config=tmp_path / "none.toml")
    assert conn.trusted_ca == ca
    assert _answer(conn) == (1, True)
    # a CA with a scheme that verifies nothing, or a CA file that is not there: one clear error
    monkeypatch.setenv("NEO4J_URI", uri.replace("bolt+s", "bolt"))
    with pytest.raises(ConfigError, match="bolt\\+s:// or neo4j\\+s://"):
        config.connection(config=tmp_path / "none.toml")
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_TRUSTED_CA", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigError, match="no such file"):
        config.connection(config=tmp_path / "none.toml")
