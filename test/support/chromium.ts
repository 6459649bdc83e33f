/**
 * Headless Chromium for real-peer tests, driven by playwright-core against Debian's `chromium`
 * (no browser download works here). A missing binary FAILS the test naming the package.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { requireBinary } from './prometheus-server.js';

export const CHROMIUM_BIN = '/usr/bin/chromium';

/** Flags for a quiet, sandbox-less, network-silent headless run (see test-peers.md). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumSession {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh user-data dir (removed on close). */
export async function launchChromium(): Promise<ChromiumSession> {
  const executablePath = requireBinary(CHROMIUM_BIN, 'chromium');
  const userDataDir = await mkdtemp(join(tmpdir(), 'rds-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 560 },
      timeout: 60_000,
    });
    return {
      context,
      async close() {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
}
