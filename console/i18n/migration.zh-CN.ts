import type { migrationEn } from './migration.en.ts';

/** 中文：迁移上云页面的文字；并入 zh-CN.ts。 */
export const migrationZhCN: Record<keyof typeof migrationEn, string> = {
  'nav.migration': '迁移上云',
};
