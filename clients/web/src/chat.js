// The chat panel on the guidance service (Ask; a conversation id keeps the context) and the decision cards.
import { Code, ConnectError, describeError, guidance, loadAccess } from './api.js';
import { h } from './format.js';

/** A decision with its options as buttons; `onAnswer(decision, option, buttons)`. */
export function decisionCard(decision, onAnswer) {
  const buttons = [];
  const options = decision.options.map((option) => {
    const button = h('button', {
      type: 'button',
      class: `option${option.recommended ? ' recommended' : ''}`,
      'data-option': option.id,
      onclick: () => onAnswer(decision, option, buttons),
    },
    h('span', {}, h('b', {}, option.title), option.recommended ? h('span', { class: 'badge completed', style: 'margin-left:.4rem' }, 'recommended') : null),
    option.description ? h('small', {}, option.description) : null,
    option.risk ? h('small', {}, `Risk: ${option.risk}`) : null);
    buttons.push(button);
    return button;
  });
  return h('div', { class: 'decision', 'data-decision': decision.id },
    h('b', {}, decision.question),
    decision.riskAssessment ? h('div', { class: 'small muted' }, decision.riskAssessment) : null,
    decision.recommendation ? h('div', { class: 'small' }, `Recommendation: ${decision.recommendation}`) : null,
    h('div', { class: 'options' }, options));
}

export class ChatPanel {
  constructor(root, migrationId, { onDecision, onUnavailable }) {
    this.root = root;
    this.migrationId = migrationId;
    this.onDecision = onDecision;
    this.onUnavailable = onUnavailable;
    this.conversationId = '';
    this.log = h('div', { class: 'chat-log', 'data-testid': 'chat-log', 'aria-live': 'polite' });
    this.input = h('input', { name: 'question', placeholder: 'Ask about this migration…', autocomplete: 'off', maxlength: 2000, 'aria-label': 'question' });
    this.send = h('button', { type: 'submit' }, 'Ask');
    this.form = h('form', { class: 'chat-form', onsubmit: (e) => { e.preventDefault(); this.ask(this.input.value); } }, this.input, this.send);
    root.replaceChildren(h('div', { class: 'panel-head' }, h('h2', {}, 'Ask'), h('span', { class: 'muted small' }, 'plain-language answers from live state')),
      this.log, this.form);
    this.suggest(['How far along are we?', 'Why is it slow?', 'What happens next?']);
  }

  stop() {}

  unavailable() {
    this.input.disabled = true;
    this.send.disabled = true;
    this.log.replaceChildren(h('p', { class: 'muted' }, 'The guidance service is not available on this server.'));
  }

  suggest(questions) {
    if (!questions?.length) return;
    this.log.append(h('div', { class: 'suggestions' }, questions.map((q) => h('button', { type: 'button', class: 'ghost', onclick: () => this.ask(q) }, q))));
  }

  async ask(text) {
    const question = text.trim();
    if (!question || this.send.disabled) return;
    this.input.value = '';
    this.log.append(h('div', { class: 'msg user' }, question));
    this.send.disabled = true;
    try {
      const answer = await guidance.ask({
        migrationId: this.migrationId, conversationId: this.conversationId, text: question, user: loadAccess().user || 'dashboard',
      });
      this.conversationId = answer.conversationId;
      this.show(answer.reply);
      this.send.disabled = false;
    } catch (error) {
      if (ConnectError.from(error).code === Code.Unimplemented) {
        this.onUnavailable();
        this.unavailable();
        return;
      }
      this.log.append(h('div', { class: 'msg', style: 'color:var(--bad)' }, describeError(error)));
      this.send.disabled = false;
    }
    this.log.scrollTop = this.log.scrollHeight;
  }

  show(reply) {
    const table = reply.table && reply.table.columns.length
      ? h('div', { class: 'table-scroll' }, h('table', { class: 'small' },
        h('thead', {}, h('tr', {}, reply.table.columns.map((c) => h('th', {}, c)))),
        h('tbody', {}, reply.table.rows.map((r) => h('tr', {}, r.cells.map((c) => h('td', {}, c)))))))
      : null;
    this.log.append(h('div', { class: 'msg assistant', 'data-intent': reply.intent },
      reply.text,
      reply.figures.length ? h('div', { class: 'figs' }, reply.figures.map((f) => `${f.label}: ${f.display}`).join(' · ')) : null,
      table,
      reply.action ? h('div', { class: 'figs' }, reply.action.message) : null,
      reply.pendingAction?.description ? h('div', { class: 'figs' }, `${reply.pendingAction.description} — answer "yes" to confirm.`) : null));
    for (const card of reply.decisions) {
      this.log.append(decisionCard({ ...card.decision, gate: card.gate }, this.onDecision));
    }
    this.suggest(reply.suggestions);
  }
}
