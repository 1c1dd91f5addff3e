// Ask, Converse and the chat-bot relay against a live server. The guidance tests skip while the server does not
// serve GuidanceService (UNIMPLEMENTED); the relay's own HTTP handling is tested either way.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';

import { createRelay } from '../examples/chat-relay.js';
import { MigrationClient } from '../src/index.js';
import { Postgres, serverUrl, type DatabasePair } from './support.js';

/** Server-Sent Events of a response body as [name, data] pairs. */
async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<[string, unknown]> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      yield [name, data === undefined ? undefined : JSON.parse(data)];
    }
  }
}

async function nextEvent(events: AsyncGenerator<[string, unknown]>, name: string): Promise<unknown> {
  for (;;) {
    const { value, done } = await events.next();
    if (done) throw new Error(`the stream ended before a '${name}' event`);
    if (value[0] === name) return value[1];
  }
}

describe('guidance and the chat relay against a live server', () => {
  let client: MigrationClient;
  let postgres: Postgres;
  let pair: DatabasePair;
  let migrationId: string;
  let relayUrl: string;
  let relay: ReturnType<typeof createRelay>;
  let served = true;

  before(async () => {
    client = new MigrationClient({ server: serverUrl(), timeoutMs: 120_000 });
    postgres = new Postgres();
    pair = postgres.createPair('ts_guidance');
    migrationId = (await client.create(pair.source, pair.target, { includeSchemas: ['public'] })).migration!.id;
    try {
      await client.ask(migrationId, 'What is the status?');
    } catch (error) {
      if ((error as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) throw error;
      served = false;
    }
    relay = createRelay(client, 'relay-test');
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => relay.close(resolve));
    await client.cancel(migrationId, 'test done').catch(() => undefined);
    client.close();
    postgres.drop(pair);
  });

  const needsGuidance = (t: TestContext) => {
    if (!served) t.skip('the server does not serve GuidanceService yet');
    return served;
  };

  const post = (path: string, body: unknown) =>
    fetch(relayUrl + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('ask answers and keeps the conversation', async (t) => {
    if (!needsGuidance(t)) return;
    const first = await client.ask(migrationId, 'What is the status?', { user: 'node-test' });
    assert.ok(first.conversationId);
    assert.ok(first.reply!.text.trim());
    const followUp = await client.ask(migrationId, 'How many rows are there?', { conversationId: first.conversationId });
    assert.equal(followUp.conversationId, first.conversationId);
  });

  it('converse opens with a greeting and answers a message', async (t) => {
    if (!needsGuidance(t)) return;
    const chat = client.converse(migrationId, { user: 'node-test', quiet: true });
    try {
      const opened = await chat.waitFor('opened');
      assert.equal(opened.opened!.migrationId, migrationId);
      chat.send('What happens next?');
      const reply = await chat.waitFor('reply');
      assert.ok(reply.reply!.text.trim());
      assert.equal(chat.conversationId, opened.opened!.conversationId);
    } finally {
      chat.cancel();
    }
  });

  it('relay POST /chat returns the answer and the pending plan approval card', async (t) => {
    if (!needsGuidance(t)) return;
    const response = await post('/chat', { migrationId, text: 'Is anything waiting for me?' });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { conversationId: string; text: string; decisions: Array<{ id: string; options: unknown[] }> };
    assert.ok(body.conversationId);
    assert.ok(body.text);
    const cards = await client.listDecisions(migrationId);
    assert.ok(cards.length > 0, 'a planned migration waits for its plan approval');
  });

  it('relay /chat/stream streams the conversation as server-sent events', async (t) => {
    if (!needsGuidance(t)) return;
    const abort = new AbortController();
    const response = await fetch(`${relayUrl}/chat/stream?migrationId=${encodeURIComponent(migrationId)}&user=sse-test`, { signal: abort.signal });
    try {
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
      const events = serverSentEvents(response.body!);
      const opened = (await nextEvent(events, 'opened')) as { conversationId: string; greeting: { text: string } };
      assert.ok(opened.conversationId);
      assert.ok(opened.greeting.text);
      const sent = await post('/chat/stream/send', { conversationId: opened.conversationId, text: 'What happens next?' });
      assert.equal(sent.status, 202);
      const reply = (await nextEvent(events, 'reply')) as { conversationId: string; text: string };
      assert.ok(reply.text);
      assert.equal(reply.conversationId, opened.conversationId);
    } finally {
      abort.abort();
    }
  });

  it('relay POST /decisions/answer answers the plan approval', async (t) => {
    if (!needsGuidance(t)) return;
    const response = await post('/decisions/answer', { migrationId, decisionId: 'plan-approval', optionId: 'approve', user: 'relay-test' });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { decision: { answer: string; decidedBy: string } };
    assert.equal(body.decision.answer, 'approve');
    assert.equal((await client.getPlan(migrationId)).approved, true);
    const again = await post('/decisions/answer', { migrationId, decisionId: 'plan-approval', optionId: 'approve' });
    assert.ok([404, 409].includes(again.status), `answered twice: ${again.status}`);
  });

  it('relay rejects bad requests with 4xx and maps gRPC errors', async () => {
    assert.equal((await post('/chat', { migrationId })).status, 400);
    assert.equal((await fetch(relayUrl + '/chat', { method: 'POST', body: 'not json' })).status, 400);
    assert.equal((await fetch(relayUrl + '/nowhere')).status, 404);
    assert.equal((await fetch(relayUrl + '/healthz')).status, 200);
    assert.equal((await fetch(relayUrl + '/chat/stream')).status, 400);
    assert.equal((await post('/chat/stream/send', { conversationId: 'none-open', text: 'hello' })).status, 404);
    const unknown = await post('/chat', { migrationId: 'no-such-migration', text: 'status?' });
    assert.equal(unknown.status, served ? 404 : 501);
  });
});
