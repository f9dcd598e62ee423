import { html } from 'hono/html';
import type { ExpiryWindow } from '../../../core/cert-windows.ts';
import type { CertificateView } from '../../certificates/certificate-view.ts';
import type { Translate } from '../../i18n/negotiate.ts';
import type { Html } from '../layout.ts';

/** The colour a window reads in (the request statuses' classes: red, amber, green). */
const windowClass: Record<ExpiryWindow, string> = {
  expired: 'status-rejected',
  '7d': 'status-pending',
  '30d': 'status-returned',
  valid: 'status-approved',
};

export function windowLabel(t: Translate, window: ExpiryWindow): Html {
  return html`<span class="${windowClass[window]}">${t(`cert.window.${window}`)}</span>`;
}

/** The certificate's name as lists show it: its CN, or a plain "personal" with nothing of the person. */
export function certificateName(t: Translate, c: Pick<CertificateView, 'personal' | 'commonName'>): string {
  if (c.personal) return t('cert.personalName');
  return c.commonName ?? t('cert.noName');
}

/** Family, then key type and size: `SM2 · sm2 256`, `RSA · rsa 2048`. */
export function algorithmText(t: Translate, c: Pick<CertificateView, 'family' | 'keyAlgorithm' | 'keySize'>): string {
  return `${t(`cert.family.${c.family}`)} · ${c.keyAlgorithm}${c.keySize ? ` ${c.keySize}` : ''}`;
}

/** "Verified", or the chain's problems in words. */
export function chainText(t: Translate, c: Pick<CertificateView, 'chainVerified' | 'chainProblems'>): Html {
  if (c.chainVerified && c.chainProblems.length === 0) {
    return html`<span class="status-approved">${t('cert.chain.verified')}</span>`;
  }
  const problems = c.chainProblems.map((p) => t(`cert.problem.${p}`)).join(', ');
  return html`<span class="status-rejected">${problems || t('cert.chain.problems')}</span>`;
}

/** A share 0–1 as a percentage with one decimal, rounded down so it never overstates; "none" for null. */
export function shareText(t: Translate, share: number | null): string {
  return share === null ? t('cert.board.noShare') : `${Math.floor(share * 1000) / 10} %`;
}

/**
 * A share as a bar with its figure beside it (the capacity page's bar styles); the figure is
 * printed, so the bar is hidden from screen readers. The only inline style is the width.
 */
export function shareBar(t: Translate, share: number | null): Html {
  const percent = share === null ? 0 : Math.floor(share * 1000) / 10;
  return html`<div class="bar-cell"><span class="bar" aria-hidden="true"><span class="bar-allocated" style="width: ${percent}%"></span></span>
<span class="bar-figure">${shareText(t, share)}</span></div>`;
}
