// A minimal chat-bot relay: the HTTP endpoint a chat frontend (a web widget, a Slack or Teams bot) calls with a
// user's text. It asks the guidance service (Ask) and returns the answer and any decision card; a second endpoint
// answers a decision the user picked from a card.
//
//   MIGRATION_SERVER=http://127.0.0.1:5080 node dist/examples/chat-relay.js            # listens on :8787 ($PORT)
//   curl -s localhost:8787/chat -d '{"migrationId":"mig-...","text":"How far along are we?"}'
//   curl -s localhost:8787/decisions/answer -d '{"migrationId":"mig-...","decisionId":"...","optionId":"approve"}'
//
// POST /chat              {migrationId, text, conversationId?, user?}
//                      -> {conversationId, text, intent, figures[], suggestions[], decisions[], pendingAction?}
// POST /decisions/answer  {migrationId, decisionId, optionId, user?, reason?} -> {decision, phase}
// GET  /chat/stream?migrationId=&user=&conversationId=   a Server-Sent Events stream on Converse: events `opened`
//                         {conversationId, greeting}, `reply` (as /chat), `narration` {kind, text, sequence}, `decision`
//                         (a card), as they happen — progress narrated unprompted, decisions as they are raised
// POST /chat/stream/send  {conversationId, text} -> 202; the answer arrives on the stream
// GET  /healthz           -> {ok: true}
// gRPC errors become HTTP statuses (INVALID_ARGUMENT 400, NOT_FOUND 404, FAILED_PRECONDITION 409, UNAUTHENTICATED 401,
// PERMISSION_DENIED 403, UNIMPLEMENTED 501, UNAVAILABLE 503, others 502) with {error, code}.
import * as grpc from '@grpc/grpc-js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';

import { MigrationClient, type Conversation, type ConverseResponse, type DecisionCard, type GuidanceReply } from '../src/index.js';

const MAX_BODY = 64 * 1024;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const STATUS_OF: Partial<Record<grpc.status, number>> = {
  [grpc.status.INVALID_ARGUMENT]: 400,
  [grpc.status.NOT_FOUND]: 404,
  [grpc.status.FAILED_PRECONDITION]: 409,
  [grpc.status.UNAUTHENTICATED]: 401,
  [grpc.status.PERMISSION_DENIED]: 403,
  [grpc.status.UNIMPLEMENTED]: 501,
  [grpc.status.UNAVAILABLE]: 503,
  [grpc.status.DEADLINE_EXCEEDED]: 504,
};

/** A decision card in the shape a chat frontend renders: question, risk, buttons. */
export function cardView(card: DecisionCard) {
  const decision = card.decision;
  return {
    id: decision?.id ?? '',
    gate: card.gate,
    question: decision?.question ?? '',
    risk: decision?.riskAssessment ?? '',
    recommendation: decision?.recommendation ?? '',
    options: (decision?.options ?? []).map((o) => ({
      id: o.id,
      title: o.title,
      description: o.description,
      risk: o.risk,
      recommended: o.recommended,
    })),
  };
}

export function replyView(conversationId: string, reply: GuidanceReply | null) {
  return {
    conversationId,
    text: reply?.text ?? '',
    intent: reply?.intent ?? '',
    figures: (reply?.figures ?? []).map((f) => ({ label: f.label, display: f.display })),
    suggestions: reply?.suggestions ?? [],
    decisions: (reply?.decisions ?? []).map(cardView),
    pendingAction: reply?.pendingAction ? { action: reply.pendingAction.action, description: reply.pendingAction.description } : null,
  };
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'the body must be a JSON object');
  }
}

function text(body: Record<string, unknown>, field: string, required: boolean): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') {
    if (required) throw new HttpError(400, `${field} is required`);
    return '';
  }
  if (typeof value !== 'string') throw new HttpError(400, `${field} must be a string`);
  return value;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  response.end(json);
}

/** One Converse message as a Server-Sent Event (name, JSON data). */
function sseEvent(message: ConverseResponse): [string, unknown] | undefined {
  if (message.opened) return ['opened', { conversationId: message.opened.conversationId, greeting: replyView(message.opened.conversationId, message.opened.greeting) }];
  if (message.reply) return ['reply', replyView(message.conversationId, message.reply)];
  if (message.narration) {
    return ['narration', { kind: message.narration.kind, text: message.narration.text, sequence: message.narration.eventSequence }];
  }
  if (message.decisionRequest) return ['decision', cardView(message.decisionRequest)];
  return undefined;
}

