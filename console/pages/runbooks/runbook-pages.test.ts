import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFound } from '../../../core/errors.ts';
import type { Env } from '../../http/env.ts';
import { onError } from '../../http/errors.ts';
import { languageMiddleware } from '../../http/lang.ts';
import { principalMiddleware } from '../../http/principal.ts';
import { type Session, type TestConsole, testConsole } from '../../testing/harness.ts';
import { errorPage } from '../error-page.ts';
import { loadRunbookLibrary, type RunbookLibrary } from './runbook-library.ts';
import { runbookPages } from './runbook-pages.ts';

const en = (alert: string, summary: string, extra = '') =>
  `# ${alert}\n\n${summary}\n\n## Meaning\n\nWhat it means.${extra}\n\n## Impact\n\nWho notices.\n\n## Diagnosis\n\n\`\`\`promql\nup == 0\n\`\`\`\n\n## Mitigation\n\nWhat to do.\n`;
const zh = (alert: string, summary: string) =>
  `# ${alert}\n\n${summary}\n\n## 含义\n\n含义说明。\n\n## 影响\n\n影响说明。\n\n## 诊断\n\n诊断步骤。\n\n## 处置\n\n处置步骤。\n`;

/** A runbooks tree of our own: both languages, one language only, a hostile file, a README, a stray area. */
const fixture: Record<string, string> = {
  'README.md': '# Runbooks\n',
  'extranet/ExtranetLinkDown.md': en('ExtranetLinkDown', 'A department access link is down.'),
  'extranet/ExtranetLinkDown.zh-CN.md': zh('ExtranetLinkDown', '部门接入链路中断。'),
  'extranet/ExtranetLinkDegraded.md': en('ExtranetLinkDegraded', 'A link loses packets or answers slowly.'),
  'extranet/README.md': '# Extranet runbooks\n',
  'agents/AgentSilent.zh-CN.md': zh('AgentSilent', '探针代理五分钟未上报。'),
  'certificates/CertificateExpired.md': en(
    'CertificateExpired',
    'A server certificate has expired <b>now</b>.',
    '\n\n<script>alert("runbook")</script>\n\nSee <img src=x onerror=alert(1)> and [this](javascript:alert(1)).',
  ),
  'storage/StorageFull.md': en('StorageFull', 'An alert the console does not know of.'),
  'extranet/notes.txt': 'not a runbook',
};

/**
 * The runbook pages over a fixture tree, behind the console's own language, sign-in and error
 * handling, with sessions from a real console.
 */
function consoleWith(t: TestConsole, library: RunbookLibrary) {
  const app = new Hono<Env>();
  app.use(languageMiddleware);
  app.use(principalMiddleware({ accounts: t.deps.accounts, sessions: t.deps.sessions, trustProxy: false }));
  app.route('/', runbookPages({ library, uow: t.deps.uow }));
  app.notFound(() => {
    throw new NotFound('not_found');
  });
  app.onError(onError(t.deps.logger, errorPage));
  return app;
}

