// The web dashboard in Debian's headless Chromium (puppeteer-core) against a live server and PostgreSQL:
// load it, answer the plan approval, watch progress advance during a real migration, see it complete and validate,
// ask the guidance chat a question, and lay it out on a phone. Screenshots go to TestResults/clients/.
//
// MIGRATION_TEST_SERVER (gRPC), MIGRATION_TEST_DASHBOARD (the browsers' endpoint), MIGRATION_TEST_POSTGRES;
// CHROMIUM_PATH (default /usr/bin/chromium). The TypeScript client must be built (clients/typescript: npm run build).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import puppeteer from 'puppeteer-core';

import { MigrationClient } from '../../../clients/typescript/dist/src/index.js';
import { Postgres } from '../../../clients/typescript/dist/test/support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const shots = process.env.CLIENT_TESTS_RESULTS ?? join(root, 'TestResults', 'clients');
const TOTAL_ROWS = 3400;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests/clients/run.sh browser`);
  return value;
}

describe('web dashboard in headless Chromium', () => {
  let browser;
  let page;
  let client;
  let postgres;
  let pair;
  let migrationId;
  let guidanceServed = true;
  const pageErrors = [];
  const dashboard = () => required('MIGRATION_TEST_DASHBOARD');

  before(async () => {
    mkdirSync(shots, { recursive: true });
    client = new MigrationClient({ server: required('MIGRATION_TEST_SERVER'), timeoutMs: 120_000 });
    postgres = new Postgres();
    pair = postgres.createPair('web_dashboard');
    // 50-row pages, one at a time: about 70 batches, so that progress is seen advancing.
    const created = await client.create(pair.source, pair.target, {
      includeSchemas: ['public'], baseBatchSize: 50, maxBatchSize: 50, minBatchSize: 50, maxConcurrentBatches: 1,
      description: 'dashboard test', requestedBy: 'browser-test',
    });
    migrationId = created.migration.id;
    try {
      await client.listDecisions(migrationId);
    } catch (error) {
      if (error.code !== 12 /* UNIMPLEMENTED */) throw error;
      guidanceServed = false;
    }
    browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1366, height: 900 });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  after(async () => {
    await browser?.close();
    if (migrationId) await client.cancel(migrationId, 'test done').catch(() => undefined);
    client?.close();
    if (pair) postgres.drop(pair);
  });

  const text = (selector) => page.$eval(selector, (el) => el.textContent.trim());

  // A failed test leaves a screenshot of what the page showed (TestResults/clients/dashboard-failed-N.png).
  let failures = 0;
  afterEach(async (t) => {
    if (page && t.passed === false) {
      failures += 1;
      await page.screenshot({ path: join(shots, `dashboard-failed-${failures}.png`), fullPage: true }).catch(() => undefined);
    }
  });

  it('lists the migration', async () => {
    await page.goto(`${dashboard()}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector(`[data-migration="${migrationId}"]`, { timeout: 20_000 });
    assert.match(await text(`[data-migration="${migrationId}"] .badge`), /awaiting approval/);
    await page.waitForFunction(() => /connected/.test(document.querySelector('[data-testid=connection]')?.textContent ?? ''), { timeout: 20_000 });
    await page.screenshot({ path: join(shots, 'dashboard-list.png') });
  });

  it('refuses the plan approval to a viewer (API key entered under Access)', async (t) => {
    const viewerKey = process.env.MIGRATION_TEST_VIEWER_KEY;
    if (!viewerKey) {
      t.skip('the server was not started with a viewer API key (tests/clients/run.sh does)');
      return;
    }
    await page.goto(`${dashboard()}/#/m/${encodeURIComponent(migrationId)}`, { waitUntil: 'domcontentloaded' });
    try {
      await page.locator('#settings-button').setTimeout(30_000).click();
      await page.locator('#settings input[name=apiKey]').setTimeout(30_000).fill(viewerKey);
      await page.locator('#settings button[type=submit]').setTimeout(30_000).click();
      await page.waitForSelector('[data-decision="plan-approval"] [data-option="approve-and-start"]', { timeout: 20_000 });
      await page.locator('[data-decision="plan-approval"] [data-option="approve-and-start"]').setTimeout(30_000).click();
      await page.waitForFunction(() => document.getElementById('toast').textContent.includes('role may not'), { timeout: 20_000 });
      assert.equal((await client.get(migrationId)).phase, 'MIGRATION_PHASE_AWAITING_APPROVAL');
      await page.screenshot({ path: join(shots, 'dashboard-denied.png') });
    } finally {
      await page.evaluate(() => localStorage.clear());
    }
    await page.goto(`${dashboard()}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector(`[data-migration="${migrationId}"]`, { timeout: 20_000 });
  });

  it('shows the plan approval and answering it starts the migration; progress advances live to completion', async () => {
    await page.locator(`[data-migration="${migrationId}"]`).setTimeout(30_000).click();
    await page.waitForSelector('[data-decision="plan-approval"] [data-option="approve-and-start"]', { timeout: 20_000 });
    assert.match(await text('[data-testid=phase]'), /awaiting approval/);
    assert.match(await text('[data-testid=tables]'), /public\.orders/);
    await page.screenshot({ path: join(shots, 'dashboard-approval.png'), fullPage: true });

    // Record every value the "rows copied" figure shows from now on.
    await page.evaluate(() => {
      window.progressSeen = [];
      const read = () => {
        const value = document.querySelector('[data-figure=rows] b')?.textContent ?? '';
        if (window.progressSeen.at(-1) !== value) window.progressSeen.push(value);
      };
      new MutationObserver(read).observe(document.querySelector('[data-testid=summary]'), { subtree: true, childList: true, characterData: true });
      read();
    });
    await page.locator('[data-decision="plan-approval"] [data-option="approve-and-start"]').setTimeout(30_000).click();

    await page.waitForFunction(() => (window.progressSeen ?? []).some((v) => /^[1-9][\d,]* \/ 3,400$/.test(v) && v !== '3,400 / 3,400'), { timeout: 60_000 });
    await page.screenshot({ path: join(shots, 'dashboard-running.png'), fullPage: true });
    await page.waitForFunction(() => document.querySelector('[data-testid=phase]')?.textContent.includes('completed'), { timeout: 240_000 });
    await page.waitForSelector('[data-testid=validation] .badge', { timeout: 60_000 });

    const seen = await page.evaluate(() => window.progressSeen);
    const copied = seen.map((v) => Number(v.split('/')[0].replaceAll(',', '').trim())).filter((n) => !Number.isNaN(n));
    const between = copied.filter((n) => n > 0 && n < TOTAL_ROWS);
    assert.ok(new Set(between).size >= 2, `progress should be seen advancing, saw: ${seen.join(' | ')}`);
    assert.deepEqual(copied, [...copied].sort((a, b) => a - b), `progress never goes back: ${seen.join(' | ')}`);
    assert.equal(copied.at(-1), TOTAL_ROWS);
    assert.match(await text('[data-testid=validation] .badge'), /passed/);
    assert.match(await text('[data-testid=timeline]'), /execution/);
    const orders = await page.$eval('tr[data-table="public.orders"] [data-testid=table-rows]', (el) => el.textContent.trim());
    assert.equal(orders, '2,500 / 2,500');
    // Both charts show every batch (about 70 pages of 50 rows).
    await page.waitForFunction(() => [...document.querySelectorAll('.chart-box canvas')].every((c) => Number(c.dataset.points) >= 68), { timeout: 10_000 });
    assert.equal((await client.get(migrationId)).phase, 'MIGRATION_PHASE_COMPLETED');
    await page.screenshot({ path: join(shots, 'dashboard-completed.png'), fullPage: true });
  });

  it('answers a question in the chat panel', async (t) => {
    if (!guidanceServed) {
      await page.waitForFunction(() => document.querySelector('[data-testid=chat]')?.textContent.includes('not available'), { timeout: 10_000 });
      t.skip('the server does not serve GuidanceService yet (the panel says so)');
      return;
    }
    await page.locator('[data-testid=chat] input[name=question]').setTimeout(30_000).fill('How many rows were copied?');
    await page.locator('[data-testid=chat] button[type=submit]').setTimeout(30_000).click();
    await page.waitForSelector('[data-testid=chat-log] .msg.assistant', { timeout: 30_000 });
    const answer = await text('[data-testid=chat-log] .msg.assistant');
    assert.ok(answer.length > 0);
    await page.screenshot({ path: join(shots, 'dashboard-chat.png'), fullPage: true });
  });

  it('fits a phone screen', async () => {
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.querySelector('[data-testid=phase]')?.textContent.includes('completed'), { timeout: 60_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
    await page.screenshot({ path: join(shots, 'dashboard-phone.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
