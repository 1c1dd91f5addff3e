"""Ask and Converse against a live server (skipped while the server does not serve GuidanceService)."""

from __future__ import annotations

import grpc
import pytest

from migration_client import MigrationClient


@pytest.fixture()
def migration_id(client: MigrationClient, databases) -> str:
    created = client.create(databases.source, databases.target, include_schemas=["public"], requested_by="pytest")
    return created.migration.id


def _guidance_served(client: MigrationClient, migration_id: str):
    try:
        return client.ask(migration_id, "What is the status?", user="pytest")
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.UNIMPLEMENTED:
            pytest.skip("the server does not serve GuidanceService yet")
        raise


def test_ask_answers_in_plain_language_and_keeps_the_conversation(client, migration_id):
    first = _guidance_served(client, migration_id)

    assert first.conversation_id
    assert first.reply.text.strip()
    assert first.reply.intent
    follow_up = client.ask(migration_id, "How many rows are there?", conversation_id=first.conversation_id)
    assert follow_up.conversation_id == first.conversation_id
    assert follow_up.reply.text.strip()


def test_ask_shows_the_pending_plan_approval(client, migration_id):
    _guidance_served(client, migration_id)

    cards = client.list_decisions(migration_id)

    assert cards, "a planned migration waits for its plan approval"
    assert all(card.decision.options for card in cards)


def test_converse_opens_with_a_greeting_and_replies(client, migration_id):
    _guidance_served(client, migration_id)

    with client.converse(migration_id, user="pytest", quiet=True) as chat:
        opened = chat.wait_for("opened")
        assert opened.opened.conversation_id
        assert opened.opened.migration_id == migration_id
        chat.send("What happens next?")
        reply = chat.wait_for("reply")
        assert reply.reply.text.strip()
        assert chat.conversation_id == opened.opened.conversation_id
