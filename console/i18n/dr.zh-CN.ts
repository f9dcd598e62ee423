import type { drEn } from './dr.en.ts';

/** 中文：灾备页面的文字；并入 zh-CN.ts。 */
export const drZhCN: Record<keyof typeof drEn, string> = {
  'nav.dr': '灾备',
};
