import type * as grpc from '@grpc/grpc-js';

import type { ConverseRequest } from './generated/migration/v1/ConverseRequest.js';
import type { ConverseResponse__Output } from './generated/migration/v1/ConverseResponse.js';

export type ConverseKind = NonNullable<ConverseResponse__Output['kind']>;

/**
 * A `Converse` stream: `send(text)` a message; iterate the server's messages with `for await` or take them with
 * `next()` / `waitFor(kind)` (one reader at a time). `close()` completes the client side and the server then ends the
 * stream; `cancel()` drops it at once. The first message is `opened` (conversation id and a greeting).
 */
export class Conversation implements AsyncIterable<ConverseResponse__Output> {
  conversationId = '';
  private readonly messages: AsyncIterator<ConverseResponse__Output>;
  private closed = false;

  constructor(private readonly call: grpc.ClientDuplexStream<ConverseRequest, ConverseResponse__Output>) {
    this.messages = (call as AsyncIterable<ConverseResponse__Output>)[Symbol.asyncIterator]();
  }

  send(text: string): void {
    if (this.closed) throw new Error('the conversation is closed');
    this.call.write({ text });
  }

  /** The next message from the server whatever its kind; undefined when the stream has ended. */
  async next(): Promise<ConverseResponse__Output | undefined> {
    const result = await this.messages.next();
    if (result.done) return undefined;
    if (result.value.conversationId) this.conversationId = result.value.conversationId;
    return result.value;
  }

  /** Reads messages until one of `kind` ('opened', 'reply', 'narration', 'decisionRequest') arrives. */
  async waitFor(kind: ConverseKind): Promise<ConverseResponse__Output> {
    for (;;) {
      const message = await this.next();
      if (message === undefined) throw new Error(`the conversation ended before a '${kind}' message`);
      if (message.kind === kind) return message;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ConverseResponse__Output> {
    for (;;) {
      const message = await this.next();
      if (message === undefined) return;
      yield message;
    }
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.call.end();
    }
  }

  cancel(): void {
    this.close();
    this.call.cancel();
  }
}
