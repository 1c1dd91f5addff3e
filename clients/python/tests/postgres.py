"""PostgreSQL helpers for the tests: databases made with psql from an Npgsql-style admin connection string."""

from __future__ import annotations

import glob
import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SOURCE_SQL = Path(__file__).resolve().parents[3] / "tests" / "clients" / "sql" / "small-source.sql"


@dataclass(frozen=True)
class DatabasePair:
    source_db: str
    target_db: str
    source: str  # Npgsql connection strings, as the server takes them
    target: str


class Postgres:
    def __init__(self, admin: str) -> None:
        parts = {}
        for item in admin.split(";"):
            if "=" in item:
                key, value = item.split("=", 1)
                parts[key.strip().lower()] = value.strip()
        self._admin = admin
        self._env = dict(os.environ)
        self._env.update(
            PGHOST=parts.get("host", "127.0.0.1"),
            PGPORT=parts.get("port", "5432"),
            PGUSER=parts.get("username", parts.get("user id", "postgres")),
            PGPASSWORD=parts.get("password", ""),
        )
        self._psql = shutil.which("psql") or (sorted(glob.glob("/usr/lib/postgresql/*/bin/psql")) or ["psql"])[-1]

    def connection_string(self, database: str) -> str:
        kept = [p for p in self._admin.split(";") if p and not p.strip().lower().startswith("database=")]
        return ";".join(kept + [f"Database={database}"])

    def psql(self, database: str, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [self._psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, *args],
            env=self._env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def scalar(self, database: str, sql: str) -> str:
        return self.psql(database, "-c", sql)

    def create_pair(self, prefix: str) -> DatabasePair:
        name = re.sub(r"[^a-z0-9_]", "_", prefix.lower()) + "_" + secrets.token_hex(3)
        source_db, target_db = f"{name}_src", f"{name}_tgt"
        self.psql("postgres", "-c", f"CREATE DATABASE {source_db}")
        self.psql("postgres", "-c", f"CREATE DATABASE {target_db}")
        self.psql(source_db, "-f", str(SOURCE_SQL))
        return DatabasePair(source_db, target_db, self.connection_string(source_db), self.connection_string(target_db))

    def drop(self, *databases: str) -> None:
        for database in databases:
            self.psql("postgres", "-c", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
