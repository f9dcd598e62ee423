import type { agentsEn } from './agents.en.ts';

/** 探针代理页面的中文消息；并入 zh-CN.ts。 */
export const agentsZhCN: Record<keyof typeof agentsEn, string> = {
  'nav.agents': '探针代理',
};
