/**
 * Real peer: the exporter's landing page rendered by headless Chromium shows the targets table
 * with names and states, escapes hostile text, and links to the other endpoints. A screenshot is
 * written to a temp dir, or to docs/screenshots/landing-page.png with RDS_AGENT_UPDATE_SCREENSHOTS=1.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Clock } from '@rds-agent/core';
import { launchChromium, type ChromiumSession } from '../support/chromium.js';
import { startExporter, type ExporterFixture } from '../support/prometheus-exporter-fixture.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);

/** A settable clock, so the page (and its screenshot) is the same on every run. */
class SetClock implements Clock {
  t = T0;
  now(): number {
    return this.t;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

describe('landing page in headless Chromium', { timeout: 120_000 }, () => {
  let fx: ExporterFixture;
  let browser: ChromiumSession;
  const clock = new SetClock();
  const hostile = 'lab<img src=x onerror="document.title=\'pwned\'">&co';

  before(async () => {
    fx = await startExporter({}, clock);
    const t = fx.target;
    t.connect('rds-primary');
    clock.t += 60_000;
    t.probe('rds-primary', 2.37);
    t.connect('rds-backup');
    clock.t += 120_000;
    t.lose('rds-backup', 'timeout');
    t.failAttempt('rds-backup', 'timeout', 4000);
    t.failAttempt('rds-backup', 'refused', 8000);
    t.failAttempt('rds-dr-site', 'auth', 16_000);
    clock.t += 2_000;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await fx?.stop();
  });

  it('renders the targets table with each target name and state', async () => {
    const page = await browser.context.newPage();
    const res = await page.goto(`${fx.url}/`);
    assert.equal(res?.status(), 200);
    assert.equal(await page.title(), 'rds-agent');
    const rows = await page.locator('#targets tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ name: tr.querySelector('td.name')?.textContent, state: tr.querySelector('td.state')?.textContent })),
    );
    assert.deepEqual(
      rows.sort((a, b) => String(a.name).localeCompare(String(b.name))),
      [
        { name: 'rds-backup', state: 'disconnected' },
        { name: 'rds-dr-site', state: 'disconnected' },
        { name: 'rds-primary', state: 'connected' },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );
    assert.equal(await page.locator('script').count(), 0);
    assert.match((await page.locator('#ready').textContent()) ?? '', /^ready$/);
    assert.match(await page.locator('body').innerText(), /2\.4\s+ms/);
    assert.match(await page.locator('body').innerText(), /in 14s/, 'rds-dr-site retries 16 s after its failure, 2 s ago');

    const shotDir = process.env['RDS_AGENT_UPDATE_SCREENSHOTS'] === '1' ? join(REPO, 'docs', 'screenshots') : await mkdtemp(join(tmpdir(), 'rds-shot-'));
    await mkdir(shotDir, { recursive: true });
    await page.screenshot({ path: join(shotDir, 'landing-page.png'), fullPage: true });
    assert.ok((await stat(join(shotDir, 'landing-page.png'))).size > 5_000, 'screenshot written');
    if (!shotDir.startsWith(join(REPO, 'docs'))) await rm(shotDir, { recursive: true, force: true });
    const links = await page.locator('ul.links a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['/metrics', '/status', '/readyz', '/healthz']);
    await page.click('text=Status');
    const doc = JSON.parse((await page.locator('body').innerText()).trim());
    assert.equal(doc.targets.length, 3);

    await page.close();
  });

  it('shows hostile target names as text', async () => {
    fx.target.connect(hostile);
    const page = await browser.context.newPage();
    await page.goto(`${fx.url}/`);
    const names = await page.locator('#targets td.name').allTextContents();
    assert.ok(names.includes(hostile), JSON.stringify(names));
    assert.equal(await page.locator('#targets img').count(), 0, 'markup in a name is not parsed');
    assert.equal(await page.title(), 'rds-agent');
    await page.close();
  });
});
