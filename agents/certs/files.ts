import { glob, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertSource } from '../../core/contracts/agent.ts';
import { parseCertificate, type ParsedCertificate } from './certificate.ts';
import { splitIntoChains, verifyChain } from './chain.ts';
import { observeChain } from './observation.ts';
import { certificatesInFile } from './pem.ts';
import type { CertSourceScanner, ScanProblem } from './source.ts';
import { indexBySubject, trustStoreFor } from './trust.ts';

/**
 * Certificates in files: explicit files, directories searched recursively, and glob patterns. A
 * file holding several certificates is split into chains; intermediates kept in files of their own
 * serve as issuers for every file of the source. Files that are not certificates (keys, configs)
 * are passed over quietly; a file that looks like a certificate and cannot be read is a problem.
 */
type FilesSource = Extract<CertSource, { kind: 'files' }>;

export type CertificateFile = { path: string; certificates: ParsedCertificate[] };

export const scanFilesSource: CertSourceScanner<FilesSource> = async (source, context) => {
  const now = context.now();
  const listing = await listCertificateFiles(source.paths);
  const reading = await readCertificateFiles(listing.files);
  const trust = trustStoreFor(context.trustAnchorsPem);
  const pool = indexBySubject(reading.files.flatMap((file) => file.certificates));
  const observedAt = now.toISOString();
  const observations = reading.files.flatMap(({ path, certificates }) =>
    splitIntoChains(certificates).flatMap((chain) =>
      observeChain(chain, verifyChain(chain, { trust, now, pool }), { source, location: path, observedAt }),
    ),
  );
  return { observations, problems: [...listing.problems, ...reading.problems] };
};

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

export async function readCertificateFiles(
  paths: readonly string[],
): Promise<{ files: CertificateFile[]; problems: ScanProblem[] }> {
  // Resolve links first and keep the first path to each file, so a scan names files the same way every time.
  const targets = await mapConcurrently(paths, concurrentReads, (path) => realpath(path).catch(() => path));
  const firstPathTo = new Map<string, string>();
  targets.forEach((target, index) => {
    if (!firstPathTo.has(target)) firstPathTo.set(target, paths[index]!);
  });
  const results = await mapConcurrently([...firstPathTo], concurrentReads, async ([target, path]) => {
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
  });
  const files: CertificateFile[] = [];
  const problems: ScanProblem[] = [];
  for (const result of results) {
    if (!result) continue;
    if (result.certificates?.length) files.push({ path: result.path, certificates: result.certificates });
    for (const message of result.problems) problems.push({ location: result.path, message });
  }
  return { files, problems };
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
async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
