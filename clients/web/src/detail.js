// One migration, live: summary, phase timeline, decisions, per-table progress, charts, warnings and errors,
// validation and the guidance chat. State comes from GetMigration and then from WatchMigration's events.
import { timestampDate } from '@bufbuild/protobuf/wkt';

import { Code, ConnectError, describeError, guidance, loadAccess, migrations } from './api.js';
import { BatchCharts } from './charts.js';
import { ChatPanel, decisionCard } from './chat.js';
import {
  MigrationPhase, PlanProblem_Severity, TableStatus,
} from './gen/migration/v1/migration_pb.js';
import {
  TERMINAL, eta, h, num, percent, phaseKey, phaseLabel, rate, seconds, tableStatusLabel, time, toast, writePathLabel,
} from './format.js';

const PHASE_ORDER = [
  MigrationPhase.CREATED, MigrationPhase.DISCOVERY, MigrationPhase.PLANNING, MigrationPhase.MAPPING,
  MigrationPhase.AWAITING_APPROVAL, MigrationPhase.EXECUTION, MigrationPhase.VALIDATION, MigrationPhase.COMPLETED,
];
const ALERT_PHASES = new Set([MigrationPhase.PAUSED, MigrationPhase.AWAITING_DECISION]);
const FAILED_PHASES = new Set([MigrationPhase.FAILED, MigrationPhase.ROLLED_BACK, MigrationPhase.CANCELLED]);

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

export class MigrationView {
  constructor(root, migrationId, connection) {
    this.root = root;
    this.id = migrationId;
    this.connection = connection;
    this.abort = new AbortController();
    this.migration = undefined;
    this.plan = undefined;
    this.tables = new Map();
    this.phases = [];
    this.problems = [];
    this.cursor = 0;
    this.decisions = [];
    this.guidanceServed = true;
    this.renderQueued = false;
  }

  get signal() {
    return this.abort.signal;
  }

  stop() {
    this.abort.abort();
    this.charts?.destroy();
    this.chat?.stop();
  }

  async start() {
    this.layout();
    try {
      await this.refresh();
    } catch (error) {
      this.root.replaceChildren(h('section', { class: 'panel' }, h('h1', {}, 'Migration not available'),
        h('p', {}, describeError(error)), h('a', { href: '#/' }, '← all migrations')));
      return;
    }
    await this.loadDecisions();
    this.watch();
    this.poll();
  }

  // -- data --------------------------------------------------------------------------------------------------------

  async refresh() {
    const { migration } = await migrations.getMigration({ migrationId: this.id }, { signal: this.signal });
    this.migration = migration;
    for (const table of migration.tables) {
      const known = this.tables.get(table.table);
      if (!known) {
        this.tables.set(table.table, { ...table });
        continue;
      }
      // Events may be ahead of the snapshot: never go back in rows or status; a finished table keeps the average
      // rate of its TableCompleted event when the snapshot has none.
      const { rowsCopied, status, rowsPerSecond, ...rest } = table;
      Object.assign(known, rest);
      if (rowsCopied > known.rowsCopied) known.rowsCopied = rowsCopied;
      known.status = Math.max(known.status, status);
      if (rowsPerSecond > 0 || !known.averageRate) known.rowsPerSecond = rowsPerSecond || known.rowsPerSecond;
    }
    if (!this.plan && migration.phase >= MigrationPhase.AWAITING_APPROVAL) {
      try {
        this.plan = (await migrations.getPlan({ migrationId: this.id }, { signal: this.signal })).plan;
      } catch {
        // no plan (a migration that failed during discovery)
      }
    }
    this.queueRender();
  }

  /** Re-reads the snapshot every 2 s while the migration runs (overall rate and ETA are computed by the server). */
  async poll() {
    while (!this.signal.aborted) {
      await sleep(2000, this.signal);
      if (this.signal.aborted || TERMINAL.has(this.migration?.phase)) return;
      try {
        await this.refresh();
      } catch {
        // the watch reports connection trouble
      }
    }
  }

