import type { extranetEn } from './extranet.en.ts';

/** extranet 页面的中文消息；并入 zh-CN.ts。 */
export const extranetZhCN: Record<keyof typeof extranetEn, string> = {
  'nav.extranet': '电子政务外网',
};
