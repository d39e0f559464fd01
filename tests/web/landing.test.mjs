// Real-browser tests of the node's landing page (web/), against a running node.
//
//   YW_BASE_URL=http://127.0.0.1:8080 node --test tests/web/
//
// Env:
//   YW_BASE_URL       base URL of the node (required); a path prefix is allowed
//   YW_ARTIFACTS_DIR  where screenshots go (default: a fresh temp dir, printed)
//   YW_CHROMIUM       browser binary (default /usr/bin/chromium, Debian's package)
//
// Uses playwright-core with the system Chromium (no browser download) and
// axe-core for WCAG 2.1 A/AA. Nothing here knows the node's name or other data:
// what the page shows is compared with the node's own JSON.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const TIMEOUT = 60_000;

const BASE = process.env.YW_BASE_URL ? new URL(process.env.YW_BASE_URL.replace(/\/*$/, '/')) : null;
const url = (rel) => new URL(rel, BASE).href;

let browser;
let artifacts;

before(async () => {
  assert.ok(BASE, 'set YW_BASE_URL to the base URL of a running yiwang node, e.g. http://127.0.0.1:8080');
  artifacts = process.env.YW_ARTIFACTS_DIR || mkdtempSync(join(tmpdir(), 'yiwang-web-'));
  mkdirSync(artifacts, { recursive: true });
  console.log(`# screenshots in ${artifacts}`);
  browser = await chromium.launch({
    executablePath: process.env.YW_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
});

async function getJSON(rel) {
  const res = await fetch(url(rel), { headers: { Accept: 'application/json' } });
  assert.equal(res.status, 200, `GET ${rel}`);
  return res.json();
}

/** A fresh context (empty localStorage) and page, recording every problem. */
async function openPage({ width = 1280, height = 900, colorScheme = 'light', context } = {}) {
  const ctx = context || await browser.newContext({
    viewport: { width, height }, colorScheme, reducedMotion: 'reduce', locale: 'zh-CN',
  });
  const page = await ctx.newPage();
  const problems = { console: [], pageErrors: [], failed: [], badStatus: [], foreign: [] };
  page.on('console', (m) => { if (m.type() === 'error') problems.console.push(m.text()); });
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  page.on('requestfailed', (r) => problems.failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.badStatus.push(`${r.status()} ${r.url()}`); });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin !== BASE.origin && u.protocol !== 'data:') problems.foreign.push(r.url());
  });
  return { ctx, page, problems };
}

async function load(page, { expect = 'ready' } = {}) {
  await page.goto(url('./'), { waitUntil: 'load' });
  await page.locator(`#load-status[data-state="${expect}"]`).waitFor({ timeout: 15_000 });
}

async function axe(page, label) {
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const report = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(report, [], `axe violations in ${label}:\n${report.join('\n')}`);
  assert.ok(result.passes.length > 0, 'axe ran no rules');
}

const rootFontPx = (page) => page.evaluate(() =>
  parseFloat(getComputedStyle(document.body).fontSize));

async function setElder(page, on) {
  const btn = page.locator('#elder-toggle');
  if ((await btn.getAttribute('aria-pressed')) !== String(on)) await btn.click();
  assert.equal(await btn.getAttribute('aria-pressed'), String(on));
}

test('page loads with no console errors, no failed or outside requests, no inline code', { timeout: TIMEOUT }, async () => {
  const { ctx, page, problems } = await openPage();
  try {
    const res = await page.goto(url('./'), { waitUntil: 'networkidle' });
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'] || '', /text\/html/);
    await page.locator('#load-status[data-state="ready"]').waitFor({ timeout: 15_000 });
    assert.deepEqual(problems, { console: [], pageErrors: [], failed: [], badStatus: [], foreign: [] });

    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    // The server's CSP forbids inline script and style: make sure the page needs neither,
    // whatever server is in front of it.
    const inline = await page.evaluate(() => ({
      styleAttrs: document.querySelectorAll('[style]').length,
      styleElements: document.querySelectorAll('style').length,
      inlineScripts: [...document.scripts].filter((s) => !s.src).length,
      handlerAttrs: [...document.querySelectorAll('*')].filter((el) =>
        [...el.attributes].some((a) => a.name.startsWith('on'))).length,
    }));
    assert.deepEqual(inline, { styleAttrs: 0, styleElements: 0, inlineScripts: 0, handlerAttrs: 0 });
    // Landmarks.
    for (const sel of ['header', 'nav', 'main#main', 'footer']) {
      assert.equal(await page.locator(sel).count(), 1, `one ${sel}`);
    }
  } finally {
    await ctx.close();
  }
});

