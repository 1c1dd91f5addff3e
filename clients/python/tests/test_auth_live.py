"""Credentials against the live server's authentication and roles: an API key (x-api-key) and HS256 JWT bearer
tokens (authorization: Bearer) minted here with the key tests/clients/run.sh configured on the server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time

import grpc
import pytest

from migration_client import MigrationClient


def _env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        pytest.skip(f"{name} is not set: the server was not started with test credentials (tests/clients/run.sh does)")
    return value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint_jwt(role: str, *, expires_in: int = 300, key: str | None = None) -> str:
    secret = base64.b64decode(key or _env("MIGRATION_TEST_JWT_KEY"))
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {
        "sub": f"pytest-{role}",
        "role": role,
        "iss": _env("MIGRATION_TEST_JWT_ISSUER"),
        "aud": _env("MIGRATION_TEST_JWT_AUDIENCE"),
        "iat": now,
        "nbf": now - 5,
        "exp": now + expires_in,
    }
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _code(call) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as error:
        call()
    return error.value.code()


def test_viewer_api_key_may_look_but_not_create(server_url, databases):
    with MigrationClient(server_url, api_key=_env("MIGRATION_TEST_VIEWER_KEY")) as viewer:
        viewer.list()
        assert _code(lambda: viewer.create(databases.source, databases.target)) == grpc.StatusCode.PERMISSION_DENIED


def test_unknown_api_key_is_unauthenticated(server_url):
    _env("MIGRATION_TEST_VIEWER_KEY")
    with MigrationClient(server_url, api_key="mig_not-a-key") as stranger:
        assert _code(stranger.list) == grpc.StatusCode.UNAUTHENTICATED


def test_operator_bearer_token_may_create_and_cancel_but_not_approve(server_url, databases):
    with MigrationClient(server_url, token=mint_jwt("operator")) as operator:
        migration_id = operator.create(databases.source, databases.target, include_schemas=["public"]).migration.id
        assert _code(lambda: operator.approve(migration_id)) == grpc.StatusCode.PERMISSION_DENIED
        operator.cancel(migration_id, "auth test")


def test_expired_or_forged_tokens_are_unauthenticated(server_url):
    expired = mint_jwt("admin", expires_in=-600)
    forged = mint_jwt("admin", key=base64.b64encode(os.urandom(32)).decode())
    for token in (expired, forged):
        with MigrationClient(server_url, token=token) as client:
            assert _code(client.list) == grpc.StatusCode.UNAUTHENTICATED
