import type { systemsEn } from './systems.en.ts';

/** 中文：信息系统页面的文字；并入 zh-CN.ts。 */
export const systemsZhCN: Record<keyof typeof systemsEn, string> = {
  'nav.systems': '信息系统',
};
