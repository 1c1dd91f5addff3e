"""Auth headers and TLS with a CA file, checked against a real gRPC server in this process (Python's grpc.server
serving the generated MigrationService base class) over loopback: plain HTTP/2 and TLS with a throwaway CA."""

from __future__ import annotations

import shutil
import subprocess
from concurrent import futures
from pathlib import Path

import grpc
import pytest

from migration.v1 import migration_pb2 as pb
from migration.v1 import migration_pb2_grpc
from migration_client import MigrationClient, parse_server


class _EchoHeaders(migration_pb2_grpc.MigrationServiceServicer):
    """Answers GetMigration with the request's auth headers in the description."""

    def GetMigration(self, request, context):  # noqa: N802 (generated name)
        headers = dict(context.invocation_metadata())
        description = f"authorization={headers.get('authorization', '')};x-api-key={headers.get('x-api-key', '')}"
        return pb.GetMigrationResponse(migration=pb.Migration(id=request.migration_id, description=description))


def _serve(credentials=None):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    migration_pb2_grpc.add_MigrationServiceServicer_to_server(_EchoHeaders(), server)
    if credentials is None:
        port = server.add_insecure_port("127.0.0.1:0")
    else:
        port = server.add_secure_port("127.0.0.1:0", credentials)
    server.start()
    return server, port


def test_parse_server_accepts_http_https_and_bare_addresses():
    assert parse_server("http://127.0.0.1:5080") == ("127.0.0.1:5080", False)
    assert parse_server("https://migrations.example:8443") == ("migrations.example:8443", True)
    assert parse_server("https://migrations.example") == ("migrations.example:443", True)
    assert parse_server("localhost:5080") == ("localhost:5080", False)
    with pytest.raises(ValueError):
        parse_server("ftp://host:1")


def test_token_and_api_key_are_sent_as_headers():
    server, port = _serve()
    try:
        with MigrationClient(f"http://127.0.0.1:{port}", token="tok-123", api_key="key-456") as client:
            migration = client.get("m1")
        assert migration.description == "authorization=Bearer tok-123;x-api-key=key-456"
        with MigrationClient(f"http://127.0.0.1:{port}") as client:
            assert client.get("m2").description == "authorization=;x-api-key="
    finally:
        server.stop(None)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> Path:
    """A CA and a server certificate for localhost signed by it (openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    d = tmp_path_factory.mktemp("tls")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=d, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
        "-keyout", "ca.key", "-out", "ca.pem")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr")
    (d / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-extfile", "ext.cnf", "-out", "server.pem")
    return d


def test_tls_with_a_ca_file_connects_and_sends_the_token(certificates):
    credentials = grpc.ssl_server_credentials(
        [((certificates / "server.key").read_bytes(), (certificates / "server.pem").read_bytes())]
    )
    server, port = _serve(credentials)
    try:
        with MigrationClient(
            f"https://localhost:{port}", ca_file=str(certificates / "ca.pem"), token="tls-token"
        ) as client:
            assert client.get("m3").description == "authorization=Bearer tls-token;x-api-key="
        # Without the CA the server's certificate is not trusted.
        with MigrationClient(f"https://localhost:{port}", timeout=5) as client:
            with pytest.raises(grpc.RpcError) as error:
                client.get("m4")
            assert error.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        server.stop(None)


class _FlakyWatch(migration_pb2_grpc.MigrationServiceServicer):
    """WatchMigration that drops the first stream after three events (UNAVAILABLE, as a restarting server does) and
    serves the rest from the cursor the client re-attaches with."""

    def __init__(self) -> None:
        self.cursors: dict[str, list[int]] = {}

    def WatchMigration(self, request, context):  # noqa: N802 (generated name)
        cursors = self.cursors.setdefault(request.migration_id, [])
        cursors.append(request.after_sequence)
        first = len(cursors) == 1
        for sequence in range(request.after_sequence + 1, (3 if first else 6) + 1):
            yield pb.MigrationEvent(migration_id=request.migration_id, sequence=sequence)
        if first:
            context.abort(grpc.StatusCode.UNAVAILABLE, "server restarting")


def test_watch_reattaches_from_its_cursor_after_a_dropped_stream():
    servicer = _FlakyWatch()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    migration_pb2_grpc.add_MigrationServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with MigrationClient(f"http://127.0.0.1:{port}") as client:
            sequences = [event.sequence for event in client.watch("m1", after_sequence=1)]
        assert sequences == [2, 3, 4, 5, 6]
        assert servicer.cursors["m1"] == [1, 3]
        with MigrationClient(f"http://127.0.0.1:{port}") as client:
            with pytest.raises(grpc.RpcError) as error:
                list(client.watch("m2", reconnect=False))
            assert error.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        server.stop(None)
