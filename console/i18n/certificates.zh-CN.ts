import type { certificatesEn } from './certificates.en.ts';

/** certificates 页面的中文消息；并入 zh-CN.ts。 */
export const certificatesZhCN: Record<keyof typeof certificatesEn, string> = {
  'nav.certificates': '数字证书',
};