  async watch() {
    let delay = 500;
    while (!this.signal.aborted) {
      try {
        const stream = migrations.watchMigration({ migrationId: this.id, afterSequence: BigInt(this.cursor) }, { signal: this.signal });
        for await (const event of stream) {
          this.connection(true);
          delay = 500;
          if (Number(event.sequence) <= this.cursor) continue;
          this.cursor = Number(event.sequence);
          this.onEvent(event);
        }
        break; // the server ends the stream at a terminal phase
      } catch (error) {
        if (this.signal.aborted) return;
        const code = ConnectError.from(error).code;
        if (code === Code.NotFound || code === Code.PermissionDenied || code === Code.Unauthenticated) {
          toast(describeError(error));
          return;
        }
        this.connection(false);
        await sleep(delay, this.signal);
        delay = Math.min(delay * 2, 8000);
      }
    }
    if (!this.signal.aborted) {
      await this.refresh().catch(() => undefined);
      await this.loadDecisions();
    }
  }

  onEvent(event) {
    const at = event.occurredAt ? timestampDate(event.occurredAt).getTime() : Date.now();
    const { case: kind, value } = event.kind;
    switch (kind) {
      case 'phaseChanged':
        this.phases.push({ phase: value.to, at: event.occurredAt, reason: value.reason });
        if (this.migration) this.migration.phase = value.to;
        this.loadDecisions();
        break;
      case 'tableStarted': {
        const table = this.table(value.table);
        table.status = TableStatus.RUNNING;
        table.rowsTotal = value.rowsTotal;
        table.rowsCopied = value.rowsAlreadyCopied > table.rowsCopied ? value.rowsAlreadyCopied : table.rowsCopied;
        table.writePath = value.writePath;
        table.wave = value.wave;
        break;
      }
      case 'batchCompleted': {
        const table = this.table(value.table);
        table.status = TableStatus.RUNNING;
        table.rowsCopied = value.tableRowsCopied;
        table.rowsTotal = value.tableRowsTotal;
        table.rowsPerSecond = value.rowsPerSecond;
        table.currentBatchSize = value.nextBatchSize;
        table.batchesCompleted = (table.batchesCompleted ?? 0) + 1;
        this.charts.add(value, seconds(value.duration), at);
        break;
      }
      case 'tableCompleted': {
        const table = this.table(value.table);
        table.status = TableStatus.COMPLETED;
        table.rowsCopied = value.rows > table.rowsCopied ? value.rows : table.rowsCopied;
        const took = seconds(value.duration);
        table.rowsPerSecond = value.rowsPerSecond || (took > 0 ? Number(value.rows) / took : 0);
        table.averageRate = true;
        break;
      }
      case 'warning':
        this.problems.push({ kind: 'warning', sequence: event.sequence, at: event.occurredAt, table: value.table, text: value.message });
        break;
      case 'error':
        this.problems.push({
          kind: 'error', sequence: event.sequence, at: event.occurredAt, table: '',
          text: `${value.message}${value.sqlState ? ` (SQLSTATE ${value.sqlState})` : ''}${value.detail ? ` — ${value.detail}` : ''}`,
          options: value.recoveryOptions,
        });
        break;
      case 'validationResult':
        if (this.migration) this.migration.validation = value;
        break;
      case 'planReady':
        this.plan = value;
        this.loadDecisions();
        break;
      default:
        break;
    }
    this.queueRender();
  }

  table(name) {
    let table = this.tables.get(name);
    if (!table) {
      table = { table: name, status: TableStatus.PENDING, rowsTotal: 0n, rowsCopied: 0n, rowsPerSecond: 0, batchesCompleted: 0 };
      this.tables.set(name, table);
    }
    return table;
  }

  /** Pending decisions from the guidance service; without it, the plan approval built from the plan. */
  async loadDecisions() {
    if (this.guidanceServed) {
      try {
        this.decisions = (await guidance.listDecisions({ migrationId: this.id }, { signal: this.signal })).decisions
          .map((card) => ({ ...card.decision, gate: card.gate, raisedAt: card.raisedAt }));
        this.queueRender();
        return;
      } catch (error) {
        const code = ConnectError.from(error).code;
        if (this.signal.aborted) return;
        if (code === Code.Unimplemented) {
          this.guidanceServed = false;
          this.chat?.unavailable();
        } else if (code !== Code.PermissionDenied && code !== Code.Unauthenticated) {
          toast(describeError(error));
          return;
        }
        // Not served, or not to this caller: the plan approval is still shown (answered through MigrationService).
      }
    }
    this.decisions = [];
    if (this.migration?.phase === MigrationPhase.AWAITING_APPROVAL && this.plan && !this.plan.approved) {
      this.decisions.push({
        id: 'plan-approval',
        question: `Approve the migration plan? ${this.plan.summary}`,
        riskAssessment: 'Nothing is written to the target before the plan is approved. The source is never changed.',
        options: [
          { id: 'approve-and-start', title: 'Approve and start', description: 'Approve the plan and start copying now.', risk: 'Low', recommended: true },
          { id: 'approve', title: 'Approve, start later', description: 'Approve the plan; the copy starts when someone starts it.', risk: 'None until it starts.', recommended: false },
          { id: 'reject', title: 'Reject the plan', description: 'Cancel this migration. Nothing has been written to the target.', risk: 'None', recommended: false },
        ],
        local: true,
      });
    }
    this.queueRender();
  }

