"""Fixtures for the tests against a live server.

MIGRATION_TEST_SERVER   the server's URL (tests/clients/run.sh starts one and sets it)
MIGRATION_TEST_POSTGRES an Npgsql admin connection string of the PostgreSQL the server can reach
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from postgres import Postgres  # noqa: E402

from migration_client import MigrationClient  # noqa: E402


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        pytest.exit(f"{name} is not set: run the client tests with tests/clients/run.sh", returncode=2)
    return value


@pytest.fixture(scope="session")
def server_url() -> str:
    return _required("MIGRATION_TEST_SERVER")


@pytest.fixture(scope="session")
def postgres() -> Postgres:
    return Postgres(_required("MIGRATION_TEST_POSTGRES"))


@pytest.fixture()
def client(server_url: str):
    with MigrationClient(server_url, timeout=120) as c:
        c.wait_until_ready(timeout=30)
        yield c


@pytest.fixture()
def databases(postgres: Postgres, request: pytest.FixtureRequest):
    """A fresh source (the small test schema, 3,400 rows) and an empty target, dropped afterwards."""
    pair = postgres.create_pair("py_" + request.node.name[:20])
    yield pair
    postgres.drop(pair.source_db, pair.target_db)
