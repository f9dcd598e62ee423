import { html } from 'hono/html';
import { displayQuantity } from '../../../core/quantity.ts';
import type { AgentView } from '../../agents/agent-views.ts';
import type { Translate } from '../../i18n/negotiate.ts';
import type { Html } from '../layout.ts';
import { utcMinute } from '../site-reading.ts';

/**
 * How long ago an agent last reported, in the largest whole unit that reads naturally (agents
 * report every few seconds, so seconds matter), with the exact UTC time on hover.
 */
export function lastSeenText(t: Translate, at: string | null, now: Date): Html {
  if (!at) return html`<span class="muted">${t('agents.never')}</span>`;
  const seconds = Math.max(0, Math.floor((now.getTime() - Date.parse(at)) / 1000));
  const text =
    seconds < 60
      ? t('agents.ago.seconds', { n: seconds })
      : seconds < 3600
        ? t('agents.ago.minutes', { n: Math.floor(seconds / 60) })
        : seconds < 48 * 3600
          ? t('agents.ago.hours', { n: Math.floor(seconds / 3600) })
          : t('agents.ago.days', { n: Math.floor(seconds / 86_400) });
  return html`<time datetime="${at}" title="${utcMinute(at)} UTC">${text}</time>`;
}

/** The agent's status in words, with an expired enrolment token called out. */
export function statusText(t: Translate, a: Pick<AgentView, 'status' | 'enrolmentExpired'>): Html {
  return html`<span class="agent-${a.status}">${t(`agents.status.${a.status}`)}</span>${
    a.enrolmentExpired ? html` <span class="warn">(${t('agents.tokenExpired')})</span>` : ''
  }`;
}

/** Records waiting in the agent's spool and their size on disk. */
export function spoolText(a: Pick<AgentView, 'spool'>): string {
  return `${a.spool.records.toLocaleString('en')} / ${displayQuantity(a.spool.bytes, 'bytes')}`;
}
