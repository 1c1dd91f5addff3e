// Ask the guidance service one question about a migration.
//
//   node dist/examples/ask.js mig-20261128-... "How far along are we?" [conversationId]
import { MigrationClient } from '../src/index.js';

const [migrationId, question, conversationId = ''] = process.argv.slice(2);
if (!migrationId || !question) {
  console.error('usage: ask MIGRATION_ID "QUESTION" [CONVERSATION_ID]');
  process.exit(2);
}
const client = new MigrationClient();
try {
  const answer = await client.ask(migrationId, question, { conversationId, user: 'example' });
  const reply = answer.reply!;
  console.log(reply.text);
  for (const figure of reply.figures) console.log(`  ${figure.label}: ${figure.display}`);
  for (const card of reply.decisions) {
    console.log(`decision ${card.decision?.id}: ${card.decision?.question}`);
    for (const o of card.decision?.options ?? []) console.log(`  [${o.id}] ${o.title} (risk: ${o.risk})${o.recommended ? ' *' : ''}`);
  }
  if (reply.suggestions.length) console.log(`you could ask: ${reply.suggestions.join(' | ')}`);
  console.error(`(conversation ${answer.conversationId})`);
} finally {
  client.close();
}
