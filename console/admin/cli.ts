import { parseArgs } from 'node:util';
import { DomainError, Invalid } from '../../core/errors.ts';
import { type Role, roles } from '../../core/roles.ts';
import { generatePassword } from '../auth/passwords.ts';
import { secretBoxFor } from '../auth/secret-box.ts';
import { loadConfig } from '../config.ts';
import { buildDeps } from '../deps.ts';
import { errorBody } from '../http/errors.ts';
import { translator } from '../i18n/negotiate.ts';
import { createLogger } from '../logger.ts';
import { createRegistry } from '../metrics/registry.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { openStore } from '../store/open.ts';

/**
 * `npm run admin -- <command>`: first set-up and recovery, working on the store directly (the
 * console need not run). Every change is audited with actor "local-admin".
 */
const usage = `usage: npm run admin -- <command> [options]

  create-user <username> --role <role> [--role <role>] [--department <code>] [--name <display name>] [--password <pw>]
      creates an account; without --password one is generated and printed once
  reset-password <username> [--password <pw>]
      sets a new password (generated when omitted), clears the lockout, ends sessions
  reset-totp <username>         forgets the TOTP enrolment; the user enrols again at next sign-in
  unlock <username>             clears a lockout after failed sign-ins
  create-token <name> --role <role> [--department <code>]
      creates an API token and prints it alone on the last line, once
  revoke-token <id>             revokes an API token
  list-users | list-tokens

roles: ${roles.join(', ')}
DATABASE_URL selects the store as for the console (default sqlite:./data/console.db).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    role: { type: 'string', multiple: true },
    department: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const [command, arg] = positionals;
if (!command || values.help) {
  console.log(usage);
  process.exit(command ? 0 : 2);
}

const config = loadConfig();
const store = openStore(config.databaseUrl);
await migrateToLatest(store.db as never);
const deps = buildDeps({
  config,
  store,
  logger: createLogger('warn'),
  registry: createRegistry(),
  secrets: secretBoxFor(config).box,
});
const t = translator('en');

async function audited<T>(action: string, target: string, fn: () => Promise<T>): Promise<T> {
  return deps.uow.inTransaction(async () => {
    const result = await fn();
    await deps.audit.append({
      actor: 'local-admin',
      role: 'local-admin',
      action,
      target,
      outcome: 'success',
      source: 'admin-cli',
    });
    return result;
  });
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new Invalid([{ field: what, rule: 'required' }]);
  return value;
}

try {
  switch (command) {
    case 'create-user': {
      const username = need(arg, 'username');
      const password = values.password ?? generatePassword();
      const user = await audited('user.create', `user:${username}`, () =>
        deps.accounts.createUser({
          username,
          displayName: values.name,
          roles: (values.role ?? []) as Role[],
          department: values.department ?? null,
          password,
        }),
      );
      console.log(
        `created ${user.username} (${user.roles.join(', ')}${user.department ? `, department ${user.department}` : ''})`,
      );
      if (!values.password) console.log(`password: ${password}`);
      break;
    }
    case 'reset-password': {
      const username = need(arg, 'username');
      const password = values.password ?? generatePassword();
      await audited('user.password-reset', `user:${username}`, () => deps.accounts.resetPassword(username, password));
      console.log(`password of ${username} reset; sessions ended`);
      if (!values.password) console.log(`password: ${password}`);
      break;
    }
    case 'reset-totp': {
      const username = need(arg, 'username');
      await audited('user.totp-reset', `user:${username}`, () => deps.accounts.resetTotp(username));
      console.log(`TOTP of ${username} reset; they enrol again at next sign-in`);
      break;
    }
    case 'unlock': {
      const username = need(arg, 'username');
      await audited('user.unlock', `user:${username}`, () => deps.accounts.unlock(username));
      console.log(`${username} unlocked`);
      break;
    }
    case 'create-token': {
      const name = need(arg, 'name');
      const { token, view } = await audited('token.create', `token:${name}`, () =>
        deps.accounts.createToken(
          { name, role: values.role?.[0], department: values.department ?? null },
          'local-admin',
          // Local root access may create administrator tokens; the console's pages and API may not.
          { allowAdministratorRoles: true },
        ),
      );
      console.log(
        `token ${view.id} (${view.role}${view.department ? `, department ${view.department}` : ''}); shown once:`,
      );
      console.log(token);
      break;
    }
    case 'revoke-token': {
      const id = need(arg, 'id');
      await audited('token.revoke', `token:${id}`, () => deps.accounts.revokeToken(id));
      console.log(`token ${id} revoked`);
      break;
    }
    case 'list-users':
      for (const u of await deps.accounts.listUsers()) {
        console.log(
          [
            u.username,
            u.roles.join('+'),
            u.department ?? '-',
            u.totpEnrolled ? 'totp' : 'no-totp',
            u.lockedUntil ? `locked until ${u.lockedUntil}` : '',
          ].join('\t'),
        );
      }
      break;
    case 'list-tokens':
      for (const k of await deps.accounts.listTokens()) {
        console.log([k.id, k.name, k.role, k.department ?? '-', k.revokedAt ? 'revoked' : 'active'].join('\t'));
      }
      break;
    default:
      console.error(`unknown command: ${command}\n\n${usage}`);
      process.exitCode = 2;
  }
} catch (e) {
  if (!(e instanceof DomainError)) throw e;
  console.error(`error: ${errorBody(e, t, '').error.message}`);
  process.exitCode = 1;
} finally {
  await store.db.destroy();
}
