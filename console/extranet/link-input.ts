import { z } from 'zod';
import { targetIdPattern, targetSchema } from '../../core/contracts/agent.ts';
import { linkClasses } from '../../core/link-state.ts';

/**
 * What an operator sends to define or change a link. The probe is the agent contract's target
 * without its id (the link's code is the id), validated by the contract's own rules, so a link
 * the console accepts is one every agent can measure.
 */

const [icmp, tcp, http] = targetSchema.options;
export const linkProbeSchema = z.discriminatedUnion('kind', [
  icmp.omit({ id: true }),
  tcp.omit({ id: true }),
  http.omit({ id: true }),
]);

/** Link codes are target ids: they travel in agent configuration, URLs and spool records. */
export const linkCode = z.string().regex(targetIdPattern);

export const linkBody = z
  .object({
    code: linkCode,
    name: z.string().trim().min(1).max(200),
    class: z.enum(linkClasses),
    /** The link upstream of this one; null for a root (the backbone). */
    parent: linkCode.nullable().optional(),
    region: z.string().min(1).max(32).nullable().optional(),
    department: z.string().min(1).max(32).nullable().optional(),
    /** The agent that measures the link; null until one is assigned. */
    agent: z.string().min(1).max(64).nullable().optional(),
    probe: linkProbeSchema,
  })
  .strict();
export type LinkInput = z.infer<typeof linkBody>;

/** A change: any field but the code (agents, URLs and history point at it); the probe is replaced whole. */
export const linkPatch = linkBody.omit({ code: true }).partial().strict();
export type LinkPatch = z.infer<typeof linkPatch>;
