import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateObservation, CertSource } from '../../core/contracts/agent.ts';
import { createTestPki, pkiAlgorithms, runOpenssl, skipWithoutOpenssl, type TestPki } from '../../test/cert-factory.ts';
import { redactPersonal } from './redaction.ts';
import { scanCertSource } from './scan.ts';
import type { ScanContext } from './source.ts';

const skip = skipWithoutOpenssl();

describe('redactPersonal', () => {
  it('drops the subject and every SAN that is not a host name or an address', () => {
    const observation = {
      subject: 'serialNumber=110101199003071234,CN=张三,C=CN',
      issuer: 'CN=Issuing CA,C=CN',
      sans: [
        'vpn.example.gov.cn',
        '*.example.gov.cn',
        '10.1.2.3',
        '2001:db8::1',
        'email:zhangsan@example.gov.cn',
        'URI:https://x/张三',
        '张三',
      ],
      personal: false,
    } as CertificateObservation;
    expect(redactPersonal(observation)).toEqual({
      subject: null,
      issuer: 'CN=Issuing CA,C=CN',
      sans: ['vpn.example.gov.cn', '*.example.gov.cn', '10.1.2.3', '2001:db8::1'],
      personal: true,
    });
  });
});

describe.skipIf(skip)('personal certificates leaving the agent', () => {
  let pki: TestPki;
  let context: ScanContext;
  beforeAll(async () => {
    pki = await createTestPki();
    context = { trustAnchorsPem: [pki.rsa.root.pem, pki.ecdsa.root.pem, pki.sm2.root.pem], now: () => pki.now };
  });
  afterAll(() => pki?.cleanup());

  const personalData = () => [pki.person.name, pki.person.idNumber, pki.person.email, 'zhangsan', '某某市人民政府'];

  it.each(pkiAlgorithms)(
    '%s: no name, ID number or e-mail anywhere in what a files scan returns',
    async (algorithm) => {
      const files: CertSource = {
        kind: 'files',
        id: 'staff',
        paths: [pki[algorithm].personal.certPath],
        personal: true,
      };
      const result = await scanCertSource(files, context);
      expect(result.observations).toHaveLength(1);
      const json = JSON.stringify(result);
      for (const value of personalData()) expect(json).not.toContain(value);
      expect(result.observations[0]).toMatchObject({
        subject: null,
        issuer: `CN=GovOps Test ${algorithm.toUpperCase()} Issuing CA,O=GovOps Test ${algorithm.toUpperCase()},C=CN`,
        sans: [],
        personal: true,
      });
      // The same certificate from a source not marked personal shows what was removed.
      const unmarked = JSON.stringify(await scanCertSource({ ...files, personal: false }, context));
      for (const value of [pki.person.name, pki.person.idNumber, pki.person.email]) expect(unmarked).toContain(value);
    },
  );

  it('redacts a personal PKCS#12 bundle too (a staff USB key export)', async () => {
    const bundle = join(pki.dir, 'staff.p12');
    const chain = join(pki.dir, 'staff-chain.pem');
    await writeFile(chain, pki.sm2.intermediate.pem + pki.sm2.root.pem);
    const p = pki.sm2.personal;
    await runOpenssl(
      [
        'pkcs12',
        '-export',
        '-in',
        p.certPath,
        '-inkey',
        p.keyPath,
        '-certfile',
        chain,
        '-passout',
        `file:${pki.passwordFile}`,
        '-out',
        bundle,
      ],
      pki.dir,
    );
    const source: CertSource = {
      kind: 'pkcs12',
      id: 'staff-key',
      path: bundle,
      passwordFile: pki.passwordFile,
      personal: true,
    };
    const result = await scanCertSource(source, context);
    expect(result.observations.map((o) => [o.position, o.subject === null, o.chainVerified])).toEqual([
      [0, true, true],
      [1, true, true],
      [2, true, true],
    ]);
    const json = JSON.stringify(result);
    for (const value of personalData()) expect(json).not.toContain(value);
  });
});
