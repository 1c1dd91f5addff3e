"""The wrapper against a live server and a real PostgreSQL: create, approve, start, watch, resume, errors."""

from __future__ import annotations

import grpc
import pytest

from migration_client import TERMINAL_PHASES, MigrationClient, migration_pb2 as pb, phase_name

# Small pages so that the 3,400 rows make dozens of batch events.
BATCH = dict(base_batch_size=100, max_batch_size=100, min_batch_size=50)


def _create(client: MigrationClient, databases, **extra):
    return client.create(
        databases.source,
        databases.target,
        include_schemas=["public"],
        description="python client test",
        requested_by="pytest",
        **BATCH,
        **extra,
    )


def test_create_plans_and_waits_for_approval(client, databases):
    created = _create(client, databases)

    migration = created.migration
    assert migration.id
    assert migration.phase == pb.MIGRATION_PHASE_AWAITING_APPROVAL, phase_name(migration.phase)
    assert "Password" not in migration.source and "Password" not in migration.target
    planned = {t.table for wave in created.plan.waves for t in wave.tables}
    assert planned == {"public.customers", "public.orders", "public.order_notes"}
    # customers before orders before order_notes: the foreign keys order the waves
    wave_of = {t.table: wave.number for wave in created.plan.waves for t in wave.tables}
    assert wave_of["public.customers"] < wave_of["public.orders"] < wave_of["public.order_notes"]
    assert client.get_plan(migration.id).migration_id == migration.id
    assert migration.id in {m.id for m in client.list()}


def test_approve_start_watch_runs_to_completion_with_gap_free_events(client, databases, postgres):
    migration_id = _create(client, databases).migration.id

    approved = client.approve(migration_id, approved_by="pytest", foreign_key_mode="recreate", comment="ok")
    assert client.get_plan(migration_id).approved
    assert approved.id == migration_id
    client.start(migration_id, started_by="pytest")
    events = list(client.watch(migration_id))

    sequences = [e.sequence for e in events]
    assert sequences == list(range(1, len(events) + 1))
    batches = [e.batch_completed for e in events if e.WhichOneof("kind") == "batch_completed"]
    assert len(batches) >= 30, f"expected dozens of batches, got {len(batches)}"
    assert all(b.rows <= 100 for b in batches)
    assert {e.table_completed.table for e in events if e.WhichOneof("kind") == "table_completed"} == {
        "public.customers",
        "public.orders",
        "public.order_notes",
    }
    final = client.get(migration_id)
    assert final.phase == pb.MIGRATION_PHASE_COMPLETED, f"{phase_name(final.phase)}: {final.error_message}"
    assert final.phase in TERMINAL_PHASES
    assert final.rows_copied == 3400
    assert final.last_event_sequence == sequences[-1]
    assert postgres.scalar(databases.target_db, "SELECT count(*) FROM public.orders") == "2500"
    report = client.validate(migration_id)
    assert report.passed, report.summary
    assert {t.table for t in report.tables if t.passed} >= {"public.customers", "public.orders"}
    metrics = client.metrics(migration_id)
    assert metrics.migration.rows_copied == 3400
    assert metrics.migration.batches_completed == len(batches)
    assert sum(t.rows for t in metrics.migration.tables) == 3400
    assert metrics.migration.errors == 0
    assert metrics.server.working_set_bytes > 0


def test_watch_from_a_sequence_resumes_after_it(client, databases):
    migration_id = _create(client, databases).migration.id
    client.start(migration_id, auto_approve=True, started_by="pytest")
    first = []
    for event in client.watch(migration_id):
        first.append(event)
        if len(first) == 5:
            break  # stop watching half-way; the migration goes on
    cursor = first[-1].sequence

    rest = list(client.watch(migration_id, after_sequence=cursor))

    assert rest[0].sequence == cursor + 1
    assert [e.sequence for e in rest] == list(range(cursor + 1, cursor + 1 + len(rest)))
    replay = list(client.watch(migration_id, after_sequence=0))
    assert [e.SerializeToString() for e in replay] == [e.SerializeToString() for e in first + rest]
    assert client.get(migration_id).phase == pb.MIGRATION_PHASE_COMPLETED


def test_get_unknown_migration_raises_not_found(client):
    with pytest.raises(grpc.RpcError) as error:
        client.get("no-such-migration")
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_create_with_inconsistent_batch_settings_raises_invalid_argument(client, databases):
    with pytest.raises(grpc.RpcError) as error:
        client.create(databases.source, databases.target, base_batch_size=1000, max_batch_size=10)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_watch_with_negative_cursor_is_refused_before_calling(client):
    with pytest.raises(ValueError):
        next(client.watch("any", after_sequence=-1))


def test_create_without_source_is_refused_before_calling(client):
    with pytest.raises(ValueError):
        client.create("  ", "modern")
