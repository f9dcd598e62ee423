import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';
import { accountPage } from './account.ts';
import { auditPages } from './audit.ts';
import { departmentDetailPage } from './department-detail.ts';
import { departmentCreatePage } from './department-form.ts';
import { departmentImportPage } from './department-import.ts';
import { departmentsPage } from './departments.ts';
import { homePage } from './home.ts';
import { regionsPage } from './regions.ts';
import { signInPages } from './sign-in.ts';
import { staticFiles } from './static.ts';
import { usersPages } from './users.ts';

export { signInPaths } from './sign-in.ts';

/**
 * Every server-rendered page. The fixed department paths (new, import, export.csv) come before
 * /departments/:code so they are not taken for department codes.
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
    .route('/', auditPages(deps));
}
