import { html } from 'hono/html';
import type { Region } from '../../core/org.ts';
import type { Translate } from '../i18n/negotiate.ts';
import type { Html } from './layout.ts';

/**
 * The options of a region <select>: one <optgroup> per city holding the city and its counties,
 * so 120 regions stay findable without JavaScript. As a list filter a city means the whole city
 * (the service includes its counties) and the province, which would mean everything, is left out;
 * in a department form the province is offered for provincial departments.
 */
export function regionOptions(
  t: Translate,
  regions: readonly Region[],
  selected: string,
  use: 'filter' | 'form',
): Html {
  const province = regions.find((r) => r.kind === 'province');
  const cities = regions.filter((r) => r.kind === 'city');
  const countiesOf = new Map<string, Region[]>();
  for (const r of regions) {
    if (r.kind !== 'county' || !r.parentCode) continue;
    countiesOf.set(r.parentCode, [...(countiesOf.get(r.parentCode) ?? []), r]);
  }
  const option = (r: Region, label: string) =>
    html`<option value="${r.code}"${r.code === selected ? html` selected` : ''}>${label}</option>`;
  const first =
    use === 'filter'
      ? html`<option value="">${t('common.all')}</option>`
      : html`<option value="">${t('common.choose')}</option>`;
  return html`${first}${
    use === 'form' && province
      ? html`<optgroup label="${t('regionKind.province')}">${option(province, province.name)}</optgroup>`
      : ''
  }${cities.map(
    (city) =>
      html`<optgroup label="${city.name}">${option(city, use === 'filter' ? t('dept.wholeCity', { name: city.name }) : city.name)}${(
        countiesOf.get(city.code) ?? []
      ).map((county) => option(county, county.name))}</optgroup>`,
  )}`;
}
