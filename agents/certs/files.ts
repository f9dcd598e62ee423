import { glob, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertSource } from '../../core/contracts/agent.ts';
import { parseCertificate, type ParsedCertificate } from './certificate.ts';
import { splitIntoChains, verifyChain } from './chain.ts';
import { observeChain } from './observation.ts';
import { certificatesInFile } from './pem.ts';
import type { CertSourceScanner, ScanProblem } from './source.ts';
import { indexBySubject, trustStoreFor, type CertificateIndex } from './trust.ts';

/**
 * Certificates in files: explicit files, directories searched recursively, and glob patterns. A
 * file holding several certificates is split into chains; intermediates kept in files of their own
 * serve as issuers for every file of the source. Files that are not certificates (keys, configs)
 * are passed over quietly; a file that looks like a certificate and cannot be read is a problem.
 */
type FilesSource = Extract<CertSource, { kind: 'files' }>;

export type CertificateFile = { path: string; certificates: ParsedCertificate[] };

/**
 * Two passes over the files, each holding one file's certificates at a time (a directory of tens
 * of thousands of certificates held whole costs hundreds of MiB the allocator does not give back):
 * the first reports the files' problems and keeps only the certificates that may issue others
 * (the issuer pool), the second verifies each file's chains against that pool and keeps only the
 * observations.
 */
export const scanFilesSource: CertSourceScanner<FilesSource> = async (source, context) => {
  const now = context.now();
  const listing = await listCertificateFiles(source.paths);
  const files = await distinctFiles(listing.files);
  const trust = trustStoreFor(context.trustAnchorsPem);
  const { pool, withCertificates, problems } = await gatherIssuers(files);
  const observedAt = now.toISOString();
  const perFile = await mapConcurrently(withCertificates, concurrentReads, async (file) => {
    const result = await readCertificateFile(file);
    if (!result?.certificates?.length) return [];
    return splitIntoChains(result.certificates).flatMap((chain) =>
      observeChain(chain, verifyChain(chain, { trust, now, pool }), { source, location: file.path, observedAt }),
    );
  });
  return { observations: perFile.flat(), problems: [...listing.problems, ...problems] };
};

type DistinctFile = { target: string; path: string };

/** Links resolved, the first path to each file kept, so a scan names files the same way every time. */
async function distinctFiles(paths: readonly string[]): Promise<DistinctFile[]> {
  const targets = await mapConcurrently(paths, concurrentReads, (path) => realpath(path).catch(() => path));
  const firstPathTo = new Map<string, string>();
  targets.forEach((target, index) => {
    if (!firstPathTo.has(target)) firstPathTo.set(target, paths[index]!);
  });
  return [...firstPathTo].map(([target, path]) => ({ target, path }));
}

/**
 * The first pass: every file's problems, the files that hold certificates, and the pool of every
 * certificate whose subject issued a certificate of the source, in file order (as if every file's
 * certificates were indexed together). A leaf issued nothing and is not kept; should a certificate
 * dropped early turn out to be some certificate's issuer, its file is read again for it.
 */
async function gatherIssuers(files: readonly DistinctFile[]): Promise<{
  pool: CertificateIndex;
  withCertificates: DistinctFile[];
  problems: ScanProblem[];
}> {
  const issuerKeys = new Set<string>();
  // By fingerprint: the first occurrence's place in file order, as indexing every file at once keeps.
  const kept = new Map<string, { file: number; position: number; certificate: ParsedCertificate }>();
  const keep = (file: number, position: number, certificate: ParsedCertificate) => {
    const earlier = kept.get(certificate.fingerprintSha256);
    if (!earlier || file < earlier.file) kept.set(certificate.fingerprintSha256, { file, position, certificate });
  };
  const droppedSubjects = new Map<string, number[]>(); // subject key → files holding a dropped certificate of it
  const results = await mapConcurrently(files, concurrentReads, async (file, index) => {
    const result = await readCertificateFile(file);
    result?.certificates?.forEach((certificate, position) => {
      issuerKeys.add(certificate.issuerKey);
      if (
        certificate.isCa ||
        certificate.subjectKey === certificate.issuerKey ||
        issuerKeys.has(certificate.subjectKey)
      ) {
        keep(index, position, certificate);
      } else {
        const holders = droppedSubjects.get(certificate.subjectKey);
        if (!holders) droppedSubjects.set(certificate.subjectKey, [index]);
        else if (holders.at(-1) !== index) holders.push(index);
      }
    });
    return result && { path: result.path, problems: result.problems, certificates: result.certificates?.length ?? 0 };
  });
  const reread = new Set<number>();
  for (const key of issuerKeys) droppedSubjects.get(key)?.forEach((index) => reread.add(index));
  for (const index of reread) {
    const result = await readCertificateFile(files[index]!);
    result?.certificates?.forEach((certificate, position) => {
      if (issuerKeys.has(certificate.subjectKey)) keep(index, position, certificate);
    });
  }
  const pool = indexBySubject(
    [...kept.values()]
      .filter(({ certificate }) => issuerKeys.has(certificate.subjectKey))
      .sort((a, b) => a.file - b.file || a.position - b.position)
      .map(({ certificate }) => certificate),
  );
  const withCertificates: DistinctFile[] = [];
  const problems: ScanProblem[] = [];
  results.forEach((result, index) => {
    if (!result) return;
    if (result.certificates > 0) withCertificates.push(files[index]!);
    for (const message of result.problems) problems.push({ location: result.path, message });
  });
  return { pool, withCertificates, problems };
}

