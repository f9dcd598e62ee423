/** English messages of the agents pages; merged into en.ts. */
export const agentsEn = {
  'nav.agents': 'Agents',
} as const;