test('heading shows the node name from /v1/node', { timeout: TIMEOUT }, async () => {
  const node = await getJSON('v1/node');
  assert.equal(typeof node.name, 'string');
  const { ctx, page } = await openPage();
  try {
    await load(page);
    const h1 = page.locator('h1');
    assert.equal(await h1.count(), 1);
    assert.equal((await page.locator('h1 #node-name').textContent()).trim(), node.name);
    assert.ok((await page.title()).includes(node.name), 'title carries the node name');
    assert.equal((await page.locator('#fact-origin').textContent()).trim(), node.origin);
    const profile = await page.locator('#fact-profile').textContent();
    if (node.profile === 'gm') assert.match(profile, /SM2/);
    else if (node.profile === 'intl') assert.match(profile, /Ed25519/);
    else assert.ok(profile.includes(node.profile));
  } finally {
    await ctx.close();
  }
});

test('health shows ok', { timeout: TIMEOUT }, async () => {
  const health = await getJSON('v1/health');
  assert.equal(health.status, 'ok', 'the node reports itself healthy');
  const { ctx, page } = await openPage();
  try {
    await load(page);
    const el = page.locator('#fact-health');
    assert.equal(await el.getAttribute('data-status'), 'ok');
    const text = await el.textContent();
    assert.match(text, /运行正常/);
    assert.match(text, /OK/);
    assert.notEqual((await page.locator('#fact-uptime').textContent()).trim(), '…');
  } finally {
    await ctx.close();
  }
});

test('when the node API cannot be reached the page says so, in Chinese and English', { timeout: TIMEOUT }, async () => {
  const { ctx, page, problems } = await openPage();
  try {
    await page.route(/\/v1\/(node|health)(\?.*)?$/, (route) => route.abort('connectionrefused'));
    await load(page, { expect: 'error' });
    const status = page.locator('#load-status');
    assert.equal(await status.getAttribute('role'), 'status');
    assert.equal(await status.getAttribute('aria-live'), 'polite');
    assert.match(await status.textContent(), /抱歉.*无法/s);
    assert.equal(await status.locator('[lang="en"]').count(), 1);
    assert.ok((await page.locator('h1').textContent()).trim().length > 0, 'static heading stays');
    assert.deepEqual(problems.pageErrors, [], 'no JavaScript errors');

    // And recovers through the Refresh button once the node answers.
    await page.unroute(/\/v1\/(node|health)(\?.*)?$/);
    await page.locator('#reload').click();
    await page.locator('#load-status[data-state="ready"]').waitFor({ timeout: 15_000 });
  } finally {
    await ctx.close();
  }
});

for (const scheme of ['light', 'dark']) {
  test(`axe-core: no WCAG 2.1 A/AA violations, normal and elder mode (${scheme})`, { timeout: TIMEOUT }, async () => {
    const { ctx, page } = await openPage({ colorScheme: scheme });
    try {
      await load(page);
      await axe(page, `normal mode, ${scheme}`);
      await setElder(page, true);
      await axe(page, `elder mode, ${scheme}`);
      await page.locator('details.key summary').click();
      await axe(page, `elder mode, ${scheme}, public key open`);
    } finally {
      await ctx.close();
    }
  });
}

