/** English messages of the systems pages; merged into en.ts. */
export const systemsEn = {
  'nav.systems': 'Systems',
};
