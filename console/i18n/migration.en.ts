/** English messages of the migration pages; merged into en.ts. */
export const migrationEn = {
  'nav.migration': 'Migration',
};
