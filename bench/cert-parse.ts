import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CertificateObservation, CertSource } from '../core/contracts/agent.ts';
import { certificateObservationSchema } from '../core/contracts/agent.ts';
import { splitIntoChains, verifyChain, type ChainVerdict } from '../agents/certs/chain.ts';
import type { ParsedCertificate } from '../agents/certs/certificate.ts';
import { listCertificateFiles, readCertificateFiles } from '../agents/certs/files.ts';
import { observeChain } from '../agents/certs/observation.ts';
import { scanCertSource } from '../agents/certs/scan.ts';
import { indexBySubject, trustStoreFor } from '../agents/certs/trust.ts';
import { extranetCertificates } from './cert-fixture.ts';

/**
 * Certificates parsed and classified per second by the agent's real scanning path
 * (`scanCertSource`, files source, chains verified against the roots), over a directory the size of
 * the extranet CA's inventory: 18,678 leafs, 60 % SM2, 30 % RSA, 10 % ECDSA (bench/cert-fixture.ts).
 * Then, in the same run and over the same files, read + parse alone, and the full scan's work
 * taken apart (list, parse, chain building, signature verification by algorithm, observations,
 * contract check) through the modules the scan is made of.
 *
 * BENCH_CERT_LEAFS (default 18678) sizes the directory; BENCH_CERT_ROUNDS (default 1) repeats the
 * timed passes, medians reported. The directory is minted once and cached under os.tmpdir().
 */
const leafs = Number(process.env.BENCH_CERT_LEAFS ?? 18_678);
const rounds = Math.max(1, Number(process.env.BENCH_CERT_ROUNDS ?? 1));

const mib = (bytes: number) => bytes / 1024 / 1024;
const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function procStatusKiB(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1] ?? NaN);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Wall time and this process's CPU time (user + system): on a busy machine they part. */
async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

// A collection before each memory reading, so RSS says what is held rather than what awaits the collector.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Resets VmHWM (Linux ≥ 4.0), so the peak read later is the scan's own. */
function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // an older kernel: the peak then includes the warm-up
  }
}

