import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ceilingOf } from '../core/capacity.ts';
import type { Principal } from '../core/principal.ts';
import { createDesiredStateBuilder } from '../console/capacity/desired-state.ts';
import { postgresTestStore, postgresUnreachable, sqliteTestStore, type TestStore } from '../console/store/testing.ts';
import { testConsole } from '../console/testing/harness.ts';
import { repoRoot } from '../test/console-process.ts';

/**
 * `npm run bench`, capacity part: approvals per second with 50 concurrent clients on each store
 * (the ledger checked afterwards), the time to build the desired-state document for every demo
 * department on all three sites, and the mocked Pulumi program over that document.
 */
const clients = 50;
const filer: Principal = {
  kind: 'user',
  id: 'bench-filer',
  name: 'bench-filer',
  roles: ['cloud-operator'],
  department: null,
};

async function approvals(store: () => Promise<TestStore>) {
  const t = await testConsole({ store });
  const db = t.deps.uow.root;
  const at = new Date().toISOString();
  // A fresh site sized so that about 70 % of the departments' asks fit.
  await db
    .insertInto('sites')
    .values({ code: 'bench', name: '基准站点', role: 'production', region_code: '340000', demo: 0 })
    .execute();
  await db
    .insertInto('site_ledgers')
    .values({ site_code: 'bench', version: 1, updated_at: at, updated_by: 'bench' })
    .execute();
  const departments = (await db.selectFrom('departments').select('code').orderBy('code').execute()).map((d) => d.code);
  const asks = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < departments.length; i++) total += 1000 + (i % 7) * 250;
  const capacity = Math.floor(total * 0.7);
  await db
    .insertInto('site_resources')
    .values({ site_code: 'bench', resource: 'cpu', capacity, requests_ratio_pct: 100, limits_ratio_pct: 400 })
    .execute();
  for (const [i, department] of departments.entries()) {
    const cpu = 1000 + (i % 7) * 250;
    const filed = await t.deps.requests.submit(filer, {
      department,
      site: 'bench',
      justification: 'bench',
      allocation: { cpu: { requests: cpu, limits: cpu } },
    });
    asks.set(filed.id, cpu);
  }
  const tokens = await Promise.all(Array.from({ length: 5 }, () => t.tokenFor('cloud-operator')));
  const queue = [...asks.keys()];
  let accepted = 0;
  let refused = 0;
  let promised = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let id = queue.pop(); id; id = queue.pop()) {
        const res = await t.request(`/api/v1/quota-requests/${id}/approve`, {
          method: 'POST',
          token: tokens[c % tokens.length],
          body: '{"version":1}',
        });
        if (res.status === 200) {
          accepted++;
          promised += asks.get(id)!;
        } else if (res.status === 409) refused++;
        else throw new Error(`approval answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer().catch(() => undefined);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const ledger = (await t.deps.ledger.allocatedOn('bench')).cpu?.requests ?? 0;
  const ceiling = ceilingOf(capacity, 100);
  const ok = ledger === promised && ledger <= ceiling;
  await t.dispose();
  return { n: asks.size, seconds, rps: asks.size / seconds, accepted, refused, ledger, ceiling, ok };
}

/** Every demo department holding a quota on all three sites: 3,196 × 3 namespaces. */
async function fullDocument() {
  const t = await testConsole({ store: sqliteTestStore });
  const db = t.deps.uow.root;
  const departments = (await db.selectFrom('departments').select('code').execute()).map((d) => d.code);
  const sites = ['prod-hefei', 'dr-hefei', 'dr-remote'];
  const at = new Date().toISOString();
  await db.deleteFrom('quota_amounts').execute();
  await db.deleteFrom('quotas').execute();
  for (const site of sites) {
    for (let i = 0; i < departments.length; i += 500) {
      const chunk = departments.slice(i, i + 500);
      await db
        .insertInto('quotas')
        .values(
          chunk.map((d) => ({
            department_code: d,
            site_code: site,
            namespace: `dept-${d.toLowerCase()}`,
            request_id: 'bench',
            approved_at: at,
            approved_by: 'bench',
          })),
        )
        .execute();
      await db
        .insertInto('quota_amounts')
        .values(
          chunk.flatMap((d) => [
            { department_code: d, site_code: site, resource: 'cpu', requests: 500, limits: 1000 },
            { department_code: d, site_code: site, resource: 'memory', requests: 1024 ** 3, limits: 1024 ** 3 },
            {
              department_code: d,
              site_code: site,
              resource: 'storage:hdd',
              requests: 20 * 1024 ** 3,
              limits: 20 * 1024 ** 3,
            },
          ]),
        )
        .execute();
    }
  }
  await t.deps.ledger.bumpRevision(new Date());
  const times: number[] = [];
  let doc = await t.deps.desiredState.current();
  for (let i = 0; i < 5; i++) {
    // A new builder has no cache: this is what a replica pays once per revision.
    const builder = createDesiredStateBuilder({ uow: t.deps.uow, ledger: t.deps.ledger });
    const t0 = performance.now();
    doc = await builder.current();
    times.push(performance.now() - t0);
  }
  const t0 = performance.now();
  await t.deps.desiredState.current();
  const cachedMs = performance.now() - t0;
  const namespaces = doc.sites.reduce((n, s) => n + s.namespaces.length, 0);
  await t.dispose();
  return { doc, namespaces, buildMs: times.sort((a, b) => a - b)[2]!, cachedMs, bytes: JSON.stringify(doc).length };
}

const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  console.log(`  ${line}`);
};
for (const [name, open] of [
  ['SQLite', sqliteTestStore],
  ['PostgreSQL', postgresTestStore],
] as const) {
  if (name === 'PostgreSQL') {
    const why = await postgresUnreachable();
    if (why) {
      say(`approvals on PostgreSQL: skipped (${why})`);
      continue;
    }
  }
  console.log(`approvals on ${name}…`);
  const r = await approvals(open);
  say(
    `approvals on ${name}: ${r.n} requests, ${clients} concurrent clients: ${r.rps.toFixed(0)} decisions/s ` +
      `(${r.accepted} approved, ${r.refused} refused as over capacity, ${r.seconds.toFixed(2)} s); ` +
      `ledger ${r.ledger} m of ceiling ${r.ceiling} m: ${r.ok ? 'consistent' : 'INCONSISTENT'}`,
  );
  if (!r.ok) process.exitCode = 1;
}

console.log('desired-state document…');
const full = await fullDocument();
say(
  `desired state for ${full.namespaces} namespaces (3 sites): built in ${full.buildMs.toFixed(0)} ms (median of 5, uncached), ` +
    `${full.cachedMs.toFixed(2)} ms when the revision is unchanged; ${(full.bytes / 1024 / 1024).toFixed(1)} MiB of JSON`,
);

/**
 * The Pulumi SDK's registration cost grows faster than the number of resources (it keeps a stack
 * trace per internal promise), so the whole province (about 67,000 resources) takes many minutes
 * under mocks. The program is timed over growing slices of one site instead, each in a fresh
 * process, which shows the per-namespace cost and how it grows; a real deployment runs one stack
 * per site.
 */
const dir = mkdtempSync(join(tmpdir(), 'govops-bench-'));
try {
  for (const size of [250, 500, 1000]) {
    const site = full.doc.sites.find((s) => s.code === 'prod-hefei')!;
    const slice = { ...full.doc, sites: [{ ...site, namespaces: site.namespaces.slice(0, size) }] };
    const file = join(dir, `desired-state-${size}.json`);
    writeFileSync(file, JSON.stringify(slice));
    console.log(`mocked Pulumi program, ${size} namespaces…`);
    const out = execFileSync(process.execPath, ['--max-old-space-size=8192', 'bench/pulumi-mocked.ts', file], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const pulumi = JSON.parse(out.trim().split('\n').at(-1)!) as { ms: number; resources: number };
    say(
      `mocked Pulumi program over ${size} namespaces of prod-hefei: ${pulumi.resources} resources declared in ` +
        `${(pulumi.ms / 1000).toFixed(1)} s (${(pulumi.ms / size).toFixed(1)} ms per namespace)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nCapacity & quotas\n\n${lines.map((l) => `- ${l}`).join('\n')}`);
