import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Small files the agent must not lose or find half-written (the spool's cursor, the credential):
 * after a crash or a power loss at any moment a reader finds either the old content or the new.
 */

/**
 * Writes a temporary file beside the target, fsyncs it, renames it over the target, then fsyncs
 * the directory so the rename itself is durable.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  // A leftover from a crashed run may carry looser permissions: start from a fresh file ('wx').
  await rm(tmp, { force: true });
  const file = await open(tmp, 'wx', mode);
  try {
    await file.chmod(mode); // the umask may have narrowed it; never widened, but be explicit
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  await fsyncDirectory(dirname(path));
}

/** Makes a directory's entries (files created, renamed or removed in it) durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A temporary file writeFileAtomic left behind when its process died mid-write. */
export const isLeftoverTemporary = (name: string) => name.startsWith('.') && /\.tmp-\d+$/.test(name);

/** The file's text, or undefined when there is no such file; other errors are thrown. */
export async function readTextIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
