#!/usr/bin/env python3
"""Chat with the guidance service about a migration: type questions, see answers, narration and decisions live.

    python3 examples/chat.py 3f2a9c1e
"""

import argparse
import sys
import threading

import _path  # noqa: F401

from migration_client import MigrationClient


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("migration_id")
    parser.add_argument("--server")
    parser.add_argument("--user", default="example")
    args = parser.parse_args()

    with MigrationClient(args.server) as client, client.converse(args.migration_id, user=args.user) as chat:

        def show() -> None:
            for message in chat:
                kind = message.WhichOneof("kind")
                if kind == "opened":
                    print(f"[assistant] {message.opened.greeting.text}")
                elif kind == "reply":
                    print(f"[assistant] {message.reply.text}")
                elif kind == "narration":
                    print(f"[progress] {message.narration.text}")
                elif kind == "decision_request":
                    decision = message.decision_request.decision
                    options = ", ".join(f"{o.id}: {o.title}" for o in decision.options)
                    print(f"[decision] {decision.question} ({options})")

        reader = threading.Thread(target=show, daemon=True)
        reader.start()
        for line in sys.stdin:
            if line.strip():
                chat.send(line.strip())
        chat.close()
        reader.join(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