/** Streams a Converse conversation to the browser as Server-Sent Events until either side closes. */
async function streamConversation(
  client: MigrationClient,
  conversations: Map<string, Conversation>,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
  defaultUser: string,
): Promise<void> {
  const migrationId = url.searchParams.get('migrationId');
  if (!migrationId) throw new HttpError(400, 'migrationId is required');
  const chat = client.converse(migrationId, {
    user: url.searchParams.get('user') || defaultUser,
    conversationId: url.searchParams.get('conversationId') ?? '',
  });
  let conversationId = '';
  request.on('close', () => chat.cancel());
  try {
    for await (const message of chat) {
      if (!response.headersSent) {
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      }
      if (message.conversationId && !conversationId) {
        conversationId = message.conversationId;
        conversations.set(conversationId, chat);
      }
      const event = sseEvent(message);
      if (event) response.write(`event: ${event[0]}\ndata: ${JSON.stringify(event[1])}\n\n`);
    }
  } catch (error) {
    if ((error as grpc.ServiceError).code === grpc.status.CANCELLED) return;
    if (!response.headersSent) throw error;
    response.write(`event: error\ndata: ${JSON.stringify({ error: (error as grpc.ServiceError).details ?? String(error) })}\n\n`);
  } finally {
    if (conversationId) conversations.delete(conversationId);
    response.end();
  }
}

/** The relay's HTTP server (not yet listening). `defaultUser` is recorded when a request names no user. */
export function createRelay(client: MigrationClient, defaultUser = 'chat-relay'): Server {
  const conversations = new Map<string, Conversation>();
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://relay');
      const path = url.pathname;
      if (request.method === 'GET' && path === '/healthz') {
        send(response, 200, { ok: true });
      } else if (request.method === 'GET' && path === '/chat/stream') {
        await streamConversation(client, conversations, url, request, response, defaultUser);
      } else if (request.method === 'POST' && path === '/chat/stream/send') {
        const body = await readJson(request);
        const chat = conversations.get(text(body, 'conversationId', true));
        if (!chat) throw new HttpError(404, 'no open stream for this conversationId');
        chat.send(text(body, 'text', true));
        send(response, 202, { accepted: true });
      } else if (request.method === 'POST' && path === '/chat') {
        const body = await readJson(request);
        const answer = await client.ask(text(body, 'migrationId', true), text(body, 'text', true), {
          conversationId: text(body, 'conversationId', false),
          user: text(body, 'user', false) || defaultUser,
        });
        send(response, 200, replyView(answer.conversationId, answer.reply));
      } else if (request.method === 'POST' && path === '/decisions/answer') {
        const body = await readJson(request);
        const answered = await client.answerDecision(
          text(body, 'migrationId', true),
          text(body, 'decisionId', true),
          text(body, 'optionId', true),
          { answeredBy: text(body, 'user', false) || defaultUser, reason: text(body, 'reason', false) },
        );
        send(response, 200, { decision: answered.record, phase: answered.migration?.phase ?? '' });
      } else {
        send(response, 404, { error: `no route ${request.method} ${path}` });
      }
    } catch (error) {
      if (error instanceof HttpError) {
        send(response, error.status, { error: error.message });
        return;
      }
      const rpc = error as Partial<grpc.ServiceError>;
      if (typeof rpc.code === 'number') {
        send(response, STATUS_OF[rpc.code as grpc.status] ?? 502, { error: rpc.details ?? rpc.message, code: grpc.status[rpc.code] });
        return;
      }
      send(response, 500, { error: 'internal error' });
      console.error(error);
    }
  });
  server.on('close', () => {
    for (const chat of conversations.values()) chat.cancel();
    conversations.clear();
  });
  return server;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const client = new MigrationClient();
  const port = Number(process.env.PORT ?? 8787);
  const relay = createRelay(client);
  relay.listen(port, process.env.HOST ?? '127.0.0.1', () => {
    console.log(`chat relay on http://${process.env.HOST ?? '127.0.0.1'}:${port} -> ${client.options.server}`);
  });
  const stop = () => relay.close(() => client.close());
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
