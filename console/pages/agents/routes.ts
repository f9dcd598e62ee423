import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { holds, type Principal, requirePermission } from '../../../core/principal.ts';
import type { AgentDetail } from '../../agents/agent-views.ts';
import type { AgentsService, Enrolment } from '../../agents/service.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { OrgService } from '../../org/service.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { formProblems, formText, givenOrUndefined, noProblems } from '../form-problems.ts';
import { type Html, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import { agentDetailBody } from './detail.ts';
import { consoleUrl, enrolmentPanel, type NewAgentValues, newAgentFields, newAgentForm } from './enrolment.ts';
import { agentFilter, agentsList, pageSize } from './list.ts';

type Deps = {
  agents: AgentsService;
  org: OrgService;
  uow: UnitOfWork;
  now: () => Date;
  config: { trustProxy: boolean };
};

const blank: NewAgentValues = { name: '', site: '', department: '' };

/**
 * The agents pages: the list, the create form, and one agent with revoke and a new enrolment
 * token. A token is shown once, on the page answering the form that made it (never in a URL or
 * a redirect), with the agent.yaml lines and the command that enrol the agent with it. Each
 * change is a POST form audited by the request's transaction, like the API's.
 */
export function agentPages({ agents, org, uow, now, config }: Deps) {
  async function page(c: Context<Env>, title: string, body: Html, status: 200 | 201 | 400 | 409 = 200) {
    return c.html(layout(c, { title, body, demo: await isDemo(uow), active: '/agents' }), status);
  }

  async function detailPage(c: Context<Env>, p: Principal, a: AgentDetail, top: Html = html``, status: 200 = 200) {
    const t = c.get('t');
    const body = html`${top}${agentDetailBody(c, a, { canWrite: holds(p, 'extranet:write'), now: now() })}`;
    return page(c, t('agents.detailTitle', { name: a.name }), body, status);
  }

  function tokenPanel(c: Context<Env>, a: AgentDetail, enrolment: Enrolment, notice: string) {
    return enrolmentPanel(c, a, enrolment, { notice, url: consoleUrl(c, config.trustProxy) });
  }

  async function createForm(c: Context<Env>, values = blank, problems = noProblems) {
    const body = newAgentForm(c, await org.listSites(), values, problems);
    return page(c, c.get('t')('agents.newTitle'), body, problems.status === 200 ? 200 : (problems.status as 400 | 409));
  }

  return new Hono<Env>()
    .get('/agents', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:read');
      const f = agentFilter(c);
      const [list, sites] = await Promise.all([agents.list(p, { ...f, limit: pageSize }), org.listSites()]);
      return page(c, c.get('t')('agents.title'), agentsList(c, p, list, f, sites, now()));
    })
    .get('/agents/new', async (c) => {
      requirePermission(requirePrincipal(c), 'extranet:write');
      return createForm(c);
    })
    .post('/agents', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:write');
      const form = await c.req.parseBody();
      const values: NewAgentValues = {
        name: formText(form.name).trim(),
        site: formText(form.site).trim(),
        department: formText(form.department).trim(),
      };
      const detail = { name: values.name, site: values.site || null, department: values.department || null };
      c.set('audit', { action: 'agent.create', target: `agent:${values.name}`, detail });
      try {
        const { agent, enrolment } = await agents.create(p, {
          name: givenOrUndefined(values.name) ?? '',
          site: givenOrUndefined(values.site) ?? null,
          department: givenOrUndefined(values.department) ?? null,
        });
        c.set('audit', {
          action: 'agent.create',
          target: `agent:${agent.id}`,
          detail: { ...detail, tokenExpiresAt: enrolment.expiresAt },
        });
        const t = c.get('t');
        const panel = tokenPanel(c, agent, enrolment, t('agents.created', { name: agent.name }));
        // Rendered, not redirected: the token must not travel in a URL or be shown twice.
        return page(c, t('agents.detailTitle', { name: agent.name }), panel, 201);
      } catch (e) {
        return createForm(c, values, formProblems(c, e, newAgentFields, { agent_name_taken: 'name' }));
      }
    })
    .get('/agents/:id', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:read');
      const a = await agents.get(p, c.req.param('id'));
      const t = c.get('t');
      const notice = c.req.query('revoked') && a.status === 'revoked' ? [t('agents.revoked', { name: a.name })] : [];
      return detailPage(c, p, a, messages(notice));
    })
    .post('/agents/:id/revoke', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:write');
      const id = c.req.param('id');
      c.set('audit', { action: 'agent.revoke', target: `agent:${id}` });
      await agents.revoke(p, id);
      return c.redirect(`/agents/${encodeURIComponent(id)}?revoked=1`, 303);
    })
    .post('/agents/:id/enrolment-token', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:write');
      const id = c.req.param('id');
      c.set('audit', { action: 'agent.enrolment_token', target: `agent:${id}` });
      const current = await agents.get(p, id);
      try {
        const { agent, enrolment } = await agents.reissueToken(p, id);
        c.set('audit', {
          action: 'agent.enrolment_token',
          target: `agent:${id}`,
          detail: { tokenExpiresAt: enrolment.expiresAt },
        });
        const panel = tokenPanel(c, agent, enrolment, c.get('t')('agents.tokenIssued', { name: agent.name }));
        return detailPage(c, p, agent, panel);
      } catch (e) {
        const problems = formProblems(c, e, []);
        const body = html`${messages([], problems.general)}${agentDetailBody(c, current, { canWrite: true, now: now() })}`;
        return page(c, c.get('t')('agents.detailTitle', { name: current.name }), body, problems.status as 409);
      }
    });
}