  async answer(decision, option, buttons) {
    const user = loadAccess().user || 'dashboard';
    for (const b of buttons) b.disabled = true;
    try {
      if (!decision.local) {
        await guidance.answerDecision({ migrationId: this.id, decisionId: decision.id, optionId: option.id, answeredBy: user, reason: 'answered in the dashboard' });
      } else if (option.id === 'reject') {
        await migrations.cancelMigration({ migrationId: this.id, reason: `plan rejected by ${user} in the dashboard` });
      } else {
        await migrations.approvePlan({ migrationId: this.id, approvedBy: user, comment: 'approved in the dashboard' });
        if (option.id === 'approve-and-start') await migrations.startMigration({ migrationId: this.id, startedBy: user });
      }
      toast(`${option.title}: done`);
      this.plan = undefined;
      await this.refresh();
      await this.loadDecisions();
    } catch (error) {
      toast(describeError(error));
      for (const b of buttons) b.disabled = false;
    }
  }

  async act(action) {
    const user = loadAccess().user || 'dashboard';
    const id = this.id;
    try {
      if (action === 'start') await migrations.startMigration({ migrationId: id, startedBy: user });
      if (action === 'pause') await migrations.pauseMigration({ migrationId: id, reason: `paused by ${user} in the dashboard` });
      if (action === 'resume') await migrations.resumeMigration({ migrationId: id });
      if (action === 'cancel') {
        if (!confirm('Cancel this migration for good? Rows already copied stay in the target.')) return;
        await migrations.cancelMigration({ migrationId: id, reason: `cancelled by ${user} in the dashboard` });
      }
      if (action === 'validate') {
        const { report } = await migrations.validateMigration({ migrationId: id });
        if (this.migration) this.migration.validation = report;
      }
      await this.refresh();
    } catch (error) {
      toast(describeError(error));
    }
  }

  // -- view --------------------------------------------------------------------------------------------------------

