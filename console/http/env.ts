import type { Principal } from '../../core/principal.ts';
import type { Lang, Translate } from '../i18n/negotiate.ts';

/** What one request carries through the middleware chain. */
export type AuditNote = {
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
  always?: boolean;
  /** Who acted when no person or token did: a site agent enrolling or reporting. */
  actor?: { name: string; role: string };
  /**
   * Not a user action: an agent's routine measurement reports (thousands a minute) would drown
   * the trail, so the route keeps no record unless it clears this (a refused report, at most hourly).
   */
  unrecorded?: boolean;
};

export type SessionInfo = {
  username: string;
  idHash: string;
  userId: string;
  stage: 'password' | 'enrol' | 'active';
  csrf: string;
};

export type Env = {
  Variables: {
    lang: Lang;
    t: Translate;
    principal: Principal | null;
    session: SessionInfo | null;
    audit: AuditNote | null;
    sourceAddress: string;
  };
};
