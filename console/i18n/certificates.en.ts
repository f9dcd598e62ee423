/** English messages of the certificates pages; merged into en.ts. */
export const certificatesEn = {
  'nav.certificates': 'Certificates',
} as const;
