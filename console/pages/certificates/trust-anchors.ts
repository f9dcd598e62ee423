import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { CertificatesService } from '../../certificates/service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { type FormProblems, formProblems, formText, givenOrUndefined, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import { utcMinute } from '../site-reading.ts';
import { certificateToolbar } from './inventory.ts';

const formFields = ['name', 'pem'] as const;

/**
 * The roots agents verify chains against: listed for everyone who reads the inventory; network
 * operators add one by pasting its PEM (RSA, ECDSA or SM2) and remove one with a button.
 */
export function trustAnchorsPage({ certificates, uow }: { certificates: CertificatesService; uow: UnitOfWork }) {
  async function render(
    c: Context<Env>,
    opts: { problems?: FormProblems; values?: { name: string; pem: string }; added?: string; removed?: boolean } = {},
  ) {
    const t = c.get('t');
    const p = requirePrincipal(c);
    const problems = opts.problems ?? noProblems;
    const [anchors, demo] = await Promise.all([certificates.trustAnchors.list(), isDemo(uow)]);
    const canWrite = holds(p, 'extranet:write');
    // The notice names the anchor from the store, never text from the URL.
    const added = anchors.find((a) => a.fingerprint === opts.added);
    const notices = [
      ...(added ? [t('cert.anchorAdded', { name: added.name })] : []),
      ...(opts.removed ? [t('cert.anchorRemoved')] : []),
    ];
    const body = html`${certificateToolbar(c)}
<p>${t('cert.anchorsHelp')}</p>
${messages(notices, problems.general)}
${
  anchors.length === 0
    ? html`<p class="muted">${t('common.none')}</p>`
    : html`<table class="anchors"><thead><tr><th>${t('cert.anchorName')}</th><th>${t('cert.subject')}</th><th>${t('cert.family')}</th><th>${t('cert.notAfter')}</th><th>${t('cert.fingerprint')}</th><th>${t('cert.anchorAddedBy')}</th>${canWrite ? html`<th>${t('common.actions')}</th>` : ''}</tr></thead>
<tbody>${anchors.map(
        (a) =>
          html`<tr id="anchor-${a.fingerprint}"><td>${a.name}</td><td><code class="detail">${a.subject}</code></td><td>${t(`cert.family.${a.family}`)}</td><td class="nowrap">${utcMinute(a.notAfter)}</td><td><code class="detail">${a.fingerprint}</code></td><td>${a.addedBy} <span class="muted">${utcMinute(a.addedAt)}</span></td>${
            canWrite
              ? html`<td><form method="post" action="/trust-anchors/${a.fingerprint}/delete" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t('cert.anchorRemove')}</button></form></td>`
              : ''
          }</tr>`,
      )}</tbody></table>`
}
${
  canWrite
    ? html`<h2>${t('cert.anchorAdd')}</h2>
<form method="post" action="/trust-anchors" class="stacked">
  ${csrfField(c)}
  <label>${t('cert.anchorName')} <input type="text" name="name" maxlength="200" value="${opts.values?.name ?? ''}"${problems.fields.name ? html` aria-invalid="true"` : ''}></label>
  <span class="hint">${t('cert.anchorNameHelp')}</span>${fieldError(problems.fields.name)}
  <label>${t('cert.anchorPem')} <textarea name="pem" rows="12" cols="70" spellcheck="false" placeholder="-----BEGIN CERTIFICATE-----"${problems.fields.pem ? html` aria-invalid="true"` : ''}>${opts.values?.pem ?? ''}</textarea></label>
  ${fieldError(problems.fields.pem)}
  <p><button type="submit">${t('cert.anchorAdd')}</button></p>
</form>`
    : ''
}`;
    return c.html(layout(c, { title: t('cert.anchorsTitle'), body, demo, active: '/certificates' }), problems.status);
  }

  return new Hono<Env>()
    .get('/trust-anchors', (c) => {
      requirePermission(requirePrincipal(c), 'extranet:read');
      return render(c, { added: c.req.query('added'), removed: c.req.query('removed') === '1' });
    })
    .post('/trust-anchors', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:write');
      const form = await c.req.parseBody();
      const values = { name: formText(form.name), pem: formText(form.pem) };
      c.set('audit', { action: 'trust_anchor.add', target: 'trust_anchors' });
      try {
        const added = await certificates.trustAnchors.add({ name: givenOrUndefined(values.name), pem: values.pem }, p);
        c.set('audit', {
          action: 'trust_anchor.add',
          target: `trust_anchor:${added.fingerprint}`,
          detail: { name: added.name, subject: added.subject, family: added.family },
        });
        return c.redirect(`/trust-anchors?added=${added.fingerprint}`, 303);
      } catch (e) {
        return render(c, { problems: formProblems(c, e, formFields, { trust_anchor_exists: 'pem' }), values });
      }
    })
    .post('/trust-anchors/:fingerprint/delete', async (c) => {
      requirePermission(requirePrincipal(c), 'extranet:write');
      const fingerprint = c.req.param('fingerprint').toLowerCase();
      c.set('audit', { action: 'trust_anchor.remove', target: `trust_anchor:${fingerprint}` });
      await certificates.trustAnchors.remove(fingerprint);
      return c.redirect('/trust-anchors?removed=1', 303);
    });
}
