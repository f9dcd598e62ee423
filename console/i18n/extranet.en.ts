/** English messages of the extranet pages; merged into en.ts. */
export const extranetEn = {
  'nav.extranet': 'Extranet',
} as const;
