#!/usr/bin/env python3
"""Ask the guidance service a question about a migration, in plain language.

    python3 examples/ask.py 3f2a9c1e "How far along are we?"
    python3 examples/ask.py 3f2a9c1e "And orders?" --conversation 7c1d...
"""

import argparse
import sys

import _path  # noqa: F401

from migration_client import MigrationClient


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("migration_id")
    parser.add_argument("question")
    parser.add_argument("--conversation", default="", help="conversation id from an earlier answer")
    parser.add_argument("--server")
    args = parser.parse_args()

    with MigrationClient(args.server) as client:
        answer = client.ask(args.migration_id, args.question, conversation_id=args.conversation, user="example")
        reply = answer.reply
        print(reply.text)
        for figure in reply.figures:
            print(f"  {figure.label}: {figure.display}")
        for card in reply.decisions:
            print(f"decision {card.decision.id}: {card.decision.question}")
            for option in card.decision.options:
                print(f"  [{option.id}] {option.title} (risk: {option.risk}){' *' if option.recommended else ''}")
        if reply.suggestions:
            print("you could ask: " + " | ".join(reply.suggestions))
        print(f"(conversation {answer.conversation_id})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
