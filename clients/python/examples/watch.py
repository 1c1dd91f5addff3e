#!/usr/bin/env python3
"""Follow a migration's events; print the cursor so that a later run picks up exactly after it.

    python3 examples/watch.py 3f2a9c1e                # from the first event
    python3 examples/watch.py 3f2a9c1e --from 1200    # only what came after event #1200
"""

import argparse
import sys

import _path  # noqa: F401

from google.protobuf.json_format import MessageToJson

from migration_client import MigrationClient


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("migration_id")
    parser.add_argument("--from", dest="after", type=int, default=0, help="last sequence already seen")
    parser.add_argument("--server")
    parser.add_argument("--json", action="store_true", help="one JSON object per event")
    args = parser.parse_args()

    last = args.after
    with MigrationClient(args.server) as client:
        try:
            for event in client.watch(args.migration_id, after_sequence=args.after):
                last = event.sequence
                if args.json:
                    print(MessageToJson(event, indent=None, preserving_proto_field_name=True), flush=True)
                else:
                    print(f"#{event.sequence} {event.agent}: {event.WhichOneof('kind')}", flush=True)
        except KeyboardInterrupt:
            print(f"\nstopped; continue with: python3 examples/watch.py {args.migration_id} --from {last}",
                  file=sys.stderr)
            return 5
    return 0


if __name__ == "__main__":
    sys.exit(main())
