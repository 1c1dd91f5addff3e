// Chat with the guidance service on stdin/stdout: answers, live progress narration and decision cards.
//
//   node dist/examples/chat.js mig-20261128-...
import { createInterface } from 'node:readline';

import { MigrationClient } from '../src/index.js';

const [migrationId] = process.argv.slice(2);
if (!migrationId) {
  console.error('usage: chat MIGRATION_ID');
  process.exit(2);
}
const client = new MigrationClient();
const chat = client.converse(migrationId, { user: 'example' });
const printing = (async () => {
  for await (const message of chat) {
    if (message.opened) console.log(`[assistant] ${message.opened.greeting?.text}`);
    if (message.reply) console.log(`[assistant] ${message.reply.text}`);
    if (message.narration) console.log(`[progress] ${message.narration.text}`);
    if (message.decisionRequest) {
      const d = message.decisionRequest.decision;
      console.log(`[decision] ${d?.question} (${d?.options.map((o) => `${o.id}: ${o.title}`).join(', ')})`);
    }
  }
})();
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) chat.send(line.trim());
}
chat.close();
await printing;
client.close();
