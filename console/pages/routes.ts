import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';
import { accountPage } from './account.ts';
import { agentPages } from './agents/routes.ts';
import { auditPages } from './audit.ts';
import { capacityPage } from './capacity.ts';
import { capacityEditPage } from './capacity-edit.ts';
import { certificatePages } from './certificates/routes.ts';
import { departmentDetailPage } from './department-detail.ts';
import { departmentCreatePage } from './department-form.ts';
import { departmentImportPage } from './department-import.ts';
import { departmentsPage } from './departments.ts';
import { drPages } from './dr/routes.ts';
import { extranetPages } from './extranet/routes.ts';
import { homePage } from './home.ts';
import { migrationPages } from './migration/routes.ts';
import { quotaDetailPage } from './quota-detail.ts';
import { quotaRequestDetailPage } from './quota-request-detail.ts';
import { quotaRequestFormPage } from './quota-request-form.ts';
import { quotaRequestsPage } from './quota-requests.ts';
import { quotasPage } from './quotas.ts';
import { regionsPage } from './regions.ts';
import { repositoryRunbooks } from './runbooks/runbook-library.ts';
import { runbookPages } from './runbooks/runbook-pages.ts';
import { signInPages } from './sign-in.ts';
import { staticFiles } from './static.ts';
import { systemPages } from './systems/routes.ts';
import { usersPages } from './users.ts';

export { signInPaths } from './sign-in.ts';

/**
 * Every server-rendered page. The fixed department paths (new, import, export.csv) come before
 * /departments/:code so they are not taken for department codes; likewise /quota-requests/new
 * before /quota-requests/:id. The capacity page's "used" figures wait for the Kubernetes
 * read-back (`readingOf`); until it is passed they read as not read.
 */
export function pages(deps: Deps) {
  return new Hono<Env>()
    .route('/', staticFiles())
    .route('/', signInPages({ sessions: deps.sessions, cookieSecure: deps.config.cookieSecure }))
    .route('/', homePage(deps))
    .route('/', accountPage(deps))
    .route('/', regionsPage(deps))
    .route('/', departmentsPage(deps))
    .route('/', departmentCreatePage(deps))
    .route('/', departmentImportPage(deps))
    .route('/', departmentDetailPage(deps))
    .route('/', usersPages(deps))
    .route('/', auditPages(deps))
    .route('/', capacityPage({ ...deps, readingOf: (site) => deps.usage.siteReading(site) }))
    .route('/', capacityEditPage(deps))
    .route('/', quotasPage(deps))
    .route('/', quotaDetailPage(deps))
    .route('/', quotaRequestsPage(deps))
    .route('/', quotaRequestFormPage(deps))
    .route('/', quotaRequestDetailPage(deps))
    .route('/', extranetPages(deps))
    .route('/', agentPages(deps))
    .route('/', certificatePages(deps))
    .route('/', systemPages(deps))
    .route('/', migrationPages(deps))
    .route('/', drPages(deps))
    .route('/', runbookPages({ library: repositoryRunbooks(), uow: deps.uow }));
}
