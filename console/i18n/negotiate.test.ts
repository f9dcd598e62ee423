import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { negotiateLang, translator } from './negotiate.ts';
import { zhCN } from './zh-CN.ts';

describe('language negotiation', () => {
  it.each([
    [undefined, undefined, 'zh-CN'],
    [undefined, 'en-US,en;q=0.9', 'en'],
    [undefined, 'fr-FR,en;q=0.5,zh;q=0.8', 'zh-CN'],
    [undefined, 'fr-FR', 'zh-CN'],
    ['en', 'zh-CN', 'en'],
    ['zh-CN', 'en', 'zh-CN'],
    ['xx', 'en', 'en'],
  ])('explicit %s with Accept-Language %s → %s', (explicit, accept, lang) => {
    expect(negotiateLang(explicit, accept)).toBe(lang);
  });

  it('fills placeholders', () => {
    expect(translator('en')('common.total', { count: 3196 })).toBe('3196 in total');
    expect(translator('zh-CN')('common.total', { count: 3196 })).toBe('共 3196 条');
  });

  it('has every message in both languages, with the same placeholders', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(holes(zhCN[key]), key).toEqual(holes(en[key]));
    }
  });
});