describe('runbook pages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govops-runbooks-'));
  const root = join(dir, 'runbooks');
  let t: TestConsole;
  let app: ReturnType<typeof consoleWith>;
  let viewer: Session;
  let dept: Session;
  const page = async (path: string, session: Session | null, lang = 'en') => {
    const headers = new Headers({ 'accept-language': lang });
    if (session) headers.set('cookie', session.cookie);
    const res = await app.request(path, { headers });
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  };

  beforeAll(async () => {
    for (const [file, text] of Object.entries(fixture)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    // Beside the runbooks, where a path escaping the tree would land.
    writeFileSync(join(dir, 'secret.md'), '# Secret\n\nDO-NOT-SERVE\n');
    t = await testConsole();
    app = consoleWith(t, loadRunbookLibrary(root));
    viewer = await t.signIn('watcher', ['viewer']);
    dept = await t.signIn('hf-office', ['department-user'], '340100-001');
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every alert by area with its severity and summary, and filters by area', async () => {
    const index = await page('/runbooks', viewer);
    expect(index.status).toBe(200);
    expect(index.text).toContain('<h1>Alert runbooks</h1>');
    const areas = [...index.text.matchAll(/<section class="runbook-area" id="area-([\w-]+)">/g)].map((m) => m[1]);
    expect(areas).toEqual(['extranet', 'agents', 'certificates', 'storage']);
    const row = (alert: string) => index.text.match(new RegExp(`<tr id="runbook-${alert}">([\\s\\S]*?)</tr>`))?.[1];
    expect(row('ExtranetLinkDown')).toContain('href="/runbooks/extranet/ExtranetLinkDown"');
    expect(row('ExtranetLinkDown')).toContain('Warning');
    expect(row('ExtranetLinkDown')).toContain('A department access link is down.');
    expect(row('ExtranetLinkDown')).toContain('English · Chinese');
    expect(row('CertificateExpired')).toContain('Critical');
    // The summary is the runbook's, with its markup shown as text.
    expect(row('CertificateExpired')).toContain('has expired &lt;b&gt;now&lt;/b&gt;.');
    // Only in Chinese: its summary is shown in Chinese, marked as such.
    expect(row('AgentSilent')).toContain('<td lang="zh-CN">探针代理五分钟未上报。</td>');
    expect(row('StorageFull')).toContain('–');
    expect(index.text).not.toContain('README');
    expect(index.text).not.toContain('notes');

    const zhIndex = await page('/runbooks', viewer, 'zh-CN');
    expect(zhIndex.text).toContain('<h1>告警处置手册</h1>');
    expect(zhIndex.text).toMatch(/<h2>电子政务外网链路 <code class="muted">extranet<\/code><\/h2>/);
    expect(zhIndex.text).toContain('部门接入链路中断。');

    const filtered = await page('/runbooks?area=extranet', viewer);
    expect(filtered.text).toContain('id="area-extranet"');
    expect(filtered.text).not.toContain('id="area-agents"');
    expect(filtered.text).toContain('<option value="extranet" selected>');
    const unknown = await page('/runbooks?area=nowhere', viewer);
    expect(unknown.text).toContain('id="area-agents"');
  });

  it('renders a runbook with its four headings in the reader’s language', async () => {
    const english = await page('/runbooks/extranet/ExtranetLinkDown', viewer, 'en');
    expect(english.status).toBe(200);
    expect(english.text).toContain('<h1>ExtranetLinkDown</h1>');
    expect([...english.text.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1])).toEqual([
      'Meaning',
      'Impact',
      'Diagnosis',
      'Mitigation',
    ]);
    expect(english.text).toContain('<article class="runbook" lang="en">');
    expect(english.text).toContain('<pre><code class="language-promql">up == 0');
    expect(english.text).toContain('Source: runbooks/extranet/ExtranetLinkDown.md');
    expect(english.text).toContain('<a href="?lang=zh-CN" hreflang="zh-CN">Read it in Chinese (中文版)</a>');
    expect(english.text).not.toContain('role="status"');

    const chinese = await page('/runbooks/extranet/ExtranetLinkDown', viewer, 'zh-CN');
    expect([...chinese.text.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1])).toEqual(['含义', '影响', '诊断', '处置']);
    expect(chinese.text).toContain('<article class="runbook" lang="zh-CN">');
    expect(chinese.text).toContain('源文件：runbooks/extranet/ExtranetLinkDown.zh-CN.md');
    expect(chinese.text).toContain('<a href="?lang=en" hreflang="en">阅读英文版（English）</a>');
    // ?lang= picks the language as it does on every page.
    const switched = await page('/runbooks/extranet/ExtranetLinkDown?lang=zh-CN', viewer, 'en');
    expect(switched.text).toContain('<h2>含义</h2>');
  });

  it('falls back to the other language with a notice when one is missing', async () => {
    const english = await page('/runbooks/agents/AgentSilent', viewer, 'en');
    expect(english.status).toBe(200);
    expect(english.text).toContain(
      '<p class="notice" role="status">This runbook has not been written in English yet; the Chinese version is shown.',
    );
    expect(english.text).toContain('<a href="?lang=zh-CN" hreflang="zh-CN">Switch the console to Chinese</a>');
    expect(english.text).toContain('<article class="runbook" lang="zh-CN">');
    expect(english.text).toContain('<h2>含义</h2>');

    const chinese = await page('/runbooks/extranet/ExtranetLinkDegraded', viewer, 'zh-CN');
    expect(chinese.text).toContain('此处置手册尚无中文版，下面显示英文版。');
    expect(chinese.text).toContain('<h2>Meaning</h2>');
    expect(chinese.text).not.toContain('阅读英文版');
  });

  it('shows raw HTML and script links in a runbook as text', async () => {
    const res = await page('/runbooks/certificates/CertificateExpired', viewer);
    const article = res.text.slice(res.text.indexOf('<article'));
    expect(article).toContain('&lt;script&gt;alert(&quot;runbook&quot;)&lt;/script&gt;');
    expect(article).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(article).not.toMatch(/<script|<img|javascript:/);
    expect(article).toContain('and this.');
  });

  it.each([
    '/runbooks/extranet/NoSuchAlert',
    '/runbooks/nowhere/ExtranetLinkDown',
    '/runbooks/agents/ExtranetLinkDown',
    '/runbooks/extranet/README',
    '/runbooks/..%2F..%2Fetc/passwd',
    '/runbooks/extranet/..%2Fx',
    '/runbooks/..%2Fsecret',
    '/runbooks/extranet/..%2F..%2Fsecret',
    '/runbooks/extranet/ExtranetLinkDown.md',
    '/runbooks/extranet/ExtranetLinkDown%00',
    '/runbooks/Extranet/ExtranetLinkDown',
  ])('answers %s with the not-found page and reads nothing', async (path) => {
    const res = await page(path, viewer);
    expect(res.status).toBe(404);
    expect(res.text).toContain('<h1>404 · ');
    expect(res.text).not.toContain('DO-NOT-SERVE');
    expect(res.text).not.toContain('root:');
  });

  it('says in the reader’s language that there is no such runbook', async () => {
    expect((await page('/runbooks/extranet/NoSuchAlert', viewer)).text).toContain('There is no such runbook.');
    expect((await page('/runbooks/extranet/NoSuchAlert', viewer, 'zh-CN')).text).toContain('没有这个处置手册。');
  });

  it('lets any signed-in person read runbooks and sends others to sign in and back', async () => {
    expect((await page('/runbooks/extranet/ExtranetLinkDown', dept)).status).toBe(200);
    expect((await page('/runbooks', dept)).status).toBe(200);
    const away = await page('/runbooks/extranet/ExtranetLinkDown', null);
    expect(away.status).toBe(303);
    expect(away.location).toBe('/login?next=%2Frunbooks%2Fextranet%2FExtranetLinkDown');
    const index = await page('/runbooks', null);
    expect(index.location).toBe('/login?next=%2Frunbooks');
  });
});
