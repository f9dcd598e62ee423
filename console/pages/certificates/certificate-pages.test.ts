import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  generateRoot,
  observation,
  personalObservation,
  rsaObservation,
  seedAgent,
} from '../../certificates/fixtures.ts';
import { type Session, type TestConsole, testConsole } from '../../testing/harness.ts';

const hefei = '340100-001';
const wuhu = '340200-001';
const day = 86_400_000;

/** The common-name links of the list's rows, in order. */
function rowNames(page: string): string[] {
  return [...page.matchAll(/<tr><td><a href="\/certificates\/[0-9a-f]{64}">([^<]+)<\/a>/g)].map((m) => m[1]!);
}

describe('certificate pages', () => {
  let t: TestConsole;
  let netops: Session;
  let viewer: Session;
  let hfUser: Session;
  beforeAll(async () => {
    t = await testConsole();
    netops = await t.signIn('netops', ['network-operator']);
    viewer = await t.signIn('viewer', ['viewer']);
    hfUser = await t.signIn('hf-user', ['department-user'], hefei);
    await seedAgent(t.store.db, 'agent-hf', hefei);
    await seedAgent(t.store.db, 'agent-wh', wuhu);
    const now = t.clock.now().getTime();
    const at = (ms: number) => new Date(now + ms).toISOString();
    await t.deps.uow.inTransaction(async () => {
      await t.deps.certificates.recordObservations('agent-hf', [
        observation('expired.hf.gov.cn', { notAfter: at(-day) }),
        rsaObservation('soon.hf.gov.cn', { notAfter: at(3 * day), chainVerified: false, chainProblems: ['expired'] }),
        observation('later.hf.gov.cn', { notAfter: at(90 * day) }),
        personalObservation({ notAfter: at(20 * day) }),
      ]);
      await t.deps.certificates.recordObservations('agent-wh', [
        rsaObservation('mail.wh.gov.cn', { notAfter: at(10 * day) }),
      ]);
    });
  });
  afterAll(() => t.dispose());

  const page = async (path: string, s: Session, lang?: string) => {
    const res = await t.visit(path, s, lang);
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  };

  it('lists the inventory in Chinese by default, soonest expiry first, with filters and export', async () => {
    const { status, text } = await page('/certificates', viewer);
    expect(status).toBe(200);
    expect(text).toContain('<h1>证书清单</h1>');
    expect(text).toContain('共 5 条');
    expect(rowNames(text)).toEqual([
      'expired.hf.gov.cn',
      'soon.hf.gov.cn',
      'mail.wh.gov.cn',
      '个人证书（姓名不显示）',
      'later.hf.gov.cn',
    ]);
    expect(text).toContain('已过期');
    expect(text).toContain('hx-get="/certificates"');
    expect(text).toContain('href="/certificates/export.csv"');
    // A viewer may not import.
    expect(text).not.toContain('href="/certificates/import"');
  });

  it('speaks English, filters by window and family, and sorts by a header link', async () => {
    const { text } = await page('/certificates?window=30d&family=rsa', viewer, 'en');
    expect(text).toContain('<h1>Certificate inventory</h1>');
    expect(rowNames(text)).toEqual(['mail.wh.gov.cn']);
    expect(text).toContain('1 in total');
    expect(text).toMatch(/<option value="30d" selected>Within 30 days<\/option>/);
    expect(text).toContain('href="/certificates/export.csv?window=30d&amp;family=rsa"');
    const sorted = await page('/certificates?sort=cn&order=desc', viewer, 'en');
    expect(rowNames(sorted.text)[0]).toBe('soon.hf.gov.cn');
    const chain = await page('/certificates?chain=problems', viewer, 'en');
    expect(rowNames(chain.text)).toEqual(['soon.hf.gov.cn']);
    expect(chain.text).toContain('expired</span>');
  });

  it('downloads the filtered list as CSV without any personal subject', async () => {
    const res = await t.visit('/certificates/export.csv?holder=personal', viewer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('certificates.csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(personalObservation().fingerprintSha256);
    expect(lines[1]).not.toContain('zhang');
    const [record] = await t.deps.audit.list({ action: 'certificate.export', limit: 1 });
    expect(record).toMatchObject({ actor: 'viewer', outcome: 'success' });
  });

  it('shows the expiry board with windows, next to expire and SM2 share bars, in both languages', async () => {
    const zh = await page('/certificates/board', netops);
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('<h1>证书到期看板</h1>');
    expect(zh.text).toMatch(/id="window-expired" href="\/certificates\?window=expired"><b>1<\/b>/);
    expect(zh.text).toMatch(/id="window-7d" href="\/certificates\?window=7d"><b>1<\/b>/);
    expect(zh.text).toMatch(/id="window-30d" href="\/certificates\?window=30d"><b>2<\/b>/);
    expect(zh.text).toContain('各委办局 SM2 占比');
    // Hefei: expired, later and the personal one on SM2, soon on RSA: 75 %.
    expect(zh.text).toContain('<span class="bar-allocated" style="width: 75%"></span>');
    expect(zh.text).toContain('<span class="bar-figure">75 %</span>');
    const en = await page('/certificates/board', netops, 'en');
    expect(en.text).toContain('<h1>Certificate expiry board</h1>');
    expect(en.text).toContain('Next to expire');
    // Next to expire, soonest first, not the expired one.
    const next = en.text.slice(en.text.indexOf('Next to expire'), en.text.indexOf('SM2 share per department'));
    expect(next.indexOf('soon.hf.gov.cn')).toBeLessThan(next.indexOf('mail.wh.gov.cn'));
    expect(next).not.toContain('expired.hf.gov.cn');
    expect(en.text).toContain('Personal certificate (name withheld)');
  });

  it('shows one certificate with its sightings; a personal one without subject', async () => {
    const { status, text } = await page(`/certificates/${fingerprintOf('soon.hf.gov.cn')}`, netops, 'en');
    expect(status).toBe(200);
    expect(text).toContain('<h1>Certificate soon.hf.gov.cn</h1>');
    expect(text).toContain('CN=soon.hf.gov.cn,O=合肥市人民政府,C=CN');
    expect(text).toContain('tls://soon.hf.gov.cn:443');
    expect(text).toContain('agent agent-hf');
    expect(text).toContain('This serial is not in the RA&#39;s list.');
    const personal = await page(`/certificates/${personalObservation().fingerprintSha256}`, netops, 'zh-CN');
    expect(personal.status).toBe(200);
    expect(personal.text).toContain('<h1>证书 个人证书（姓名不显示）</h1>');
    expect(personal.text).not.toContain('<dt>主题</dt>');
    expect(personal.text).not.toContain('zhang');
  });

  it('confines a department user to their department: list, board and detail', async () => {
    const list = await page('/certificates', hfUser);
    expect(rowNames(list.text)).not.toContain('mail.wh.gov.cn');
    expect(list.text).toContain('共 4 条');
    expect(list.text).not.toContain('name="department"');
    const other = await page(`/certificates/${fingerprintOf('mail.wh.gov.cn')}`, hfUser);
    expect(other.status).toBe(404);
    const board = await page('/certificates/board', hfUser, 'en');
    expect(board.text).not.toContain(wuhu);
  });

  it('imports the RA list from pasted CSV and shows the counts; a bad line is listed by line and field', async () => {
    const form = await page('/certificates/import', netops);
    expect(form.status).toBe(200);
    expect(form.text).toContain('<h1>导入 RA 证书清单</h1>');
    expect((await page('/certificates/import', viewer)).status).toBe(403);

    const good = [
      '序列号,证书名称,部门代码,持有者类型,算法,生效日期,失效日期,状态',
      `${observation('later.hf.gov.cn').serial},later.hf.gov.cn,${hefei},服务器,SM2,2025-03-01,2027-03-01,正常`,
      `CC01,李四,${hefei},个人,SM2,2025-03-01,2027-03-01,正常`,
    ].join('\n');
    const posted = await t.submit('/certificates/import', { csv: good }, netops);
    expect(posted.status).toBe(303);
    const done = await page(posted.headers.get('location')!, netops, 'en');
    expect(done.text).toContain('Imported 2 certificates of the RA: 2 new, 0 updated.');

    const bad = [
      'serial,common name,department code,holder kind,algorithm,not before,not after,status',
      `CC02,x.hf.gov.cn,${hefei},server,SM2,2025-03-01,2027-03-01,issued`,
      `CC03,y.hf.gov.cn,999999-999,server,SM2,2025-03-01,2027-03-01,issued`,
    ].join('\n');
    const refused = await t.submit('/certificates/import', { csv: bad }, netops, 'en');
    expect(refused.status).toBe(400);
    const text = await refused.text();
    expect(text).toContain('1 lines have errors; nothing was imported.');
    expect(text).toContain(
      '<tr><td>3</td><td>Department code</td><td><code>999999-999</code></td><td>names a department that does not exist</td></tr>',
    );
    const serials = (await t.store.db.selectFrom('ra_certificates').select('serial').execute()).map((r) => r.serial);
    expect(serials.sort()).toEqual([observation('later.hf.gov.cn').serial, 'CC01'].sort());
    const detail = await page(`/certificates/${fingerprintOf('later.hf.gov.cn')}`, netops, 'en');
    expect(detail.text).toContain('The RA&#39;s record');
    expect(detail.text).toContain('<dd>Issued</dd>');
  });

  it('adds an SM2 trust anchor by form, refuses it twice beside the field, and removes it', async () => {
    const pem = generateRoot('sm2', 'Page SM2 Root');
    const added = await t.submit('/trust-anchors', { name: '', pem }, netops);
    expect(added.status).toBe(303);
    const listed = await page(added.headers.get('location')!, netops, 'en');
    expect(listed.text).toContain('Trust anchor Page SM2 Root added.');
    expect(listed.text).toContain('CN=Page SM2 Root,O=Anhui Extranet,C=CN');
    expect(listed.text).toContain('<td>SM2</td>');

    const twice = await t.submit('/trust-anchors', { name: 'again', pem }, netops, 'en');
    expect(twice.status).toBe(409);
    expect(await twice.text()).toMatch(/is already configured\.<\/p>/);

    const zhList = await page('/trust-anchors', viewer);
    expect(zhList.text).toContain('<h1>信任锚</h1>');
    expect(zhList.text).not.toContain('/delete');
    const fingerprint = listed.text.match(/action="\/trust-anchors\/([0-9a-f]{64})\/delete"/)![1]!;
    expect((await t.submit(`/trust-anchors/${fingerprint}/delete`, {}, viewer)).status).toBe(403);
    const removed = await t.submit(`/trust-anchors/${fingerprint}/delete`, {}, netops);
    expect(removed.status).toBe(303);
    const after = await page(removed.headers.get('location')!, netops, 'en');
    expect(after.text).toContain('Trust anchor removed.');
    expect(after.text).not.toContain('Page SM2 Root');
  });
});