const globCharacters = /[*?[{]/;

/** The files the configured paths name, once each, sorted so scans list them in a stable order. */
export async function listCertificateFiles(
  paths: readonly string[],
): Promise<{ files: string[]; problems: ScanProblem[] }> {
  const files = new Set<string>();
  const problems: ScanProblem[] = [];
  for (const path of paths) {
    try {
      if (globCharacters.test(path)) {
        let matched = 0;
        for await (const match of glob(path)) {
          matched++;
          files.add(match);
        }
        if (matched === 0) problems.push({ location: path, message: 'no file matches this pattern' });
      } else if ((await stat(path)).isDirectory()) {
        // Symbolic links are listed here and followed when read, so /etc/ssl/certs-style links work.
        for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
          if (entry.isFile() || entry.isSymbolicLink()) files.add(join(entry.parentPath, entry.name));
        }
      } else {
        files.add(path);
      }
    } catch (error) {
      problems.push({ location: path, message: describeFsError(error) });
    }
  }
  return { files: [...files].sort(), problems };
}

/** Larger files are not certificates (a bundle of every CA in the world is about 250 KiB). */
const maxFileBytes = 4 * 1024 * 1024;
const certificateExtension = /\.(pem|crt|cer|cert|der)$/i;
const concurrentReads = 16;

/** Every file's certificates at once: for tools and benches; the agent's scan streams instead. */
export async function readCertificateFiles(
  paths: readonly string[],
): Promise<{ files: CertificateFile[]; problems: ScanProblem[] }> {
  const results = await mapConcurrently(await distinctFiles(paths), concurrentReads, readCertificateFile);
  const files: CertificateFile[] = [];
  const problems: ScanProblem[] = [];
  for (const result of results) {
    if (!result) continue;
    if (result.certificates?.length) files.push({ path: result.path, certificates: result.certificates });
    for (const message of result.problems) problems.push({ location: result.path, message });
  }
  return { files, problems };
}

async function readCertificateFile({ target, path }: DistinctFile): Promise<FileResult | undefined> {
  try {
    const info = await stat(target);
    if (!info.isFile()) return undefined; // a directory behind a link, a socket, a device
    if (info.size > maxFileBytes) {
      return certificateExtension.test(path) ? { path, problems: ['file too large to be a certificate'] } : undefined;
    }
    return readCertificates(path, await readFile(target));
  } catch (error) {
    return { path, problems: [describeFsError(error)] };
  }
}

type FileResult = { path: string; certificates?: ParsedCertificate[]; problems: string[] };

function readCertificates(path: string, bytes: Uint8Array): FileResult | undefined {
  const looksLikeCertificate = certificateExtension.test(path);
  const content = certificatesInFile(bytes);
  if (content.kind === 'none') {
    return looksLikeCertificate ? { path, problems: ['neither a PEM nor a DER certificate'] } : undefined;
  }
  if (content.kind === 'der') {
    try {
      return { path, certificates: [parseCertificate(content.der)], problems: [] };
    } catch (error) {
      // Keys and other DER structures also start with a SEQUENCE; only a certificate's name makes it corrupt.
      return looksLikeCertificate ? { path, problems: [(error as Error).message] } : undefined;
    }
  }
  const certificates: ParsedCertificate[] = [];
  const problems: string[] = [];
  if (content.corruptBlocks > 0) problems.push(`${content.corruptBlocks} damaged PEM certificate block(s)`);
  content.ders.forEach((der, index) => {
    try {
      certificates.push(parseCertificate(der));
    } catch (error) {
      problems.push(`certificate ${index + 1}: ${(error as Error).message}`);
    }
  });
  return { path, certificates, problems };
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return (error as Error).message;
}

/** Reads overlap so a scan of thousands of files waits on the disk in parallel, not one file at a time. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
