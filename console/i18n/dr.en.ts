/** English messages of the disaster recovery pages; merged into en.ts. */
export const drEn = {
  'nav.dr': 'Disaster recovery',
};
