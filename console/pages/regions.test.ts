import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestConsole, testConsole } from '../testing/harness.ts';

describe('regions and sites page', () => {
  let t: TestConsole;
  let ops: Session;
  beforeAll(async () => {
    t = await testConsole();
    ops = await t.signIn('ops', ['network-operator']);
  });
  afterAll(() => t.dispose());

  it('lists the 16 cities with their counties, each count a link into the departments list', async () => {
    const page = await (await t.visit('/regions', ops, 'en')).text();
    expect(page).toContain('<h1>Regions &amp; sites</h1>');
    expect(page).toContain('3,196 in total');
    expect(page.match(/<tr>\s*<td>[^<]+市 <span class="muted">34\d{4}<\/span>/g)).toHaveLength(16);
    expect(page).toMatch(/provincial units <a href="\/departments\?region=340000">96<\/a>/);
    // Hefei: 75 city departments, and its total is what the filtered list counts.
    const hefei = await t.deps.org.listDepartments(
      { kind: 'user', id: 'x', name: 'x', roles: ['viewer'], department: null },
      { region: '340100' },
    );
    expect(page).toMatch(
      /合肥市 <span class="muted">340100<\/span><\/td>\s*<td><a href="\/departments\?region=340100">75<\/a>/,
    );
    expect(page).toContain(`<td><a href="/departments?region=340100">${hefei.total.toLocaleString('en')}</a></td>`);
    expect(page).toContain('省政务云异地灾备中心');
  });

  it('counts only their own department for a department user', async () => {
    const user = await t.signIn('dept', ['department-user'], '340100-001');
    const page = await (await t.visit('/regions', user, 'en')).text();
    expect(page).toContain('1 in total');
  });
});