  layout() {
    const timeCanvas = h('canvas', { 'aria-label': 'batch time per batch', role: 'img' });
    const rateCanvas = h('canvas', { 'aria-label': 'throughput per batch', role: 'img' });
    this.el = {
      summary: h('section', { class: 'panel wide', 'data-testid': 'summary' }),
      decisions: h('div', { 'data-testid': 'decisions' }),
      tables: h('tbody'),
      problems: h('ul', { class: 'events', 'data-testid': 'problems' }),
      validation: h('div', { 'data-testid': 'validation' }),
      chat: h('section', { class: 'panel', 'data-testid': 'chat' }),
    };
    const tables = h('section', { class: 'panel', 'data-testid': 'tables' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Tables')),
      h('div', { class: 'table-scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'table'), h('th', {}, 'progress'), h('th', { class: 'num' }, 'rows'),
          h('th', { class: 'num' }, 'rows/s'), h('th', { class: 'num hide-narrow' }, 'ETA'),
          h('th', { class: 'num hide-narrow' }, 'batch'), h('th', { class: 'hide-narrow' }, 'path'))),
        this.el.tables)));
    const charts = h('section', { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Batches')),
      h('div', { class: 'charts' }, h('div', { class: 'chart-box' }, timeCanvas), h('div', { class: 'chart-box' }, rateCanvas)));
    const problems = h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, 'Warnings and errors')),
      this.el.problems, this.el.validation);
    const decisions = h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, 'Decisions')), this.el.decisions);
    this.root.replaceChildren(h('div', { class: 'detail' }, this.el.summary,
      h('div', { class: 'stack' }, tables, charts, problems),
      h('div', { class: 'stack' }, decisions, this.el.chat)));
    this.charts = new BatchCharts(timeCanvas, rateCanvas);
    this.chat = new ChatPanel(this.el.chat, this.id, {
      onDecision: (decision, option, buttons) => this.answer(decision, option, buttons),
      onUnavailable: () => { this.guidanceServed = false; },
    });
  }

  queueRender() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      if (!this.signal.aborted) this.render();
    });
  }

  render() {
    const m = this.migration;
    if (!m) return;
    this.renderSummary(m);
    this.renderDecisions();
    this.renderTables();
    this.renderProblems(m);
  }

  renderSummary(m) {
    const tables = [...this.tables.values()];
    const copied = Math.max(Number(m.rowsCopied), tables.reduce((sum, t) => sum + Number(t.rowsCopied), 0));
    const total = Number(m.rowsTotal) || tables.reduce((sum, t) => sum + Number(t.rowsTotal), 0);
    const done = m.phase === MigrationPhase.COMPLETED;
    const actions = [];
    const button = (label, action, cls) => h('button', { type: 'button', class: cls, 'data-action': action, onclick: () => this.act(action) }, label);
    if (m.phase === MigrationPhase.AWAITING_APPROVAL && this.plan?.approved) actions.push(button('Start', 'start'));
    if (m.phase === MigrationPhase.EXECUTION) actions.push(button('Pause', 'pause', 'ghost'));
    if (m.phase === MigrationPhase.PAUSED) actions.push(button('Resume', 'resume'));
    if (m.phase === MigrationPhase.COMPLETED || m.phase === MigrationPhase.FAILED) actions.push(button('Validate again', 'validate', 'ghost'));
    if (!TERMINAL.has(m.phase)) actions.push(button('Cancel', 'cancel', 'danger'));
    let speed = m.rowsPerSecond;
    if (!speed && m.startedAt && m.completedAt) {
      const took = seconds({ seconds: m.completedAt.seconds - m.startedAt.seconds, nanos: m.completedAt.nanos - m.startedAt.nanos });
      speed = took > 0 ? copied / took : 0;
    }
    this.el.summary.replaceChildren(...[
      h('div', { class: 'panel-head' },
        h('div', { class: 'row' }, h('a', { href: '#/' }, '←'), h('h1', { class: 'ellipsis' }, m.description || m.id)),
        h('span', { class: `badge ${phaseKey(m.phase)}`, 'data-testid': 'phase' }, phaseLabel(m.phase))),
      h('div', { class: 'muted small ellipsis' }, `${m.id} · ${m.source} → ${m.target}`),
      h('div', { class: 'figures' },
        figure('rows copied', `${num(copied)} / ${num(total)}`, 'rows'),
        figure('progress', `${percent(copied, total).toFixed(1)} %`, 'percent'),
        figure(TERMINAL.has(m.phase) ? 'average speed' : 'speed', rate(speed), 'rate'),
        figure('time left', TERMINAL.has(m.phase) ? '–' : eta(m.estimatedRemaining), 'eta'),
        figure('events', num(this.cursor), 'events')),
      h('div', { class: `bar${done ? ' done' : ''}`, role: 'progressbar', 'aria-valuenow': percent(copied, total).toFixed(0), 'aria-valuemin': 0, 'aria-valuemax': 100 },
        h('span', { style: `width:${percent(copied, total)}%` })),
      this.timeline(m),
      m.errorMessage ? h('p', { class: 'small', style: 'color:var(--bad)' }, m.errorMessage) : null,
      actions.length ? h('div', { class: 'row', style: 'margin-top:.7rem' }, actions) : null,
    ].filter(Boolean));
  }

  timeline(m) {
    const reached = new Map();
    for (const p of this.phases) reached.set(p.phase, p.at);
    const items = PHASE_ORDER.map((phase) => {
      const cls = phase === m.phase ? 'current' : reached.has(phase) || phase < m.phase && !FAILED_PHASES.has(m.phase) && !ALERT_PHASES.has(m.phase) ? 'done' : '';
      return h('li', { class: cls }, phaseLabel(phase), reached.has(phase) ? h('time', {}, time(reached.get(phase))) : null);
    });
    if (ALERT_PHASES.has(m.phase) || FAILED_PHASES.has(m.phase)) {
      items.push(h('li', { class: FAILED_PHASES.has(m.phase) ? 'failed' : 'alert' }, phaseLabel(m.phase),
        reached.has(m.phase) ? h('time', {}, time(reached.get(m.phase))) : null));
    }
    return h('ol', { class: 'timeline', 'data-testid': 'timeline', 'aria-label': 'phases' }, items);
  }

  renderDecisions() {
    if (this.decisions.length === 0) {
      const waiting = this.plan && !this.plan.approved && this.migration?.phase === MigrationPhase.AWAITING_APPROVAL;
      this.el.decisions.replaceChildren(h('p', { class: 'muted' }, waiting ? 'Loading…' : 'Nothing waits for a decision.'));
      return;
    }
    const blocking = (this.plan?.problems ?? []).filter((p) => p.severity === PlanProblem_Severity.BLOCKING);
    this.el.decisions.replaceChildren(
      ...blocking.map((p) => h('p', { class: 'small', style: 'color:var(--bad)' }, `Blocking: ${p.table} ${p.message}`)),
      ...this.decisions.map((d) => decisionCard(d, (decision, option, buttons) => this.answer(decision, option, buttons))));
  }

  renderTables() {
    const rows = [...this.tables.values()].sort((a, b) => (a.wave ?? 0) - (b.wave ?? 0) || a.table.localeCompare(b.table));
    this.el.tables.replaceChildren(...rows.map((t) => {
      const p = percent(t.rowsCopied, t.rowsTotal);
      const complete = t.status === TableStatus.COMPLETED;
      return h('tr', { 'data-table': t.table },
        h('td', { class: 'ellipsis', title: tableStatusLabel(t.status) }, t.table),
        h('td', {}, h('div', { class: `bar${complete ? ' done' : ''}` }, h('span', { style: `width:${complete ? 100 : p}%` }))),
        h('td', { class: 'num', 'data-testid': 'table-rows' }, `${num(t.rowsCopied)} / ${num(t.rowsTotal)}`),
        h('td', { class: 'num' }, complete || t.status === TableStatus.RUNNING ? rate(t.rowsPerSecond) : '–'),
        h('td', { class: 'num hide-narrow' }, complete ? 'done' : eta(t.estimatedRemaining)),
        h('td', { class: 'num hide-narrow' }, t.currentBatchSize ? num(t.currentBatchSize) : '–'),
        h('td', { class: 'hide-narrow small' }, writePathLabel(t.writePath)));
    }));
  }

  renderProblems(m) {
    this.el.problems.replaceChildren(...(this.problems.length === 0
      ? [h('li', { class: 'muted', style: 'border:0' }, 'None so far.')]
      : this.problems.slice(-200).reverse().map((p) => h('li', { class: p.kind },
        h('div', { class: 'small muted' }, `#${p.sequence} · ${time(p.at)}${p.table ? ` · ${p.table}` : ''}`),
        p.text,
        p.options?.length ? h('div', { class: 'small muted' }, `options: ${p.options.join(', ')}`) : null))));
    const report = m.validation;
    if (!report || !report.validatedAt) {
      this.el.validation.replaceChildren();
      return;
    }
    this.el.validation.replaceChildren(
      h('h2', { style: 'margin-top:1rem' }, 'Validation ', h('span', { class: `badge ${report.passed ? 'completed' : 'failed'}` }, report.passed ? 'passed' : 'failed')),
      h('p', { class: 'small' }, report.summary),
      h('div', { class: 'table-scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'table'), h('th', { class: 'num' }, 'source'), h('th', { class: 'num' }, 'target'),
          h('th', { class: 'num' }, 'orphans'), h('th', {}, 'checksum'), h('th', {}, ''))),
        h('tbody', {}, report.tables.map((t) => h('tr', {},
          h('td', { class: 'ellipsis' }, t.table), h('td', { class: 'num' }, num(t.sourceRows)), h('td', { class: 'num' }, num(t.targetRows)),
          h('td', { class: 'num' }, num(t.orphanRows)),
          h('td', { class: 'small' }, t.sourceChecksum && t.sourceChecksum === t.targetChecksum ? 'match' : 'differs'),
          h('td', {}, t.passed ? '✓' : h('span', { title: t.issues.join('; '), style: 'color:var(--bad)' }, '✗ ' + t.issues.join('; '))))))),
      ));
  }
}

function figure(label, value, id) {
  return h('div', { class: 'figure', 'data-figure': id }, h('span', { class: 'muted small' }, label), h('b', {}, value));
}
