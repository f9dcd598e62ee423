import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { enrolRequestSchema } from '../../core/contracts/agent.ts';
import { readTextIfPresent, writeFileAtomic } from './atomic-file.ts';
import type { ConsoleClient } from './console-client.ts';
import type { Logger } from '../logger.ts';

/**
 * The agent's credential: the one in `<stateDir>/credential` (mode 0600) if there is one,
 * otherwise the one the console gives in exchange for a one-time enrolment token, stored
 * atomically before it is used. Neither the credential nor the token is ever logged.
 *
 * The token is spent when the console answers; should the agent die before the credential is on
 * disk, the token cannot be used again and an administrator must issue a new one.
 */

export const credentialFileName = 'credential';

export async function ensureCredential({
  stateDir,
  client,
  enrolToken,
  hostname,
  version,
  logger,
}: {
  stateDir: string;
  client: Pick<ConsoleClient, 'enrol'>;
  enrolToken?: string;
  hostname: string;
  version: string;
  logger: Logger;
}): Promise<{ credential: string; enrolled: boolean; agentId?: string }> {
  const path = join(stateDir, credentialFileName);
  const stored = (await readTextIfPresent(path))?.trim();
  if (stored !== undefined) {
    if (!stored) throw new Error(`the agent credential file ${path} is empty: delete it and enrol the agent again`);
    if (((await stat(path)).mode & 0o077) !== 0) {
      await chmod(path, 0o600);
      logger.warn('the credential file was readable by other users; its mode is now 0600', { path });
    }
    if (enrolToken) logger.info('using the stored credential; the enrolment token was not needed', { path });
    return { credential: stored, enrolled: false };
  }

  if (!enrolToken?.trim()) {
    throw new Error(
      `no agent credential in ${path} and no enrolment token: create a one-time enrolment token for this ` +
        'agent on the console and start the agent with it',
    );
  }
  const request = enrolRequestSchema.safeParse({ token: enrolToken.trim(), hostname, version });
  if (!request.success) {
    const fields = [...new Set(request.error.issues.map((i) => i.path.join('.')))].join(', ');
    throw new Error(`cannot enrol: malformed ${fields} (an enrolment token is 20 to 200 characters)`);
  }
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const { agentId, credential } = await client.enrol(request.data);
  await writeFileAtomic(path, `${credential}\n`, 0o600);
  logger.info('enrolled with the console', { agentId, path });
  return { credential, enrolled: true, agentId };
}