console.log(
  `cert-parse bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
    `load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${new Date().toISOString()}`,
);
const fixture = await extranetCertificates({ leafs, log: (line) => console.log(line) });
const { manifest } = fixture;
const source: CertSource = { kind: 'files', id: 'extranet-ca', paths: [fixture.dir], personal: false };
const context = { trustAnchorsPem: fixture.anchorsPem, now: () => fixture.now };

// Warm-up over every 50th file: JIT and module state as in an agent that has scanned before. (A
// copy of the anchors: trust stores are cached per array, and the timed scan should build its own.)
const listing = await listCertificateFiles([fixture.dir]);
await scanCertSource(
  { ...source, paths: listing.files.filter((_, i) => i % 50 === 0) },
  { ...context, trustAnchorsPem: [...fixture.anchorsPem] },
);

gc();
const rssBefore = procStatusKiB('VmRSS') * 1024;
resetPeak();
const full: { seconds: number; cpuSeconds: number; observations: CertificateObservation[]; problems: number }[] = [];
const memory = { rssAfterScan: 0, peak: 0, rssHeld: 0, heapHeld: 0 };
const parseOnly: { seconds: number; cpuSeconds: number; files: number; certificates: number }[] = [];
for (let round = 0; round < rounds; round++) {
  console.log(`scanning ${manifest.files} files (round ${round + 1} of ${rounds})…`);
  const scan = await timed(() => scanCertSource(source, context));
  if (round === 0) {
    // While the scan's result is held, as the agent holds it until it is spooled: as the scan left
    // it, and once the collector has freed the parsed certificates the scan no longer needs.
    memory.rssAfterScan = procStatusKiB('VmRSS') * 1024;
    memory.peak = procStatusKiB('VmHWM') * 1024;
    gc();
    memory.rssHeld = procStatusKiB('VmRSS') * 1024;
    memory.heapHeld = process.memoryUsage().heapUsed;
  }
  full.push({
    seconds: scan.seconds,
    cpuSeconds: scan.cpuSeconds,
    observations: scan.value.observations,
    problems: scan.value.problems.length,
  });
  const parsed = await timed(async () => readCertificateFiles((await listCertificateFiles([fixture.dir])).files));
  parseOnly.push({
    seconds: parsed.seconds,
    cpuSeconds: parsed.cpuSeconds,
    files: parsed.value.files.length,
    certificates: parsed.value.files.reduce((n, file) => n + file.certificates.length, 0),
  });
}

// The full scan's work, stage by stage, through the same modules scanFilesSource is made of.
console.log('taking the scan apart…');
const list = await timed(() => listCertificateFiles([fixture.dir]));
const read = await timed(() => readCertificateFiles(list.value.files));
const trust = trustStoreFor([...fixture.anchorsPem]);
const chains = await timed(() => {
  const pool = indexBySubject(read.value.files.flatMap((file) => file.certificates));
  const split = read.value.files.map((file) => ({ path: file.path, chains: splitIntoChains(file.certificates) }));
  return { pool, split };
});
const verifyByAlgorithm = new Map<string, { seconds: number; certificates: number }>();
const verdicts: { path: string; chain: ParsedCertificate[]; verdicts: ChainVerdict[] }[] = [];
for (const { path, chains: fileChains } of chains.value.split) {
  for (const chain of fileChains) {
    const started = performance.now();
    verdicts.push({ path, chain, verdicts: verifyChain(chain, { trust, now: fixture.now, pool: chains.value.pool }) });
    const bucket = verifyByAlgorithm.get(chain[0]!.signatureAlgorithm) ?? { seconds: 0, certificates: 0 };
    bucket.seconds += (performance.now() - started) / 1000;
    bucket.certificates += chain.length;
    verifyByAlgorithm.set(chain[0]!.signatureAlgorithm, bucket);
  }
}
const verifySeconds = [...verifyByAlgorithm.values()].reduce((s, b) => s + b.seconds, 0);
const observedAt = fixture.now.toISOString();
const observed = await timed(() =>
  verdicts.flatMap(({ path, chain, verdicts: v }) => observeChain(chain, v, { source, location: path, observedAt })),
);
const checked = await timed(() => observed.value.filter((o) => certificateObservationSchema.safeParse(o).success));

// Does the scan say what the fixture holds? A fast wrong scan is no figure.
const reference = full[0]!;
const verified = reference.observations.filter((o) => o.chainVerified).length;
const problemsTally = new Map<string, number>();
for (const o of reference.observations) {
  const key = o.chainProblems.join('+') || 'verified';
  problemsTally.set(key, (problemsTally.get(key) ?? 0) + 1);
}
const faithful =
  reference.observations.length === manifest.certificates &&
  verified === manifest.expectedVerified &&
  reference.problems === 0 &&
  checked.value.length === observed.value.length;

const fullSeconds = median(full.map((r) => r.seconds));
const parseSeconds = median(parseOnly.map((r) => r.seconds));
const certificates = reference.observations.length;
const fullRate = certificates / fullSeconds;
const parseRate = parseOnly[0]!.certificates / parseSeconds;

console.log(
  `\nDirectory: ${thousands(manifest.files)} files, ${thousands(manifest.certificates)} certificates ` +
    `(${thousands(manifest.leafs)} leafs: SM2 ${thousands(manifest.byAlgorithm.sm2)}, RSA ${thousands(manifest.byAlgorithm.rsa)}, ` +
    `ECDSA ${thousands(manifest.byAlgorithm.ecdsa)}; ${thousands(manifest.personal)} personal; ` +
    `${thousands(manifest.bundles)} leaf+CA bundles, ${thousands(manifest.derFiles)} DER files; ` +
    `${manifest.caCertificates} CA certificates), as of ${manifest.generatedAt}\n`,
);
console.log(
  table(
    ['pass', 'files', 'certificates', 'seconds', 'CPU s', 'certificates/s', 'vs full scan'],
    [
      [
        'full scan: scanCertSource (parse, chains, verify, observe, check)',
        thousands(manifest.files),
        thousands(certificates),
        f(fullSeconds, 2),
        f(median(full.map((r) => r.cpuSeconds)), 2),
        thousands(fullRate),
        '1.00×',
      ],
      [
        'read + parse only: listCertificateFiles + readCertificateFiles',
        thousands(parseOnly[0]!.files),
        thousands(parseOnly[0]!.certificates),
        f(parseSeconds, 2),
        f(median(parseOnly.map((r) => r.cpuSeconds)), 2),
        thousands(parseRate),
        `${f(parseRate / fullRate, 2)}×`,
      ],
    ],
  ),
);
if (rounds > 1)
  console.log(`(medians of ${rounds} rounds; full scan ${full.map((r) => f(r.seconds, 2)).join(', ')} s)`);

const stages: [string, number][] = [
  ['list files', list.seconds],
  ['read + parse (X509Certificate + DER walk + SHA-256)', read.seconds],
  ['index by subject + split into chains', chains.seconds],
  ['verify chains (signatures, dates, anchors)', verifySeconds],
  ['observations (classify, redact, clip)', observed.seconds],
  ['contract check (zod, per observation)', checked.seconds],
];
const stagesTotal = stages.reduce((s, [, seconds]) => s + seconds, 0);
console.log(
  `\nThe same work stage by stage (one pass; sum ${f(stagesTotal, 2)} s vs full scan ${f(fullSeconds, 2)} s)\n`,
);
console.log(
  table(
    ['stage', 'seconds', 'share', 'µs per certificate'],
    stages.map(([what, seconds]) => [
      what,
      f(seconds, 2),
      `${f((100 * seconds) / stagesTotal, 0)} %`,
      f((seconds * 1e6) / certificates, 0),
    ]),
  ),
);
console.log('\nChain verification by the leaf’s signature algorithm\n');
console.log(
  table(
    ['algorithm', 'certificates', 'seconds', 'µs per certificate', 'share of verification'],
    [...verifyByAlgorithm]
      .sort((a, b) => b[1].seconds - a[1].seconds)
      .map(([algorithm, b]) => [
        algorithm,
        thousands(b.certificates),
        f(b.seconds, 2),
        f((b.seconds * 1e6) / b.certificates, 0),
        `${f((100 * b.seconds) / verifySeconds, 0)} %`,
      ]),
  ),
);

console.log(
  `\nVerdicts: ${thousands(verified)} verified of ${thousands(certificates)} ` +
    `(fixture expects ${thousands(manifest.expectedVerified)}); ` +
    [...problemsTally]
      .filter(([k]) => k !== 'verified')
      .map(([k, n]) => `${k} ${thousands(n)}`)
      .join(', ') +
    `; ${reference.problems} scan problems → ${faithful ? 'as expected' : 'NOT AS EXPECTED'}`,
);
console.log(
  `Memory (process RSS): ${f(mib(rssBefore))} MiB before the scan; ${f(mib(memory.rssAfterScan))} MiB as the scan ` +
    `returned (peak ${f(mib(memory.peak))} MiB, ≈ ${f((memory.peak - rssBefore) / 1024 / certificates, 1)} KiB per ` +
    `certificate above the start); ${f(mib(memory.rssHeld))} MiB after a collection with the ` +
    `${thousands(certificates)} observations still held (heap used ${f(mib(memory.heapHeld))} MiB)`,
);
if (!faithful) process.exitCode = 1;
