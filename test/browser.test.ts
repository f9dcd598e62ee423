import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentCode } from '../console/auth/totp.ts';
import { postgresAvailable } from '../console/store/testing.ts';
import { type ConsoleProcess, emptyPostgresDatabase, repoRoot, runAdmin, startConsole } from './console-process.ts';

/**
 * A new user's first visit, in a real Chromium against the real console process: sign in,
 * enrol an authenticator, browse the demo province in Chinese and English; then an auditor
 * reads and verifies the audit log. Screenshots land in test-results/ for a human to look at.
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  if (process.env.CI)
    throw new Error(`Chromium is required in CI but missing at ${chromiumPath} (.ci/run installs it)`);
  console.warn(`skipping browser tests: no Chromium at ${chromiumPath} (apt-get install chromium)`);
}

const password = 'browser-test-password-1';
const shots = join(repoRoot, 'test-results');

const pgUp = await postgresAvailable();

describe.runIf(hasChromium).each([
  { backend: 'sqlite', enabled: true },
  { backend: 'postgres', enabled: pgUp },
])('console in a real browser on $backend', ({ backend, enabled }) => {
  let dir: string;
  let app: ConsoleProcess;
  let browser: Browser;
  let databaseUrl: string;
  let dropDatabase = async () => {};

  beforeAll(async () => {
    if (!enabled) return;
    dir = mkdtempSync(join(tmpdir(), 'govops-browser-'));
    if (backend === 'postgres') {
      const db = await emptyPostgresDatabase();
      databaseUrl = db.url;
      dropDatabase = db.drop;
    } else {
      databaseUrl = `sqlite:${join(dir, 'console.db')}`;
    }
    app = await startConsole({ databaseUrl, env: { CONSOLE_ADMIN_PASSWORD: password } });
    mkdirSync(shots, { recursive: true });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await dropDatabase();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Signs in through the forms, enrolling TOTP from the secret the page shows. */
  async function signInEnrolling(page: Page, username: string, userPassword: string) {
    await page.goto(`${app.baseUrl}/`);
    await expect.poll(() => page.url()).toContain('/login');
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', userPassword);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/login\/enrol/);
    expect(await page.locator('.qr svg').count()).toBe(1);
    const secret = (await page.locator('code.secret').textContent())!.trim();
    await page.fill('input[name=code]', currentCode(secret, new Date()));
    await page.click('button[type=submit]');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }

  it.runIf(enabled)(
    'signs in the admin with TOTP enrolment and browses the departments in Chinese and English',
    async () => {
      const context = await browser.newContext({ locale: 'zh-CN' });
      const page = await context.newPage();
      await signInEnrolling(page, 'admin', password);
      await expect.poll(() => page.locator('h1').textContent()).toBe('概览');
      await expect.poll(() => page.locator('.badge.demo').textContent()).toBe('演示数据');

      await page.click('nav >> text=委办局');
      await page.waitForURL(/\/departments/);
      expect(await page.locator('h1').textContent()).toBe('委办局');
      expect(await page.locator('tbody tr').count()).toBe(50);
      expect(await page.content()).toContain('3,196');
      await page.screenshot({ path: join(shots, `departments-zh-${backend}.png`), fullPage: false });

      // Filter to county departments mentioning 教育 (education); htmx updates the table in place.
      await page.selectOption('select[name=level]', 'county');
      await page.fill('input[name=q]', '教育');
      await page.locator('form.filters button[type=submit]').click();
      // Choosing the level already updates the list (htmx on change); wait for the searched one.
      await expect.poll(() => page.url()).toContain(`q=${encodeURIComponent('教育')}`);
      const names = () => page.locator('tbody tr td:nth-child(2)').allTextContents();
      await expect.poll(async () => (await names()).length).toBeGreaterThan(0);
      await expect.poll(async () => (await names()).every((n) => n.includes('教育'))).toBe(true);
      expect(page.url()).toContain('level=county');

      await page.click('a.lang');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Departments');
      expect(await page.locator('th').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringContaining('Name')]),
      );
      await page.screenshot({ path: join(shots, `departments-en-${backend}.png`), fullPage: false });

      // The language choice sticks across pages.
      await page.goto(`${app.baseUrl}/`);
      expect(await page.locator('h1').textContent()).toBe('Overview');
      await context.close();
    },
  );

  it.runIf(enabled)(
    'lets a network operator enrol an agent, seeing its token once, and browse the extranet and certificates',
    async () => {
      const operatorPassword = 'network-operator-pw-1';
      await runAdmin(databaseUrl, [
        'create-user',
        'netops',
        '--role',
        'network-operator',
        '--password',
        operatorPassword,
      ]);
      const context = await browser.newContext({ locale: 'zh-CN' });
      const page = await context.newPage();
      await signInEnrolling(page, 'netops', operatorPassword);

      await page.click('nav >> text=探针代理');
      await page.waitForURL(/\/agents/);
      await page.click('a.button[href="/agents/new"]');
      await page.fill('input[name=name]', '合肥-政务外网-探针01');
      await page.click('form.stacked button[type=submit]');
      const token = (await page.locator('#enrolment-token').textContent())!.trim();
      expect(token).toMatch(/^gve_/);
      expect(await page.locator('#agent-yaml').textContent()).toContain(token);
      await page.screenshot({ path: join(shots, `agent-enrolment-zh-${backend}.png`), fullPage: false });
      // Shown once: the agent's own page and the list never show it again.
      await page.goto(`${app.baseUrl}/agents`);
      expect(await page.locator('tbody').textContent()).toContain('合肥-政务外网-探针01');
      expect(await page.content()).not.toContain(token);

      // The demo province's extranet as a tree of 16 cities, every link unknown until measured.
      await page.click('nav >> text=电子政务外网');
      await page.waitForURL(/\/extranet/);
      expect(await page.locator('h1').textContent()).toBe('电子政务外网总览');
      expect(await page.locator('details.city').count()).toBe(16);
      await page.screenshot({ path: join(shots, `extranet-zh-${backend}.png`), fullPage: false });

      // What to do when a link above others goes down: the overview links to its runbook.
      await page.click('.runbook-links >> text=ExtranetUpstreamLinkDown');
      await page.waitForURL(/\/runbooks\/extranet\/ExtranetUpstreamLinkDown$/);
      expect(await page.locator('article.runbook h2').allTextContents()).toEqual(['含义', '影响', '诊断', '处置']);
      expect(await page.locator('article.runbook pre').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(shots, `runbook-zh-${backend}.png`), fullPage: false });

      await page.goto(`${app.baseUrl}/certificates/board`);
      expect(await page.locator('h1').textContent()).toBe('证书到期看板');
      await context.close();
    },
  );

  it.runIf(enabled)('lets the audit administrator read and verify the audit log', async () => {
    const auditorPassword = 'auditor-password-123';
    await runAdmin(databaseUrl, ['create-user', 'auditor', '--role', 'audit-admin', '--password', auditorPassword]);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signInEnrolling(page, 'auditor', auditorPassword);
    await page.click('nav >> text=Audit log');
    await page.waitForURL(/\/audit/);
    const actions = await page.locator('tbody tr').allTextContents();
    expect(actions.join('\n')).toContain('session.sign-in');
    await page.screenshot({ path: join(shots, `audit-en-${backend}.png`), fullPage: false });
    await page.goto(`${app.baseUrl}/audit/verify`);
    expect(await page.content()).toMatch(/audit chain is intact/);
    await context.close();
  });
});
