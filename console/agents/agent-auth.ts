import { createMiddleware } from 'hono/factory';
import { Unauthenticated } from '../../core/errors.ts';
import type { Env } from '../http/env.ts';
import type { AgentsService, AuthenticatedAgent } from './service.ts';

/** A request on an agent route carries the calling agent, once its credential is accepted. */
export type AgentEnv = { Variables: Env['Variables'] & { agent: AuthenticatedAgent } };

/** How an agent appears in the audit trail. */
export function agentActor(agent: Pick<AuthenticatedAgent, 'name'>): { name: string; role: string } {
  return { name: `agent:${agent.name}`, role: 'agent' };
}

/**
 * Route middleware for the agent routes: demands an agent credential (`Authorization: Bearer
 * gva_…`) before anything else runs, validation included. People's tokens and sessions are not
 * credentials here, and agent credentials are nothing on other routes (http/principal.ts skips
 * them), so neither side can call the other's routes. A revoked credential is refused at once:
 * every request looks it up. What the agent then does is measurement, not a user action, so it
 * leaves no audit record unless the route says otherwise.
 */
export function agentAuth({ agents, action }: { agents: Pick<AgentsService, 'authenticate'>; action: string }) {
  return createMiddleware<AgentEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const agent = bearer ? await agents.authenticate(bearer) : null;
    if (!agent) throw new Unauthenticated(bearer ? 'agent_credential_invalid' : 'agent_credential_required');
    c.set('agent', agent);
    c.set('audit', { action, target: `agent:${agent.id}`, actor: agentActor(agent), unrecorded: true });
    await next();
  });
}
