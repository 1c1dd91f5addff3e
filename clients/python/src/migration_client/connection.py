"""Channel construction: plain HTTP/2 or TLS (with a CA file), and the auth headers every call carries."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional, Sequence, Tuple
from urllib.parse import urlparse

import grpc

DEFAULT_SERVER = "http://127.0.0.1:5080"

Metadata = Sequence[Tuple[str, str]]


@dataclass(frozen=True)
class ConnectionOptions:
    """Where the server is and how to authenticate.

    server: ``http://host:port`` (plain HTTP/2) or ``https://host:port`` (TLS). Default: ``$MIGRATION_SERVER``,
        else ``http://127.0.0.1:5080``.
    ca_file: PEM file with the CA that signed the server's certificate (TLS only; default: the system's roots).
    token: bearer token (JWT), sent as ``authorization: Bearer <token>``. Default: ``$MIGRATION_TOKEN``.
    api_key: API key, sent as ``x-api-key: <key>``. Default: ``$MIGRATION_API_KEY``.
    server_name: TLS host name to check the certificate against when it differs from the URL's host.
    """

    server: str = ""
    ca_file: Optional[str] = None
    token: Optional[str] = None
    api_key: Optional[str] = None
    server_name: Optional[str] = None

    @staticmethod
    def from_env(**overrides: Any) -> "ConnectionOptions":
        values = {
            "server": os.environ.get("MIGRATION_SERVER", ""),
            "ca_file": os.environ.get("MIGRATION_CA_CERT") or None,
            "token": os.environ.get("MIGRATION_TOKEN") or None,
            "api_key": os.environ.get("MIGRATION_API_KEY") or None,
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return ConnectionOptions(**values)

    def metadata(self) -> Metadata:
        headers = []
        if self.token:
            headers.append(("authorization", f"Bearer {self.token}"))
        if self.api_key:
            headers.append(("x-api-key", self.api_key))
        return headers


def parse_server(server: str) -> Tuple[str, bool]:
    """``http://host:port`` -> (``host:port``, False); ``https://...`` -> (..., True); a bare ``host:port`` is plain."""
    url = server or DEFAULT_SERVER
    if "://" not in url:
        return url, False
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise ValueError(f"server must be http://host:port or https://host:port, not {server!r}")
    if not parsed.hostname:
        raise ValueError(f"server has no host: {server!r}")
    tls = parsed.scheme == "https"
    port = parsed.port or (443 if tls else 80)
    host = f"[{parsed.hostname}]" if ":" in parsed.hostname else parsed.hostname
    return f"{host}:{port}", tls


def open_channel(options: ConnectionOptions) -> grpc.Channel:
    """A channel to the server that adds the auth headers of ``options`` to every call."""
    address, tls = parse_server(options.server)
    channel_options = [("grpc.keepalive_time_ms", 30_000), ("grpc.max_receive_message_length", 64 * 1024 * 1024)]
    if tls:
        root = None
        if options.ca_file:
            with open(options.ca_file, "rb") as handle:
                root = handle.read()
        if options.server_name:
            channel_options.append(("grpc.ssl_target_name_override", options.server_name))
        channel = grpc.secure_channel(address, grpc.ssl_channel_credentials(root_certificates=root), channel_options)
    else:
        channel = grpc.insecure_channel(address, channel_options)
    headers = list(options.metadata())
    if headers:
        channel = grpc.intercept_channel(channel, _HeaderInterceptor(headers))
    return channel


class _ClientCallDetails(grpc.ClientCallDetails):  # type: ignore[misc]
    def __init__(self, details: grpc.ClientCallDetails, metadata: Metadata) -> None:
        self.method = details.method
        self.timeout = details.timeout
        self.metadata = metadata
        self.credentials = details.credentials
        self.wait_for_ready = getattr(details, "wait_for_ready", None)
        self.compression = getattr(details, "compression", None)


class _HeaderInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """Adds fixed headers (authorization, x-api-key) to every call; works on plain and TLS channels alike."""

    def __init__(self, headers: Metadata) -> None:
        self._headers = list(headers)

    def _details(self, details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        return _ClientCallDetails(details, list(details.metadata or []) + self._headers)

    def intercept_unary_unary(self, continuation: Callable, details: grpc.ClientCallDetails, request: Any) -> Any:
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation: Callable, details: grpc.ClientCallDetails, request: Any) -> Any:
        return continuation(self._details(details), request)

    def intercept_stream_unary(
        self, continuation: Callable, details: grpc.ClientCallDetails, requests: Iterator[Any]
    ) -> Any:
        return continuation(self._details(details), requests)

    def intercept_stream_stream(
        self, continuation: Callable, details: grpc.ClientCallDetails, requests: Iterator[Any]
    ) -> Any:
        return continuation(self._details(details), requests)
