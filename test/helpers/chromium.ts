import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium for the browser tests (test/browser/), driven by playwright-core: never
 * downloaded. Without an executable a browser test file is skipped with a warning, except under
 * CI, where it fails (`requireChromium` in its beforeAll).
 */

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const IN_CI = Boolean(process.env.CI);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const HAVE_CHROMIUM = isExecutable(CHROMIUM);
const MISSING = `no Chromium executable at ${CHROMIUM}${process.env.CHROMIUM_PATH ? ' (from CHROMIUM_PATH)' : ''}. Install it with \`apt-get install -y chromium\` (Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium/Chrome binary.`;

/** True when a browser test file should be skipped; says so loudly (call it at the top of the file). */
export function skipWithoutChromium(file: string): boolean {
  const skip = !HAVE_CHROMIUM && !IN_CI;
  if (skip) console.warn(`\n${'!'.repeat(100)}\n!! SKIPPING ${file}: ${MISSING}\n!! (With CI set, this test fails instead of skipping.)\n${'!'.repeat(100)}\n`);
  return skip;
}

/** Under CI a missing Chromium is a failure, not a skip. */
export function requireChromium(): void {
  if (!HAVE_CHROMIUM) throw new Error(`CI is set, so this browser test must run, but there is ${MISSING}`);
}

/** One headless Chromium for a test file (close it in afterAll); nothing it does on its own reaches the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    // playwright passes most of these itself; listed so the set does not depend on its version.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 20_000,
  });
}
