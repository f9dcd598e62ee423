import type { Registry } from 'prom-client';
import { type CapacityService, createCapacityService } from './capacity/capacity-service.ts';
import { createDesiredStateBuilder, type DesiredStateBuilder } from './capacity/desired-state.ts';
import { createLedger, type Ledger } from './capacity/ledger.ts';
import { createQuotasService, type QuotasService } from './capacity/quotas-service.ts';
import { createRequestsService, type RequestsService } from './capacity/requests-service.ts';
import { type AccountsService, createAccountsService } from './accounts/service.ts';
import { type AgentsService, createAgentsService } from './agents/service.ts';
import { type AuditService, createAuditService } from './audit/service.ts';
import { createLockout } from './auth/lockout.ts';
import type { SecretBox } from './auth/secret-box.ts';
import { createSessionsService, type SessionsService } from './auth/sessions.ts';
import { type CertificatesService, createCertificatesService } from './certificates/service.ts';
import type { Config } from './config.ts';
import { createDrService, type DrService } from './dr/service.ts';
import { createLinksService, type LinksService } from './extranet/links-service.ts';
import { createMigrationService, type MigrationService } from './migration/service.ts';
import { createSystemsService, type SystemsService } from './systems/service.ts';
import type { Logger } from './logger.ts';
import { createOrgService, type OrgService } from './org/service.ts';
import type { Store } from './store/open.ts';
import { type UnitOfWork, unitOfWork } from './store/unit-of-work.ts';
import { createUsageService, type UsageService } from './usage/service.ts';

/** Everything the app needs, made once per process and passed in (tests make their own). */
export type Deps = {
  config: Config;
  store: Store;
  uow: UnitOfWork;
  logger: Logger;
  registry: Registry;
  now: () => Date;
  audit: AuditService;
  accounts: AccountsService;
  sessions: SessionsService;
  org: OrgService;
  ledger: Ledger;
  capacity: CapacityService;
  requests: RequestsService;
  quotas: QuotasService;
  desiredState: DesiredStateBuilder;
  usage: UsageService;
  agents: AgentsService;
  links: LinksService;
  certificates: CertificatesService;
  systems: SystemsService;
  migration: MigrationService;
  dr: DrService;
};

/** Wires the services over one store. `scryptCost` is lowered only by tests and benchmarks. */
export function buildDeps({
  config,
  store,
  logger,
  registry,
  now = () => new Date(),
  secrets,
  scryptCost,
}: {
  config: Config;
  store: Store;
  logger: Logger;
  registry: Registry;
  now?: () => Date;
  secrets: SecretBox;
  scryptCost?: number;
}): Deps {
  const uow = unitOfWork(store.db);
  const lockout = createLockout({ uow, now, policy: config });
  const ledger = createLedger(uow);
  return {
    config,
    store,
    uow,
    logger,
    registry,
    now,
    audit: createAuditService({ uow, now }),
    accounts: createAccountsService({ uow, now, lockout, scryptCost }),
    sessions: createSessionsService({ uow, now, idleMs: config.sessionIdleMs, lockout, secrets, scryptCost }),
    // A department's name, level or region labels its namespaces: the desired state moves with it.
    org: createOrgService({ uow, now, onDepartmentsChanged: ledger.bumpRevision }),
    ledger,
    capacity: createCapacityService({ uow, now, ledger }),
    requests: createRequestsService({ uow, now, ledger }),
    quotas: createQuotasService({ uow }),
    desiredState: createDesiredStateBuilder({ uow, ledger }),
    usage: createUsageService({ uow, now, config }),
    agents: createAgentsService({ uow, now, logger }),
    links: createLinksService({ uow, now }),
    certificates: createCertificatesService({ uow, now, registry, logger, rsaCutover: config.certRsaCutover }),
    systems: createSystemsService({ uow, now }),
    // Its own handle on the (stateless) quota workflow: an assessment may raise a quota request.
    migration: createMigrationService({
      uow,
      now,
      registry,
      logger,
      requests: createRequestsService({ uow, now, ledger }),
    }),
    dr: createDrService({ uow, now, registry, logger }),
  };
}
