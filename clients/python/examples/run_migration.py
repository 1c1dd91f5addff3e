#!/usr/bin/env python3
"""Create a migration, show its plan, approve it, start it and follow its progress until it ends.

    python3 examples/run_migration.py --source "Host=...;Database=legacy;..." --target "Host=...;Database=modern;..."
    python3 examples/run_migration.py --source legacy --target modern --yes       # named connections on the server
"""

import argparse
import sys

import _path  # noqa: F401

from migration_client import MigrationClient, migration_pb2 as pb, phase_name, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", help="http://host:port or https://host:port (default $MIGRATION_SERVER)")
    parser.add_argument("--ca-file", help="CA certificate (PEM) for a TLS server")
    parser.add_argument("--token", help="bearer token (default $MIGRATION_TOKEN)")
    parser.add_argument("--api-key", help="API key (default $MIGRATION_API_KEY)")
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--batch-size", type=int, default=0)
    parser.add_argument("--fk-mode", choices=["keep", "recreate"])
    parser.add_argument("--yes", action="store_true", help="approve without asking")
    args = parser.parse_args()

    with MigrationClient(args.server, ca_file=args.ca_file, token=args.token, api_key=args.api_key) as client:
        created = client.create(args.source, args.target, base_batch_size=args.batch_size, requested_by="example")
        migration, plan = created.migration, created.plan
        print(f"migration {migration.id}: {phase_name(migration.phase)}")
        print(plan.summary)
        for wave in plan.waves:
            for table in wave.tables:
                print(f"  wave {wave.number}: {table.table} ~{table.estimated_rows:,} rows ({table.strategy})")
        if any(p.severity == pb.PlanProblem.SEVERITY_BLOCKING for p in plan.problems):
            print("the plan has blocking problems", file=sys.stderr)
            return 2
        if not args.yes and input("Approve this plan? [y/N] ").strip().lower() not in ("y", "yes"):
            return 3
        client.approve(migration.id, approved_by="example", foreign_key_mode=args.fk_mode)
        client.start(migration.id, started_by="example")

        for event in client.watch(migration.id):
            kind = event.WhichOneof("kind")
            if kind == "phase_changed":
                change = event.phase_changed
                print(f"#{event.sequence} phase {phase_name(getattr(change, 'from'))} -> {phase_name(change.to)}")
            elif kind == "batch_completed":
                b = event.batch_completed
                print(f"#{event.sequence} {b.table}: {b.table_rows_copied:,}/{b.table_rows_total:,} rows "
                      f"({b.rows_per_second:,.0f} rows/s, page {seconds(b.duration):.2f}s)")
            elif kind == "table_completed":
                print(f"#{event.sequence} done: {event.table_completed.table}")
            elif kind in ("warning", "error"):
                print(f"#{event.sequence} {kind}: {getattr(event, kind).message}")

        final = client.get(migration.id)
        print(f"{phase_name(final.phase)}: {final.rows_copied:,} rows; validation: {final.validation.summary}")
        return 0 if final.phase == pb.MIGRATION_PHASE_COMPLETED and final.validation.passed else 1


if __name__ == "__main__":
    sys.exit(main())
