import type { Kysely } from 'kysely';

/**
 * Department systems, their move onto the cloud and their disaster recovery: one record per
 * system joining its owner, its migration request and history, its wave, its protection at each
 * DR site, its drills and follow-ups; the DR sites' construction approvals; the GB/T 20988 level
 * table as data operators can correct.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A department's information system. The MLPS level may be unknown until graded (no cut-over
  // then); RPO/RTO in seconds; hosting names a cloud site when the system already runs there.
  await db.schema
    .createTable('systems')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('department_code', 'text', (c) => c.notNull().references('departments.code'))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('mlps_level', 'integer')
    .addColumn('network', 'text', (c) => c.notNull())
    .addColumn('hosting', 'text', (c) => c.notNull())
    .addColumn('hosting_site_code', 'text', (c) => c.references('sites.code'))
    .addColumn('data_volume_gib', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rpo_seconds', 'integer')
    .addColumn('rto_seconds', 'integer')
    .addColumn('target_dr_level', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('systems_department').on('systems').columns(['department_code', 'code']).execute();

  await db.schema
    .createTable('system_dependencies')
    .addColumn('system_code', 'text', (c) => c.notNull().references('systems.code'))
    .addColumn('depends_on_code', 'text', (c) => c.notNull().references('systems.code'))
    .addPrimaryKeyConstraint('system_dependencies_pk', ['system_code', 'depends_on_code'])
    .execute();
  await db.schema
    .createIndex('system_dependencies_reverse')
    .on('system_dependencies')
    .column('depends_on_code')
    .execute();

  // A wave groups migrations cut over together; `position` orders the plan.
  await db.schema
    .createTable('waves')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'text')
    .addColumn('window_end', 'text')
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // One request per move of a system; at most one not in a final state per system (the service
  // checks under the system's row lock). `held_from` is where an on-hold request resumes.
  await db.schema
    .createTable('migration_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_code', 'text', (c) => c.notNull().references('systems.code'))
    .addColumn('department_code', 'text', (c) => c.notNull().references('departments.code'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('held_from', 'text')
    .addColumn('justification', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('target_site_code', 'text', (c) => c.references('sites.code'))
    .addColumn('strategy', 'text')
    .addColumn('readiness', 'text')
    // Sizing as a capacity Allocation (JSON), and the quota request it raised, if any.
    .addColumn('sizing', 'text')
    .addColumn('quota_request_id', 'text')
    .addColumn('wave_code', 'text', (c) => c.references('waves.code'))
    .addColumn('cutover_start', 'text')
    .addColumn('cutover_end', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('migration_requests_system').on('migration_requests').columns(['system_code']).execute();
  await db.schema
    .createIndex('migration_requests_state')
    .on('migration_requests')
    .columns(['state', 'department_code'])
    .execute();
  await db.schema.createIndex('migration_requests_wave').on('migration_requests').columns(['wave_code']).execute();

  // Every move: who, when, from, to, and why.
  await db.schema
    .createTable('migration_events')
    .addColumn('request_id', 'text', (c) => c.notNull().references('migration_requests.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('migration_events_pk', ['request_id', 'seq'])
    .execute();

  // DR sites are the existing sites; their construction status and approvals.
  await db.schema
    .alterTable('sites')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('operational'))
    .execute();
  await db.schema
    .createTable('site_milestones')
    .addColumn('site_code', 'text', (c) => c.notNull().references('sites.code'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('document_no', 'text')
    .addColumn('decided_on', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('site_milestones_pk', ['site_code', 'kind'])
    .execute();

  // A system's protection at one DR site. Lag and the last good recovery point come from operators
  // or replication tooling; `achieved_level` is computed from the level table (null: not enough known).
  await db.schema
    .createTable('dr_protections')
    .addColumn('system_code', 'text', (c) => c.notNull().references('systems.code'))
    .addColumn('site_code', 'text', (c) => c.notNull().references('sites.code'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('lag_seconds', 'integer')
    .addColumn('last_recovery_point', 'text')
    .addColumn('achieved_level', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dr_protections_pk', ['system_code', 'site_code'])
    .execute();
  await db.schema.createIndex('dr_protections_site').on('dr_protections').columns(['site_code', 'state']).execute();

  await db.schema
    .createTable('dr_drills')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_code', 'text', (c) => c.notNull().references('systems.code'))
    .addColumn('site_code', 'text', (c) => c.notNull().references('sites.code'))
    .addColumn('planned_on', 'text', (c) => c.notNull())
    .addColumn('executed_at', 'text')
    .addColumn('result', 'text')
    .addColumn('measured_rto_seconds', 'integer')
    .addColumn('measured_rpo_seconds', 'integer')
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo(''))
    // References to attachments kept elsewhere (document numbers, URLs), as a JSON array.
    .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('cleanup_confirmed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dr_drills_system').on('dr_drills').columns(['system_code', 'site_code']).execute();

  // Work left by a failed or partial drill (or noted by hand), open until someone closes it.
  await db.schema
    .createTable('system_follow_ups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_code', 'text', (c) => c.notNull().references('systems.code'))
    .addColumn('drill_id', 'text', (c) => c.references('dr_drills.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text')
    .execute();
  await db.schema.createIndex('system_follow_ups_system').on('system_follow_ups').columns(['system_code']).execute();

  // GB/T 20988 capability levels as data: the texts the standard gives, and the bounds the console
  // computes an achieved level with. Seeded by the service at first start; operators correct them.
  await db.schema
    .createTable('dr_levels')
    .addColumn('level', 'integer', (c) => c.primaryKey())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('rto_text', 'text', (c) => c.notNull())
    .addColumn('rpo_text', 'text', (c) => c.notNull())
    .addColumn('rto_max_seconds', 'integer', (c) => c.notNull())
    .addColumn('rpo_max_seconds', 'integer', (c) => c.notNull())
    .addColumn('needs_real_time', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
}
