import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/principal.ts';
import { displayQuantity } from '../../core/quantity.ts';
import { type Session, type TestConsole, testConsole } from '../testing/harness.ts';

const Gi = 1024 ** 3;
const Ti = 1024 ** 4;
const site = 'prod-hefei';
/** A provincial department made for these tests, so it holds no quota until one is approved. */
const dept = 'T-DSJ';

/** The text of the cell with class `cls` in the table row with id `rowId`. */
function cell(page: string, rowId: string, cls: string): string | undefined {
  const row = page.match(new RegExp(`<tr id="${rowId}">([\\s\\S]*?)</tr>`))?.[1];
  return row
    ?.match(new RegExp(`<td class="${cls}">([\\s\\S]*?)</td>`))?.[1]
    ?.replace(/<[^>]+>/g, '')
    .trim();
}

/** The id a 303 after filing points to. */
function requestIdOf(res: Response): string {
  const location = res.headers.get('location') ?? '';
  const id = location.match(/^\/quota-requests\/([^?]+)\?submitted=1$/)?.[1];
  if (!id) throw new Error(`not a filed request: ${res.status} ${location}`);
  return id;
}

describe('quota pages: request, approve, see it in force', () => {
  let t: TestConsole;
  let ops: Session;
  let ops2: Session;
  let requester: Session;
  let hefei: Session;
  let filed = '';
  beforeAll(async () => {
    t = await testConsole();
    await t.deps.org.createDepartment({ code: dept, name: '测试数据资源局', level: 'provincial', region: '340000' });
    ops = await t.signIn('ops', ['cloud-operator']);
    ops2 = await t.signIn('ops2', ['cloud-operator']);
    requester = await t.signIn('dsj-user', ['department-user'], dept);
    hefei = await t.signIn('hf-office', ['department-user'], '340100-001');
  });
  afterAll(() => t.dispose());

  const page = async (path: string, s: Session, lang?: string) => {
    const res = await t.visit(path, s, lang);
    return { status: res.status, text: await res.text() };
  };
  const allocated = async (resource: string) =>
    (await t.deps.capacity.view(site)).resources.find((r) => r.resource === resource)!.allocated;

  it('files 64 vCPU / 256 GiB / 2 TiB from the form, in the department user’s own department', async () => {
    const form = await page(`/quota-requests/new?site=${site}`, requester, 'en');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<h1>New quota request</h1>');
    expect(form.text).toContain('name="department" value="T-DSJ"');
    for (const input of ['cpu-requests', 'cpu-limits', 'memory-requests', 'storage:ssd', 'storage:hdd'])
      expect(form.text).toContain(`name="${input}"`);
    // Site capacity is for capacity:read holders; a department user sees what they hold.
    expect(form.text).not.toContain('Free on the site');
    const res = await t.submit(
      '/quota-requests',
      {
        department: dept,
        site,
        'cpu-requests': '64',
        'cpu-limits': '',
        'memory-requests': '256Gi',
        'memory-limits': '',
        'storage:ssd': '2Ti',
        'storage:hdd': '',
        justification: '迁移不动产登记系统上云',
      },
      requester,
    );
    expect(res.status).toBe(303);
    filed = requestIdOf(res);
    const view = await t.deps.requests.get(filed, {
      kind: 'user',
      id: 'x',
      name: 'x',
      roles: ['viewer'],
      department: null,
    });
    expect(view).toMatchObject({ status: 'pending', kind: 'new', department: dept, site, requestedBy: 'dsj-user' });
    expect(view.requested).toEqual({
      cpu: { requests: 64_000, limits: 64_000 },
      memory: { requests: 256 * Gi, limits: 256 * Gi },
      'storage:ssd': { requests: 2 * Ti, limits: 2 * Ti },
    });
    const shown = await page(`/quota-requests/${filed}?submitted=1`, requester);
    expect(shown.text).toContain('申请已提交，等待审批。');
    expect(shown.text).not.toContain('/approve"'); // a department user decides nothing
    expect(shown.text).toContain(`action="/quota-requests/${filed}/withdraw"`);
  });

  it('puts a bad quantity beside its input, in the user’s language, and files nothing', async () => {
    const fields = { department: dept, site: 'dr-remote', 'memory-requests': '8GG', justification: '测试' };
    const en = await t.submit('/quota-requests', fields, requester, 'en');
    expect(en.status).toBe(400);
    const text = await en.text();
    expect(text).toMatch(
      /name="memory-requests" value="8GG"[^>]*aria-invalid="true">[\s\S]*?<p class="field-error" role="alert">is not a Kubernetes quantity \(e\.g\. 500m, 64, 256Gi, 2Ti\)<\/p>/,
    );
    const zh = await (await t.submit('/quota-requests', fields, requester)).text();
    expect(zh).toContain(
      '<p class="field-error" role="alert">不是有效的 Kubernetes 数量（如 500m、64、256Gi、2Ti）</p>',
    );
    const open = await t.deps.requests.list(
      { kind: 'user', id: 'x', name: 'x', roles: ['viewer'], department: null },
      { department: dept, site: 'dr-remote' },
    );
    expect(open.total).toBe(0);
  });

  it('lets an operator approve less than asked; the capacity page moves by exactly that', async () => {
    const before = {
      cpu: await allocated('cpu'),
      memory: await allocated('memory'),
      ssd: await allocated('storage:ssd'),
    };
    const capacityBefore = (await page('/capacity', ops, 'en')).text;
    expect(cell(capacityBefore, `cap-${site}-cpu-requests`, 'allocated')).toBe(
      displayQuantity(before.cpu.requests, 'millicores'),
    );

    const detail = await page(`/quota-requests/${filed}`, ops, 'en');
    expect(detail.text).toContain(`action="/quota-requests/${filed}/approve"`);
    // The approve form starts from what was asked.
    expect(detail.text).toMatch(/<form method="post" action="[^"]+\/approve"[\s\S]*?name="cpu-requests" value="64"/);
    expect(detail.text).toMatch(/name="memory-requests" value="256Gi"/);
    expect(detail.text).toMatch(/name="storage:ssd" value="2Ti"/);

    const res = await t.submit(
      `/quota-requests/${filed}/approve`,
      {
        version: '1',
        'cpu-requests': '32',
        'memory-requests': '128',
        'storage:ssd': '1Ti',
        note: '先批一半，用满再申请',
      },
      ops,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/quota-requests/${filed}?done=approve`);

    const capacityAfter = (await page('/capacity', ops, 'en')).text;
    expect(cell(capacityAfter, `cap-${site}-cpu-requests`, 'allocated')).toBe(
      displayQuantity(before.cpu.requests + 32_000, 'millicores'),
    );
    expect(cell(capacityAfter, `cap-${site}-cpu-limits`, 'allocated')).toBe(
      displayQuantity(before.cpu.limits + 32_000, 'millicores'),
    );
    expect(cell(capacityAfter, `cap-${site}-memory-requests`, 'allocated')).toBe(
      displayQuantity(before.memory.requests + 128 * Gi, 'bytes'),
    );
    expect(cell(capacityAfter, `cap-${site}-storage:ssd-requests`, 'allocated')).toBe(
      displayQuantity(before.ssd.requests + Ti, 'bytes'),
    );
    const [record] = await t.deps.audit.list({ action: 'quota_request.approve', limit: 1 });
    expect(record).toMatchObject({ actor: 'ops', outcome: 'success', target: `quota_request:${filed}` });
  });

  it('shows the new allocation on the department’s quota page, with the request and who decided it', async () => {
    const { status, text } = await page(`/quotas/${dept}`, requester, 'en');
    expect(status).toBe(200);
    expect(text).toContain('<h1>Quotas of 测试数据资源局</h1>');
    expect(cell(text, `quota-${site}-cpu`, 'requests')).toBe('32 vCPU');
    expect(cell(text, `quota-${site}-memory`, 'requests')).toBe('128 GiB');
    expect(cell(text, `quota-${site}-storage:ssd`, 'requests')).toBe('1 TiB');
    expect(text).toMatch(/<dt>Namespace<\/dt><dd><code>dept-t-dsj-[0-9a-f]{8}<\/code>/);
    expect(text).toContain('by ops');
    expect(text).toMatch(/Approved<\/td><td>dsj-user<\/td><td>ops<\/td>/);
    expect(text).toContain(`href="/quota-requests/new?department=${dept}&amp;site=${site}">Request a change`);
    expect(text).toContain(`href="/quota-requests/new?department=${dept}&amp;site=dr-hefei">Request a quota`);
    const detail = (await page(`/quota-requests/${filed}`, requester, 'en')).text;
    expect(detail).toMatch(
      /<tr class="event-submitted"><td[^>]*>[^<]+<\/td><td>dsj-user<\/td><td>Submitted<\/td><td class="note">迁移不动产登记系统上云<\/td>/,
    );
    expect(detail).toMatch(
      /<tr class="event-approved"><td[^>]*>[^<]+<\/td><td>ops<\/td><td>Approved<\/td><td class="note">先批一半，用满再申请<\/td>/,
    );
    expect(cell(detail, 'compare-cpu', 'requested')).toBe('64 vCPU');
    expect(cell(detail, 'compare-cpu', 'approved')).toBe('32 vCPU');
    expect(cell(detail, 'compare-cpu', 'current')).toBe('32 vCPU');
  });

  it('refuses an approval the site cannot promise, naming site and resource, and changes nothing', async () => {
    const asker: Principal = {
      kind: 'user',
      id: 'u-bb',
      name: 'bb-office',
      roles: ['department-user'],
      department: '340300-001',
    };
    const big = await t.deps.requests.submit(asker, {
      department: '340300-001',
      site,
      justification: '全市视频汇聚平台',
      allocation: { cpu: { requests: 4_000_000, limits: 4_000_000 } },
    });
    const cpuBefore = await allocated('cpu');
    const en = await t.submit(`/quota-requests/${big.id}/approve`, { version: '1', 'cpu-requests': '4000' }, ops, 'en');
    expect(en.status).toBe(409);
    const text = await en.text();
    expect(text).toContain(`Site ${site} cannot promise this: CPU requests would be short by`);
    // Shown against the request as it was: still pending, the form keeping what was typed.
    expect(text).toMatch(/<dd class="status-pending">Pending<\/dd>/);
    expect(text).toMatch(/name="cpu-requests" value="4000"/);
    const zh = await (
      await t.submit(`/quota-requests/${big.id}/approve`, { version: '1', 'cpu-requests': '4000' }, ops)
    ).text();
    expect(zh).toContain(`站点 ${site} 无法承诺该配额：CPU 请求 将短缺`);
    expect(await t.deps.requests.get(big.id, asker)).toMatchObject({ status: 'pending', version: 1, approved: null });
    expect(await allocated('cpu')).toEqual(cpuBefore);
    expect((await t.deps.requests.history(asker, big.id)).map((e) => e.action)).toEqual(['submitted']);
    const [record] = await t.deps.audit.list({ action: 'quota_request.approve', limit: 1 });
    expect(record).toMatchObject({ outcome: 'failure' });
    expect(JSON.parse(record!.detail)).toMatchObject({ status: 409, error: 'over_capacity' });
  });

  it('refuses a stale decision with the current state', async () => {
    const res = await t.submit(`/quota-requests/${filed}/reject`, { version: '1', reason: '晚了' }, ops2, 'en');
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(
      'The request changed while you were looking at it: it is now version 2 (approved).',
    );
  });

  it('does not let whoever filed a request decide it: no approve form, and the POST answers 403', async () => {
    const res = await t.submit(
      '/quota-requests',
      { department: '340100-002', site: 'dr-remote', 'cpu-requests': '2', justification: '代为申请' },
      ops,
    );
    expect(res.status).toBe(303);
    const id = requestIdOf(res);
    const own = (await page(`/quota-requests/${id}`, ops)).text;
    expect(own).not.toContain(`action="/quota-requests/${id}/approve"`);
    expect(own).not.toContain(`action="/quota-requests/${id}/reject"`);
    const denied = await t.submit(`/quota-requests/${id}/approve`, { version: '1', 'cpu-requests': '2' }, ops);
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('该申请由您本人提交，须由其他人审批。');
    const other = (await page(`/quota-requests/${id}`, ops2)).text;
    expect(other).toContain(`action="/quota-requests/${id}/approve"`);
  });

  it('returns a request with a reason; the requester resubmits it, then withdraws it', async () => {
    const res = await t.submit(
      '/quota-requests',
      { department: dept, site: 'dr-remote', 'cpu-requests': '8', 'storage:hdd': '500', justification: '异地备份' },
      requester,
    );
    const id = requestIdOf(res);
    const blank = await t.submit(`/quota-requests/${id}/return`, { version: '1', reason: ' ' }, ops, 'en');
    expect(blank.status).toBe(400);
    expect(await blank.text()).toMatch(
      /name="reason"[^>]*aria-invalid="true">[^<]*<\/textarea><p class="field-error" role="alert">is required<\/p>/,
    );
    const returned = await t.submit(`/quota-requests/${id}/return`, { version: '1', reason: '请说明备份周期' }, ops);
    expect(returned.status).toBe(303);
    const seen = (await page(`/quota-requests/${id}?done=return`, requester, 'en')).text;
    expect(seen).toContain('Returned to the requester for changes.');
    expect(seen).toContain('<dd class="note">请说明备份周期</dd>');
    expect(seen).toMatch(/name="storage:hdd" value="500Gi"/); // the resubmit form starts from the request
    const again = await t.submit(
      `/quota-requests/${id}/resubmit`,
      { version: '2', 'cpu-requests': '4', 'storage:hdd': '1Ti', justification: '每日增量备份，保留 30 天' },
      requester,
    );
    expect(again.status).toBe(303);
    const withdrawn = await t.submit(`/quota-requests/${id}/withdraw`, { version: '3' }, requester);
    expect(withdrawn.status).toBe(303);
    const history = (
      await t.deps.requests.history({ kind: 'user', id: 'x', name: 'x', roles: ['viewer'], department: null }, id)
    ).map((e) => [e.action, e.actor]);
    expect(history).toEqual([
      ['submitted', 'dsj-user'],
      ['returned', 'ops'],
      ['resubmitted', 'dsj-user'],
      ['withdrawn', 'dsj-user'],
    ]);
  });

  it('shows a department user only their own quotas and refuses another department', async () => {
    const list = (await page('/quotas', hefei)).text;
    const codes = [...list.matchAll(/<tr><td><a href="\/quotas\/([^"]+)">/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c === '340100-001')).toBe(true);
    expect(list).toContain(`共 ${codes.length} 条`);
    expect((await page('/quotas/340100-001', hefei)).status).toBe(200);
    const other = await page('/quotas/340100-002', hefei);
    expect(other.status).toBe(403);
    expect(other.text).toContain('您只能查看本单位的数据。');
    expect((await page(`/quota-requests/${filed}`, hefei)).status).toBe(404);
    const queue = (await page('/quota-requests?status=all', hefei)).text;
    expect(queue).not.toContain(filed);
  });

  it('sorts the quotas by CPU, largest first, over thousands of rows', async () => {
    const { text } = await page('/quotas?sort=cpu&order=desc', ops, 'en');
    expect(text).toMatch(/<a href="[^"]*">CPU ▼<\/a>/);
    expect(text).toMatch(/Showing 1–50 of 4,58\d/);
    const cpu = [...text.matchAll(/<td class="cpu num">([\d.]+) vCPU/g)].map((m) => Number(m[1]));
    expect(cpu).toHaveLength(50);
    expect(cpu[0]).toBe(32); // the quota approved above
    expect(cpu).toEqual([...cpu].sort((a, b) => b - a));
    const next = text.match(/<a href="([^"]+)" rel="next">/)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBe('/quotas?sort=cpu&order=desc&offset=50');
    const second = (await page(next!, ops, 'en')).text;
    expect(second).toContain('Showing 51–100 of');
    expect(Number(second.match(/<td class="cpu num">([\d.]+) vCPU/)?.[1])).toBeLessThanOrEqual(cpu.at(-1)!);
  });

  it('filters the queue by status and site, oldest first by default', async () => {
    const open = (await page('/quota-requests', ops, 'en')).text;
    expect(open).toContain('<h1>Quota requests</h1>');
    expect(open).toContain('<code>340300-001</code>');
    expect(open).not.toContain(`href="/quota-requests/${filed}"`); // approved, so no longer open
    const approved = (await page('/quota-requests?status=approved&site=prod-hefei', ops, 'en')).text;
    expect(approved).toContain(`href="/quota-requests/${filed}"`);
    expect(approved).toContain('1 in total');
  });

  it('renders every quota page in both languages', async () => {
    const paths: [string, string, string][] = [
      ['/capacity', 'Cloud capacity', '云资源容量'],
      ['/capacity/prod-hefei/edit', 'Capacity of 省政务云主中心', '省政务云主中心的容量'],
      ['/quotas', 'Department quotas', '单位配额'],
      [`/quotas/${dept}`, 'Quotas of 测试数据资源局', '测试数据资源局的配额'],
      ['/quota-requests', 'Quota requests', '配额申请'],
      ['/quota-requests/new', 'New quota request', '新建配额申请'],
      [`/quota-requests/new?department=${dept}&site=dr-hefei`, 'New quota request', '新建配额申请'],
      [
        `/quota-requests/${filed}`,
        'Quota request: 测试数据资源局 on prod-hefei',
        '配额申请：测试数据资源局，prod-hefei',
      ],
    ];
    for (const [path, en, zh] of paths) {
      const english = await page(path, ops, 'en');
      expect(english.status, path).toBe(200);
      expect(english.text, path).toContain(`<h1>${en}</h1>`);
      const chinese = await page(path, ops);
      expect(chinese.status, path).toBe(200);
      expect(chinese.text, path).toContain(`<h1>${zh}</h1>`);
    }
  });
});
