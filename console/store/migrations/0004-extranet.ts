import type { Kysely } from 'kysely';

/**
 * The extranet: site agents and their credentials, the links they measure (a tree from the
 * provincial backbone down to department sites), each link's current state, its rounds and
 * state-change events, the batches already ingested (idempotency), and the certificate inventory.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // An agent at a site or a department. The enrolment token and the credential are kept only as
  // SHA-256 hashes of high-entropy secrets; the credential replaces the token at enrolment.
  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('site_code', 'text', (c) => c.references('sites.code'))
    .addColumn('department_code', 'text', (c) => c.references('departments.code'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('enrol_token_hash', 'text')
    .addColumn('enrol_expires_at', 'text')
    .addColumn('credential_hash', 'text')
    .addColumn('hostname', 'text')
    .addColumn('version', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('enrolled_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('last_seen_at', 'text')
    .addColumn('config_revision', 'text')
    .addColumn('spool_records', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('spool_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('dropped_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  // Certificate sources an operator configured for an agent (the agent may add local ones).
  await db.schema
    .createTable('agent_cert_sources')
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_cert_sources_pk', ['agent_id', 'source_id'])
    .execute();

  // Roots (RSA, ECDSA, SM2) every agent verifies chains against.
  await db.schema
    .createTable('trust_anchors')
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('pem', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .execute();

  // A link of the extranet tree and how it is measured. `link_class` picks its thresholds.
  await db.schema
    .createTable('links')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('link_class', 'text', (c) => c.notNull())
    .addColumn('parent_code', 'text', (c) => c.references('links.code'))
    .addColumn('region_code', 'text', (c) => c.references('regions.code'))
    .addColumn('department_code', 'text', (c) => c.references('departments.code'))
    .addColumn('agent_id', 'text', (c) => c.references('agents.id'))
    // The contract's Target without its id, as JSON; the interval is a column for the silence sweep.
    .addColumn('probe', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('links_agent').on('links').columns(['agent_id', 'code']).execute();
  await db.schema.createIndex('links_parent').on('links').columns(['parent_code']).execute();
  await db.schema.createIndex('links_department').on('links').columns(['department_code']).execute();

  // Per-class threshold overrides (JSON); a class without a row uses core/link-state.ts defaults.
  await db.schema
    .createTable('link_class_thresholds')
    .addColumn('link_class', 'text', (c) => c.primaryKey())
    .addColumn('thresholds', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  // The state every replica agrees on, updated in the same transaction as the round that moved it.
  await db.schema
    .createTable('link_status')
    .addColumn('link_code', 'text', (c) => c.primaryKey().references('links.code'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('failed_streak', 'integer', (c) => c.notNull())
    .addColumn('good_streak', 'integer', (c) => c.notNull())
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('last_round_at', 'text')
    .addColumn('loss_ratio', 'real')
    .addColumn('rtt_avg_ms', 'real')
    .addColumn('jitter_ms', 'real')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('link_status_state').on('link_status').columns(['state', 'link_code']).execute();

  // Recent rounds (pruned by age); one per link and start time, so a replay cannot add a second.
  await db.schema
    .createTable('link_rounds')
    .addColumn('link_code', 'text', (c) => c.notNull().references('links.code'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull())
    .addColumn('received', 'integer', (c) => c.notNull())
    .addColumn('loss_ratio', 'real', (c) => c.notNull())
    .addColumn('rtt_min_ms', 'real')
    .addColumn('rtt_avg_ms', 'real')
    .addColumn('rtt_max_ms', 'real')
    .addColumn('rtt_mdev_ms', 'real')
    .addColumn('jitter_ms', 'real')
    .addColumn('http_status', 'integer')
    .addColumn('phases', 'text')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('link_rounds_pk', ['link_code', 'started_at'])
    .execute();

  // State changes, the source of availability per day and month.
  await db.schema
    .createTable('link_events')
    .addColumn('link_code', 'text', (c) => c.notNull().references('links.code'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('link_events_pk', ['link_code', 'at'])
    .execute();
  await db.schema.createIndex('link_events_at').on('link_events').columns(['at']).execute();

  // Batches already stored: a replayed batch id is acknowledged and stored nothing twice.
  await db.schema
    .createTable('report_batches')
    .addColumn('batch_id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('rounds', 'integer', (c) => c.notNull())
    .addColumn('certificates', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('report_batches_received').on('report_batches').columns(['received_at']).execute();

  // The inventory, one row per certificate (by SHA-256 fingerprint) whoever saw it. `subject` is
  // null for personal certificates: their subject never leaves the agent.
  await db.schema
    .createTable('certificates')
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text')
    .addColumn('common_name', 'text')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('serial', 'text', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('key_algorithm', 'text', (c) => c.notNull())
    .addColumn('key_size', 'integer')
    .addColumn('curve', 'text')
    .addColumn('signature_algorithm', 'text', (c) => c.notNull())
    .addColumn('algorithm_family', 'text', (c) => c.notNull())
    .addColumn('sans', 'text', (c) => c.notNull())
    .addColumn('is_ca', 'integer', (c) => c.notNull())
    .addColumn('personal', 'integer', (c) => c.notNull())
    .addColumn('department_code', 'text')
    .addColumn('chain_verified', 'integer')
    .addColumn('chain_problems', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('certificates_not_after').on('certificates').columns(['not_after']).execute();
  await db.schema
    .createIndex('certificates_department')
    .on('certificates')
    .columns(['department_code', 'not_after'])
    .execute();
  await db.schema.createIndex('certificates_serial').on('certificates').columns(['serial', 'issuer']).execute();

  // Where each certificate was seen: by which agent, source and position in a chain.
  await db.schema
    .createTable('certificate_sightings')
    .addColumn('fingerprint', 'text', (c) => c.notNull().references('certificates.fingerprint'))
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('chain_verified', 'integer', (c) => c.notNull())
    .addColumn('chain_problems', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('certificate_sightings_pk', ['fingerprint', 'agent_id', 'source_id', 'location'])
    .execute();

  // The RA's list of issued certificates (CSV import): what should exist, matched by serial to
  // what agents see. Holder names are not kept for personal certificates.
  await db.schema
    .createTable('ra_certificates')
    .addColumn('serial', 'text', (c) => c.primaryKey())
    .addColumn('common_name', 'text')
    .addColumn('department_code', 'text')
    .addColumn('holder_kind', 'text', (c) => c.notNull())
    .addColumn('algorithm_family', 'text', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ra_certificates_department')
    .on('ra_certificates')
    .columns(['department_code', 'not_after'])
    .execute();
}
