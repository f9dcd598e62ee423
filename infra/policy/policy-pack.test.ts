import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quotaHard } from '../../core/quota-hard.ts';
import { tenantLabels } from '../labels.ts';
import { twoSiteState, vcpu } from '../testing/sample-state.ts';

// The policy pack as `pulumi preview --policy-pack infra/policy` runs it: Pulumi's own runner
// (`@pulumi/pulumi/cmd/run-policy-pack`, which registers ts-node) starts infra/policy in a real
// process, and this test speaks the analyzer's gRPC protocol to it, as the CLI would.

const require = createRequire(import.meta.url);
const fromPulumi = createRequire(require.resolve('@pulumi/pulumi'));
const grpc = fromPulumi('@grpc/grpc-js');
const analyzerRpc = fromPulumi('./proto/analyzer_grpc_pb');
const analyzer = fromPulumi('./proto/analyzer_pb');
const { Struct } = fromPulumi('google-protobuf/google/protobuf/struct_pb');
const { Empty } = fromPulumi('google-protobuf/google/protobuf/empty_pb');

const packDir = dirname(new URL(import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'govops-policy-pack-'));
let pack: ChildProcess;
let client: any;
let stderr = '';

beforeAll(async () => {
  const runner = require.resolve('@pulumi/pulumi/cmd/run-policy-pack');
  // The engine address is only used for logging; the policy never logs.
  pack = spawn(process.execPath, [runner, '127.0.0.1:1', '.'], { cwd: packDir, stdio: ['ignore', 'pipe', 'pipe'] });
  pack.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    pack.stdout!.once('data', (line: Buffer) => resolve(Number(line.toString().trim())));
    pack.once('exit', (code) => reject(new Error(`policy pack exited with ${code}:\n${stderr}`)));
  });
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  pack?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const call = <T>(method: string, request: unknown): Promise<T> =>
  new Promise((resolve, reject) =>
    client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
  );

/** The stack's ResourceQuotas as the program builds them, one per department and site. */
function quotaResources() {
  return twoSiteState().sites.flatMap((site) =>
    site.namespaces.map((t) =>
      new analyzer.AnalyzerResource()
        .setType('kubernetes:core/v1:ResourceQuota')
        .setOptions(new analyzer.AnalyzerResourceOptions())
        .setName(`${site.code}/${t.name}/quota`)
        .setUrn(`urn:pulumi:prod::govops-tenancy::kubernetes:core/v1:ResourceQuota::${site.code}/${t.name}/quota`)
        .setProperties(
          Struct.fromJavaScript({
            apiVersion: 'v1',
            kind: 'ResourceQuota',
            metadata: { name: 'govops-quota', namespace: t.name, labels: tenantLabels(site.code, t) },
            spec: { hard: quotaHard(t.allocation, t.objects) },
          }),
        ),
    ),
  );
}

async function analyse(change: (doc: ReturnType<typeof twoSiteState>) => void) {
  const doc = twoSiteState();
  change(doc);
  const path = join(dir, `doc-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(doc));
  const configure = new analyzer.ConfigureAnalyzerRequest();
  configure
    .getPolicyconfigMap()
    .set(
      'site-capacity',
      new analyzer.PolicyConfig()
        .setEnforcementlevel(analyzer.EnforcementLevel.MANDATORY)
        .setProperties(Struct.fromJavaScript({ desiredState: path })),
    );
  await call('configure', configure);
  const response: any = await call(
    'analyzeStack',
    new analyzer.AnalyzeStackRequest().setResourcesList(quotaResources()),
  );
  return response.getDiagnosticsList().map((d: any) => ({
    policy: d.getPolicyname(),
    pack: d.getPolicypackname(),
    mandatory: d.getEnforcementlevel() === analyzer.EnforcementLevel.MANDATORY,
    message: d.getMessage(),
  }));
}

describe('the govops-capacity policy pack, run by Pulumi', () => {
  it('starts and offers the site-capacity policy, mandatory, needing the document', async () => {
    const info: any = await call('getAnalyzerInfo', new Empty());
    expect(info.getName()).toBe('govops-capacity');
    expect(info.getVersion()).toBe('0.1.0');
    const [policy] = info.getPoliciesList();
    expect(policy.getName()).toBe('site-capacity');
    expect(policy.getEnforcementlevel()).toBe(analyzer.EnforcementLevel.MANDATORY);
    expect(policy.getConfigschema().getRequiredList()).toEqual(['desiredState']);
  });

  it('passes the stack the document asks for', async () => {
    await expect(analyse(() => {})).resolves.toEqual([]);
  });

  it('blocks the stack when a site can no longer hold its quotas', async () => {
    const found = await analyse((doc) => {
      doc.sites[0]!.capacity.find((c) => c.resource === 'cpu')!.capacity = vcpu(64);
    });
    expect(found).toEqual([
      {
        policy: 'site-capacity',
        pack: 'govops-capacity',
        mandatory: true,
        message: expect.stringContaining('site prod-hefei: cpu requests of 3 ResourceQuotas total 80.05 vCPU'),
      },
    ]);
    expect(found[0].message).toContain('short by 16.05 vCPU');
  });
});
