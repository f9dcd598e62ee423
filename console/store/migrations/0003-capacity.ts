import { type Kysely, sql } from 'kysely';

/**
 * Capacity and quotas: what each site offers, what departments hold, the requests that change
 * it, the desired-state revision the Pulumi program follows, and what Kubernetes reports back.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per site: the capacity version (stale edits get 409) and the row every approval on
  // the site locks, so concurrent approvals are checked against the ledger one at a time.
  await db.schema
    .createTable('site_ledgers')
    .addColumn('site_code', 'text', (c) => c.primaryKey().references('sites.code'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('site_resources')
    .addColumn('site_code', 'text', (c) => c.notNull().references('sites.code'))
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('capacity', 'bigint', (c) => c.notNull())
    .addColumn('requests_ratio_pct', 'integer', (c) => c.notNull())
    .addColumn('limits_ratio_pct', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('site_resources_pk', ['site_code', 'resource'])
    .execute();

  // The allocation in force for a department on a site, and the namespace it lives in.
  await db.schema
    .createTable('quotas')
    .addColumn('department_code', 'text', (c) => c.notNull().references('departments.code'))
    .addColumn('site_code', 'text', (c) => c.notNull().references('sites.code'))
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('quotas_pk', ['department_code', 'site_code'])
    .addUniqueConstraint('quotas_namespace', ['site_code', 'namespace'])
    .execute();

  await db.schema
    .createTable('quota_amounts')
    .addColumn('department_code', 'text', (c) => c.notNull())
    .addColumn('site_code', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('requests', 'bigint', (c) => c.notNull())
    .addColumn('limits', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('quota_amounts_pk', ['department_code', 'site_code', 'resource'])
    .addForeignKeyConstraint('quota_amounts_quota', ['department_code', 'site_code'], 'quotas', [
      'department_code',
      'site_code',
    ])
    .execute();
  // The ledger sums one site's resource across departments.
  await db.schema.createIndex('quota_amounts_site').on('quota_amounts').columns(['site_code', 'resource']).execute();

  await db.schema
    .createTable('quota_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('department_code', 'text', (c) => c.notNull().references('departments.code'))
    .addColumn('site_code', 'text', (c) => c.notNull().references('sites.code'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('requested', 'text', (c) => c.notNull())
    .addColumn('approved', 'text')
    .addColumn('reason', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_id', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quota_requests_queue').on('quota_requests').columns(['status', 'created_at']).execute();
  await db.schema
    .createIndex('quota_requests_department')
    .on('quota_requests')
    .columns(['department_code', 'created_at'])
    .execute();

  // A request's history: every step, who took it, and the amounts at that step.
  await db.schema
    .createTable('quota_request_events')
    .addColumn('request_id', 'text', (c) => c.notNull().references('quota_requests.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('amounts', 'text')
    .addPrimaryKeyConstraint('quota_request_events_pk', ['request_id', 'seq'])
    .execute();

  // One row: the desired-state revision, bumped in the same transaction as every change to it.
  await db.schema
    .createTable('provisioning_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into provisioning_state (id, revision, changed_at) values (1, 0, ${new Date(0).toISOString()})`.execute(
    db,
  );

  // What each site's Kubernetes API said last time it was read, shared by every replica.
  await db.schema
    .createTable('site_observations')
    .addColumn('site_code', 'text', (c) => c.primaryKey().references('sites.code'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('observed_at', 'text', (c) => c.notNull())
    .addColumn('last_success_at', 'text')
    .addColumn('allocatable', 'text')
    .execute();

  await db.schema
    .createTable('namespace_usage')
    .addColumn('site_code', 'text', (c) => c.notNull().references('sites.code'))
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('quota_key', 'text', (c) => c.notNull())
    .addColumn('hard', 'bigint')
    .addColumn('used', 'bigint')
    .addColumn('observed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('namespace_usage_pk', ['site_code', 'namespace', 'quota_key'])
    .execute();

  // Periodic jobs take a lease so that one replica runs each.
  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}
