// Entry point: the migration list (refreshed every 5 s) and, for #/m/<id>, one migration live.
import { describeError, forgetAccess, loadAccess, migrations, saveAccess } from './api.js';
import { MigrationView } from './detail.js';
import { h, num, percent, phaseKey, phaseLabel, rate, time, toast } from './format.js';

const listView = document.getElementById('list-view');
const detailView = document.getElementById('detail-view');
const connection = document.querySelector('[data-testid=connection]');
let current;
let listTimer;

function setConnection(ok) {
  connection.classList.toggle('ok', ok);
  connection.classList.toggle('bad', !ok);
  connection.textContent = ok ? 'connected' : 'reconnecting…';
}

async function loadList() {
  clearTimeout(listTimer);
  try {
    const { migrations: items } = await migrations.listMigrations({ pageSize: 100 });
    setConnection(true);
    items.sort((a, b) => Number((b.createdAt?.seconds ?? 0n) - (a.createdAt?.seconds ?? 0n)));
    document.getElementById('list-empty').hidden = items.length > 0;
    document.getElementById('migrations').replaceChildren(...items.map((m) => h('li', {},
      h('a', { href: `#/m/${encodeURIComponent(m.id)}`, 'data-migration': m.id },
        h('span', { class: 'ellipsis' }, h('b', {}, m.description || m.id), ' ', h('span', { class: 'muted small' }, m.id)),
        h('span', { class: `badge ${phaseKey(m.phase)}` }, phaseLabel(m.phase)),
        h('span', { class: 'muted small ellipsis' }, `${m.source} → ${m.target}`),
        h('span', { class: 'muted small' }, `${num(m.rowsCopied)} / ${num(m.rowsTotal)} rows${m.rowsPerSecond ? ` · ${rate(m.rowsPerSecond)}` : ''}`),
        h('div', { class: 'bar', style: 'grid-column:1/-1' }, h('span', { style: `width:${percent(m.rowsCopied, m.rowsTotal)}%` }))))));
    document.getElementById('list-updated').textContent = `updated ${time({ seconds: BigInt(Math.floor(Date.now() / 1000)), nanos: 0 })}`;
  } catch (error) {
    setConnection(false);
    toast(describeError(error));
  }
  listTimer = setTimeout(loadList, 5000);
}

function route() {
  current?.stop();
  current = undefined;
  clearTimeout(listTimer);
  const match = /^#\/m\/(.+)$/.exec(location.hash);
  if (match) {
    listView.hidden = true;
    detailView.hidden = false;
    current = new MigrationView(detailView, decodeURIComponent(match[1]), setConnection);
    current.start();
  } else {
    detailView.hidden = true;
    listView.hidden = false;
    loadList();
  }
}

function settings() {
  const form = document.getElementById('settings');
  const toggle = document.getElementById('settings-button');
  const fill = () => {
    const access = loadAccess();
    for (const name of ['token', 'apiKey', 'user']) form.elements[name].value = access[name] ?? '';
  };
  toggle.addEventListener('click', () => {
    form.hidden = !form.hidden;
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    fill();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saveAccess({ token: form.elements.token.value.trim(), apiKey: form.elements.apiKey.value.trim(), user: form.elements.user.value.trim() });
    form.hidden = true;
    toast('Saved.');
    route();
  });
  document.getElementById('settings-clear').addEventListener('click', () => {
    forgetAccess();
    fill();
    toast('Forgotten.');
  });
}

settings();
window.addEventListener('hashchange', route);
route();
