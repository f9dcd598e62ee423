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
};

/** Reads and validates the configuration; throws naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const bad = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${bad}`);
  }
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
  };
}

/** Configuration for tests and tools: defaults plus overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides };
}
