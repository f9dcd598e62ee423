import { z } from 'zod';

/**
 * Every setting the console reads from its environment, with its default. The README's
 * configuration table is written from this list.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().default('sqlite:./data/console.db'),
  CONSOLE_ADMIN_PASSWORD: z.string().min(12).optional(),
  CONSOLE_DEMO: z.enum(['0', '1']).default('1'),
  /** Key that seals TOTP secrets at rest (base64, 32 bytes); replicas must share it. */
  CONSOLE_SECRET_KEY: z.string().optional(),
  /** Where the key is kept when CONSOLE_SECRET_KEY is not set; created on first start. */
  CONSOLE_KEY_FILE: z.string().default('./data/console.key'),
  /** Set when the console is served over HTTPS (directly or behind a proxy), so cookies are Secure. */
  COOKIE_SECURE: z.enum(['0', '1']).default('0'),
  /** Trust X-Forwarded-For from the load balancer for the audit log's source address. */
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(20),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Kubeconfig with a context per site; unset turns reading usage back from the sites off. */
  KUBECONFIG_PATH: z.string().min(1).optional(),
  /** Which kubeconfig context reaches which site: `prod-hefei=ctx-a,dr-hefei=ctx-b`. */
  KUBE_SITE_CONTEXTS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const parsed = parseSiteContexts(text ?? '');
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      return typeof parsed === 'string' ? {} : parsed;
    }),
  USAGE_POLL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  KUBE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  /** How often links without rounds are looked for (and marked unknown). */
  LINK_SWEEP_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  /** How long each link round is kept; state, events and availability do not depend on it. */
  LINK_ROUNDS_KEEP_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(90 * 24)
    .default(72),
  /** After this date no department should hold an unexpired RSA certificate (alert CertificatesStillOnRsa). */
  CERT_RSA_CUTOVER_DATE: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return null;
      const at = parseCutover(text.trim());
      if (at === null) {
        ctx.addIssue({
          code: 'custom',
          message: `expected an ISO date such as 2027-01-01 or 2027-01-01T00:00:00+08:00, got ${JSON.stringify(text.slice(0, 40))}`,
        });
      }
      return at;
    }),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string;
  adminPassword: string | undefined;
  demo: boolean;
  secretKey: string | undefined;
  keyFile: string;
  cookieSecure: boolean;
  trustProxy: boolean;
  sessionIdleMs: number;
  lockoutThreshold: number;
  lockoutMs: number;
  shutdownGraceMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Unset: usage read-back is off. */
  kubeconfigPath: string | undefined;
  /** Site code → kubeconfig context. */
  kubeSiteContexts: Record<string, string>;
  usagePollMs: number;
  kubeTimeoutMs: number;
  linkSweepMs: number;
  linkRoundsKeepMs: number;
  /** Unset: no RSA cutover date is exported and the RSA alert stays quiet. */
  certRsaCutover: Date | null;
};

/** Reads and validates the configuration; throws naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? usageReadBackProblems(parsed.data)
    : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (!parsed.success || problems.length) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    adminPassword: e.CONSOLE_ADMIN_PASSWORD,
    demo: e.CONSOLE_DEMO === '1',
    secretKey: e.CONSOLE_SECRET_KEY,
    keyFile: e.CONSOLE_KEY_FILE,
    cookieSecure: e.COOKIE_SECURE === '1',
    trustProxy: e.TRUST_PROXY === '1',
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    lockoutThreshold: e.LOCKOUT_THRESHOLD,
    lockoutMs: e.LOCKOUT_MINUTES * 60_000,
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
    kubeconfigPath: e.KUBECONFIG_PATH,
    kubeSiteContexts: e.KUBE_SITE_CONTEXTS,
    usagePollMs: e.USAGE_POLL_SECONDS * 1000,
    kubeTimeoutMs: e.KUBE_TIMEOUT_SECONDS * 1000,
    linkSweepMs: e.LINK_SWEEP_SECONDS * 1000,
    linkRoundsKeepMs: e.LINK_ROUNDS_KEEP_HOURS * 3_600_000,
    certRsaCutover: e.CERT_RSA_CUTOVER_DATE,
  };
}

/** Rules that tie the usage read-back settings together. */
function usageReadBackProblems(e: z.infer<typeof envSchema>): string[] {
  const problems: string[] = [];
  if (e.KUBECONFIG_PATH && !Object.keys(e.KUBE_SITE_CONTEXTS).length) {
    problems.push('KUBE_SITE_CONTEXTS: required when KUBECONFIG_PATH is set');
  }
  // A poll must be over (every site answered or timed out) before the next one is due.
  if (e.KUBE_TIMEOUT_SECONDS >= e.USAGE_POLL_SECONDS) {
    problems.push('KUBE_TIMEOUT_SECONDS: must be less than USAGE_POLL_SECONDS');
  }
  return problems;
}

/**
 * Reads `site=context,site=context`; a message when malformed. Site codes are checked against
 * the store at start (the configuration cannot see it), contexts at each read.
 */
function parseSiteContexts(text: string): Record<string, string> | string {
  const pairs: Record<string, string> = {};
  for (const entry of text.split(',').map((s) => s.trim())) {
    if (!entry) continue;
    const m = /^([A-Za-z0-9][\w.-]*)=([^\s=,]+)$/.exec(entry);
    if (!m) return `expected site=context pairs separated by commas, got ${JSON.stringify(entry.slice(0, 60))}`;
    const [, site = '', context = ''] = m;
    if (site in pairs) return `site ${site} is named twice`;
    pairs[site] = context;
  }
  return pairs;
}

/**
 * `2027-01-01` (the start of that day, UTC) or an instant with its offset
 * (`2027-01-01T00:00:00+08:00`); null when it is neither or names no real day (`2027-02-30`).
 */
function parseCutover(text: string): Date | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const at = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(text) ? at : null;
  }
  if (!z.iso.datetime({ offset: true }).safeParse(text).success) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Configuration for tests and tools: defaults plus overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides };
}