test('elder mode: aria-pressed, larger type, bigger targets, remembered across reload', { timeout: TIMEOUT }, async () => {
  const { ctx, page } = await openPage();
  try {
    await load(page);
    const btn = page.locator('#elder-toggle');
    assert.equal(await btn.evaluate((el) => el.tagName), 'BUTTON');
    assert.equal(await btn.getAttribute('aria-pressed'), 'false');
    const normal = await rootFontPx(page);
    assert.ok(normal >= 18, `base font ${normal}px >= 18px`);
    assert.ok((await btn.boundingBox()).height >= 44, 'toggle >= 44px tall');

    await btn.click();
    assert.equal(await btn.getAttribute('aria-pressed'), 'true');
    const elder = await rootFontPx(page);
    assert.ok(elder > normal, `elder font ${elder}px > normal ${normal}px`);
    assert.ok((await btn.boundingBox()).height >= 60, 'toggle >= 60px tall in elder mode');

    // Line spacing >= 1.3 (MIIT 适老化) on running text.
    const tight = await page.evaluate(() => [...document.querySelectorAll('main p, main dd, footer p')]
      .filter((el) => {
        const cs = getComputedStyle(el);
        return parseFloat(cs.lineHeight) < 1.3 * parseFloat(cs.fontSize);
      }).map((el) => el.textContent.trim().slice(0, 30)));
    assert.deepEqual(tight, [], 'line-height >= 1.3 × font size');

    await page.reload();
    await page.locator('#load-status[data-state="ready"]').waitFor({ timeout: 15_000 });
    assert.equal(await btn.getAttribute('aria-pressed'), 'true', 'remembered after reload');
    assert.equal(await rootFontPx(page), elder);

    await btn.click();
    assert.equal(await btn.getAttribute('aria-pressed'), 'false');
    assert.equal(await rootFontPx(page), normal);
    await page.reload();
    await page.locator('#load-status[data-state="ready"]').waitFor({ timeout: 15_000 });
    assert.equal(await btn.getAttribute('aria-pressed'), 'false', 'turning it off is remembered too');
  } finally {
    await ctx.close();
  }
});

test('keyboard: first Tab focuses the skip link, which moves focus to main', { timeout: TIMEOUT }, async () => {
  const { ctx, page } = await openPage();
  try {
    await load(page);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      const r = el.getBoundingClientRect();
      return { cls: el.className, href: el.getAttribute('href'), top: r.top, height: r.height };
    });
    assert.equal(focused.cls, 'skip-link');
    assert.equal(focused.href, '#main');
    assert.ok(focused.top >= 0 && focused.height > 0, 'skip link is visible when focused');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    // The elder-mode toggle is reachable and works from the keyboard.
    await page.locator('#elder-toggle').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#elder-toggle').getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#elder-toggle').getAttribute('aria-pressed'), 'false');
  } finally {
    await ctx.close();
  }
});

for (const width of [360, 320]) {
  test(`no horizontal scroll at ${width}px wide, normal and elder mode`, { timeout: TIMEOUT }, async () => {
    const { ctx, page } = await openPage({ width, height: 740 });
    try {
      await load(page);
      for (const mode of [false, true]) {
        await setElder(page, mode);
        const m = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
        }));
        assert.ok(m.scroll <= m.client, `${mode ? 'elder' : 'normal'} mode: scrollWidth ${m.scroll} > ${m.client}`);
      }
    } finally {
      await ctx.close();
    }
  });
}

test('screenshots', { timeout: TIMEOUT }, async () => {
  const shots = [
    ['landing.png', { width: 1280, height: 900 }, false],
    ['landing-elder.png', { width: 1280, height: 900 }, true],
    ['landing-360.png', { width: 360, height: 740 }, false],
    ['landing-elder-360.png', { width: 360, height: 740 }, true],
    ['landing-dark.png', { width: 1280, height: 900, colorScheme: 'dark' }, false],
  ];
  for (const [name, opts, elder] of shots) {
    const { ctx, page } = await openPage(opts);
    try {
      await load(page);
      await setElder(page, elder);
      const path = join(artifacts, name);
      await page.screenshot({ path, fullPage: true });
      console.log(`# wrote ${path}`);
    } finally {
      await ctx.close();
    }
  }
});
