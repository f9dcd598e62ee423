import { describe, expect, it } from 'vitest';
import { type LineageLink, linkLineages } from './link-lineage.ts';

describe('link lineage', () => {
  const link = (code: string, parentCode: string | null, linkClass: string, city: string | null = null) =>
    ({ code, parentCode, linkClass, city }) satisfies LineageLink;

  it.each([
    {
      name: 'a county directly under the backbone has no city link',
      links: [link('B', null, 'backbone'), link('K', 'B', 'county'), link('D', 'K', 'department')],
      code: 'D',
      want: { class: 'department', backbone_link: 'B', county_link: 'K' },
    },
    {
      name: 'children listed before their parents are placed all the same',
      links: [
        link('D', 'K', 'department'),
        link('K', 'C', 'county'),
        link('C', 'B', 'city', '340100'),
        link('B', null, 'backbone'),
      ],
      code: 'D',
      want: { class: 'department', city: '340100', backbone_link: 'B', city_link: 'C', county_link: 'K' },
    },
    {
      name: 'a link whose parent is unknown is a root',
      links: [link('D', 'gone', 'department', '340100')],
      code: 'D',
      want: { class: 'department', city: '340100' },
    },
    {
      name: 'links on a parent cycle are roots, and what hangs below them is placed from there',
      links: [link('C1', 'C2', 'city', '340100'), link('C2', 'C1', 'county'), link('D', 'C2', 'department')],
      code: 'D',
      want: { class: 'department', county_link: 'C2' },
    },
    {
      name: 'a link’s own region decides its city over the city link above it',
      links: [link('C', null, 'city', '340100'), link('D', 'C', 'department', '340200')],
      code: 'D',
      want: { class: 'department', city: '340200', city_link: 'C' },
    },
  ])('$name', ({ links, code, want }) => {
    expect(linkLineages(links).get(code)).toEqual(want);
  });

  it('places a chain of 100,000 links without overflowing the stack', () => {
    const chain = Array.from({ length: 100_000 }, (_, i) =>
      link(`L${i}`, i ? `L${i - 1}` : null, i ? 'department' : 'backbone'),
    );
    expect(linkLineages(chain).get('L99999')).toEqual({ class: 'department', backbone_link: 'L0' });
  });
});
