import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLocalConfig, parseLocalConfig } from './local-file.ts';
import { formatProblem } from './problems.ts';

const file = '/etc/govops/agent.yaml';
const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function problemsOf(text: string) {
  const r = parseLocalConfig(text, file);
  if (r.ok) throw new Error('expected problems');
  return r.problems.map(formatProblem);
}

describe('parseLocalConfig', () => {
  it('fills defaults and resolves relative paths against the file, not the working directory', () => {
    const r = parseLocalConfig(
      [
        'console:',
        '  url: https://console.gov.example',
        '  enrolTokenFile: token.txt',
        'targets:',
        '  - { id: L-hefei-01, kind: icmp, host: 10.1.0.1 }',
        'certSources:',
        '  - { id: ra-files, kind: files, paths: [certs/*.pem, /abs/x.pem], personal: true }',
        'trustAnchors: [roots/sm2-root.pem]',
      ].join('\n'),
      file,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      file,
      console: { url: 'https://console.gov.example', enrolTokenFile: '/etc/govops/token.txt' },
      stateDir: '/etc/govops/data/agent',
      listen: { host: '127.0.0.1', port: 9465 },
      spool: { maxBytes: 256 * 1024 * 1024 },
      targets: [
        { id: 'L-hefei-01', kind: 'icmp', host: '10.1.0.1', intervalSeconds: 30, packets: 10, timeoutMs: 1000 },
      ],
      certSources: [{ id: 'ra-files', paths: ['/etc/govops/certs/*.pem', '/abs/x.pem'], personal: true }],
      trustAnchors: ['/etc/govops/roots/sm2-root.pem'],
    });
  });

  it('reads listen addresses (IPv6 too) and spool sizes as quantities', () => {
    const r = parseLocalConfig(
      'console: { url: "http://c:8080" }\nlisten: "[::1]:9100"\nspool: { maxBytes: 1Gi }',
      file,
    );
    expect(r.ok && r.config.listen).toEqual({ host: '::1', port: 9100 });
    expect(r.ok && r.config.spool.maxBytes).toBe(1024 ** 3);
  });

  it('reports every problem at once, each with its field, line and column', () => {
    const text = [
      'console:', //                                             1
      '  url: ftp://console', //                                 2
      '  enrolToken: abcdefghijklmnopqrstuvwxyz', //             3
      '  enrolTokenFile: /tmp/token', //                         4
      'listen: localhost', //                                     5
      'targets:', //                                              6
      '  - id: L-1', //                                           7
      '    kind: tcp', //                                         8
      '    host: 10.0.0.1', //                                    9
      '    port: 70000', //                                      10
      '  - id: L-2', //                                          11
      '    kind: icmp', //                                       12
      '    host: 10.0.0.2', //                                   13
      '    intervalSecond: 10', //                               14
      '  - id: L-1', //                                          15
      '    kind: smtp', //                                       16
      '  - id: L-4', //                                          17
      '    kind: icmp', //                                       18
      'spool: { maxBytes: 12 }', //                              19
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      'console.url (line 2, column 8): Invalid URL',
      'console.enrolTokenFile (line 4, column 19): give enrolToken or enrolTokenFile, not both',
      'listen (line 5, column 9): expected host:port, e.g. 127.0.0.1:9465 or [::1]:9465',
      'spool.maxBytes (line 19, column 20): expected a whole number of bytes of at least 1Mi',
      'targets.0.port (line 10, column 11): Too big: expected number to be <=65535',
      'targets.1.intervalSecond (line 14, column 5): unknown field',
      "targets.2.kind (line 16, column 11): Invalid discriminator value. Expected 'icmp' | 'tcp' | 'http'",
      // A missing field is reported at the entry that lacks it.
      'targets.3.host (line 17, column 5): required',
    ]);
  });

  it('reports duplicate ids at the second entry', () => {
    const text =
      'console: { url: "https://c" }\ntargets:\n  - { id: A, kind: icmp, host: a }\n  - { id: A, kind: icmp, host: b }\n';
    expect(problemsOf(text)).toEqual(['targets.1.id (line 4, column 11): duplicate id A']);
  });

  it('reports YAML syntax errors with their line, and an empty file as such, without throwing', () => {
    const [first] = problemsOf('console:\n  url: https://c\ntargets: [\n  - id: x\n');
    expect(first).toMatch(/^\(file\) \(line \d+, column \d+\): YAML: /);
    expect(problemsOf('console: { url: https://c }\nconsole: { url: https://d }\n')).toEqual([
      '(file) (line 2, column 1): YAML: Map keys must be unique',
    ]);
    expect(problemsOf('# nothing yet\n')).toEqual(['(file): the file is empty; it needs at least console.url']);
    expect(problemsOf('- just\n- a list\n')).toEqual([
      '(file) (line 1, column 1): Invalid input: expected object, received array',
    ]);
  });
});

describe('loadLocalConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the trust anchors the file names', async () => {
    await writeFile(join(dir, 'root.pem'), pem);
    await writeFile(join(dir, 'agent.yaml'), 'console: { url: "https://c" }\ntrustAnchors: [root.pem]\n');
    const r = await loadLocalConfig(join(dir, 'agent.yaml'));
    expect(r.ok && r.config.trustAnchorsPem).toEqual([pem]);
  });

  it('reports an unreadable or non-PEM trust anchor at its line, and a missing file without throwing', async () => {
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(
      join(dir, 'agent.yaml'),
      'console: { url: "https://c" }\ntrustAnchors:\n  - missing.pem\n  - notes.txt\n',
    );
    const r = await loadLocalConfig(join(dir, 'agent.yaml'));
    expect(!r.ok && r.problems.map(formatProblem)).toEqual([
      `trustAnchors.0 (line 3, column 5): cannot read ${join(dir, 'missing.pem')}: ENOENT`,
      `trustAnchors.1 (line 4, column 5): ${join(dir, 'notes.txt')} holds no PEM certificate`,
    ]);
    const gone = await loadLocalConfig(join(dir, 'nope.yaml'));
    expect(!gone.ok && gone.problems.map(formatProblem)).toEqual([
      `(file): cannot read ${join(dir, 'nope.yaml')}: ENOENT`,
    ]);
  });
});
