"""The example scripts, run as a user would against the live server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, check=False)


def test_run_migration_example_completes_and_validates(server_url, databases):
    result = _run(str(EXAMPLES / "run_migration.py"), "--server", server_url, "--source", databases.source,
                  "--target", databases.target, "--batch-size", "500", "--yes")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "awaiting-approval" in result.stdout
    assert "completed: 3,400 rows" in result.stdout
    migration_id = result.stdout.split()[1].rstrip(":")
    watched = _run(str(EXAMPLES / "watch.py"), migration_id, "--server", server_url, "--from", "3", "--json")
    assert watched.returncode == 0, watched.stderr
    assert watched.stdout.splitlines()[0].startswith('{"migration_id"') and '"sequence": "4"' in watched.stdout.splitlines()[0]


def test_ask_example_answers(server_url, client, databases):
    migration_id = client.create(databases.source, databases.target, include_schemas=["public"]).migration.id

    result = _run(str(EXAMPLES / "ask.py"), migration_id, "Is anything waiting for me?", "--server", server_url)

    assert result.returncode == 0, result.stderr
    assert "decision plan-approval" in result.stdout
    assert "conversation" in result.stderr
