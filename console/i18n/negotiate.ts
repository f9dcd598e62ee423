import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export const languages = ['zh-CN', 'en'] as const;
export type Lang = (typeof languages)[number];
export type MessageKey = keyof typeof en;
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const catalogs: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

/**
 * Picks the language: an explicit choice (cookie or ?lang=) wins, then the best match in
 * Accept-Language by quality, then Chinese, the language of the province's staff.
 */
export function negotiateLang(explicit: string | undefined, acceptLanguage: string | undefined): Lang {
  const chosen = matchLang(explicit);
  if (chosen) return chosen;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = Number(
        rest
          .find((r) => r.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? '1',
      );
      return { tag, q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const m = matchLang(tag);
    if (m) return m;
  }
  return 'zh-CN';
}

function matchLang(tag: string | undefined): Lang | undefined {
  if (!tag) return undefined;
  const t = tag.toLowerCase();
  if (t === 'en' || t.startsWith('en-')) return 'en';
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-CN';
  return undefined;
}

/** A translator for one language; `{name}` placeholders are filled from params. */
export function translator(lang: Lang): Translate {
  const catalog = catalogs[lang];
  return (key, params) => {
    const text = catalog[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? String(params[p]) : m)) : text;
  };
}

/** Whether a string names a message in the catalogs (for codes coming from the domain). */
export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}
