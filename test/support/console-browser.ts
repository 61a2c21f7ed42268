import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { onCleanup } from './test-context.js';

/**
 * Headless Chromium for the console's browser tests: Debian's package
 * (/usr/bin/chromium, installed by .ci/run where missing), driven by
 * puppeteer-core, which never downloads a browser. CHROMIUM_PATH points
 * elsewhere when needed.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where every test saves its screenshots; .ci/run prints it and CI keeps it as an artefact. */
export const SCREENSHOT_DIR = resolve('test-artifacts/console');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

export async function launchBrowser(): Promise<Browser> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // CI runs as root in a container, where Chromium's sandbox cannot start; nothing here browses the web.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--lang=en-US'],
  });
  onCleanup(() => browser.close());
  return browser;
}

/** A page of its own (its own cookies: an incognito-like context), at a viewport. */
export async function openPage(browser: Browser, viewport: typeof DESKTOP | typeof PHONE = DESKTOP): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(viewport);
  await page.emulateTimezone('Europe/Paris');
  page.setDefaultTimeout(30_000);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // The focus ring of the last key press (the accessibility check tabs to the skip link) is not part of the picture.
  await page.evaluate('document.activeElement?.blur()');
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  return path;
}

/** Clicks what the selector finds and waits for the page it loads. */
export async function follow(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

/** Clicks the link whose text contains `text` and waits for the page it loads. */
export async function followLink(page: Page, text: string): Promise<void> {
  const link = await page.waitForSelector(`::-p-xpath(//a[contains(normalize-space(.), ${JSON.stringify(text)})])`);
  assert.ok(link, `a link "${text}"`);
  await Promise.all([page.waitForNavigation(), link.click()]);
}

/** As an operator pastes it: the whole value at once (typing a kilobyte JWT key by key takes seconds). */
export async function pasteToken(page: Page, token: string): Promise<void> {
  await page.locator('#token').fill(token);
}

export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/console/sign-in`);
  await pasteToken(page, token);
  await follow(page, 'form button[type=submit]');
}

/** The text as the reader sees it: rendered (hidden parts left out, table cells apart), so innerText, not textContent. */
export async function textOf(page: Page, selector = 'main'): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the assertions are about
  return page.$eval(selector, (el) => (el as unknown as { innerText: string }).innerText);
}

/**
 * What a screen reader and a keyboard need, checked on every page a test
 * visits: one main and one banner landmark, a labelled navigation, every
 * visible form control labelled, every table with a caption and column
 * headers, and the skip link first in the tab order.
 */
export async function assertAccessible(page: Page): Promise<void> {
  // A string: the test code is compiled without the DOM's types; this runs in the page.
  const report = (await page.evaluate(`(() => {
    const unlabelled = [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden')
      .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
      .map((el) => el.name);
    const tables = [...document.querySelectorAll('table')].map((t) => ({
      caption: Boolean(t.querySelector('caption')),
      headers: t.querySelectorAll('th[scope=col]').length,
    }));
    return {
      lang: document.documentElement.lang,
      main: document.querySelectorAll('main').length,
      banner: document.querySelectorAll('header').length,
      unlabelled,
      tables,
    };
  })()`)) as { lang: string; main: number; banner: number; unlabelled: string[]; tables: Array<{ caption: boolean; headers: number }> };
  assert.equal(report.lang, 'en');
  assert.equal(report.main, 1, 'one main landmark');
  assert.equal(report.banner, 1, 'one banner');
  assert.deepEqual(report.unlabelled, [], 'every form control has a label');
  for (const t of report.tables) assert.ok(t.caption && t.headers > 0, 'every table has a caption and column headers');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content', 'the skip link comes first');
}
