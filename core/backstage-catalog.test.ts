import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { backstageCatalog, backstageName } from './backstage-catalog.ts';

/** Backstage's rule for entity names (catalog-model's KubernetesValidatorFunctions). */
const validName = (s: string) => s.length >= 1 && s.length <= 63 && /^([A-Za-z0-9][-_.]?)*[A-Za-z0-9]$/.test(s);

describe('backstageName', () => {
  it.each([
    ['340100-001', '340100-001'],
    ['340100-044-exchange', '340100-044-exchange'],
    ['a.b_c', 'a.b_c'],
  ])('keeps a valid code as it is: %s', (code, name) => {
    expect(backstageName(code)).toBe(name);
  });

  it.each(['-lead', 'trail-', 'a--b', 'a b', '行政审批', 'a'.repeat(64), 'x.-y', '_'])(
    'makes a valid, distinct name of %j',
    (code) => {
      const name = backstageName(code);
      expect(validName(name)).toBe(true);
      expect(name).not.toBe(code);
    },
  );

  it('never folds two codes onto one name', () => {
    expect(backstageName('a b')).not.toBe(backstageName('a-b'));
    expect(backstageName('a b')).not.toBe(backstageName('a  b'));
  });
});

describe('backstageCatalog', () => {
  const yaml = backstageCatalog(
    [{ code: '340100-044', name: '合肥市数据资源管理局', level: 'city' }],
    [
      {
        code: '340100-044-exchange',
        name: '合肥市数据共享交换平台',
        department: '340100-044',
        description: '市级数据共享交换',
        mlpsLevel: 3,
        network: 'extranet',
        hosting: 'cloud',
        hostingSite: 'prod-hefei',
        dataVolumeGiB: 800,
        rpoSeconds: 300,
        rtoSeconds: 3600,
        targetDrLevel: 5,
        dependsOn: ['340000-047-exchange'],
      },
    ],
  );
  const docs = parseAllDocuments(yaml).map((d) => d.toJS());

  it('writes a Group and a Domain per department and a System per system, --- separated', () => {
    expect(yaml.split(/^---$/m)).toHaveLength(3);
    expect(docs.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata.name}`)).toEqual([
      'backstage.io/v1alpha1 Group 340100-044',
      'backstage.io/v1alpha1 Domain 340100-044',
      'backstage.io/v1alpha1 System 340100-044-exchange',
    ]);
    expect(docs[0].spec).toEqual({ type: 'department', children: [] });
    expect(docs[1].spec).toEqual({ owner: 'group:340100-044' });
  });

  it('places the system in its department and keeps code, Chinese name and figures', () => {
    const system = docs[2];
    expect(system.spec).toEqual({ owner: 'group:340100-044', domain: '340100-044' });
    expect(system.metadata.title).toBe('合肥市数据共享交换平台');
    expect(system.metadata.description).toBe('市级数据共享交换');
    expect(system.metadata.annotations).toMatchObject({
      'govops.gov.cn/system-code': '340100-044-exchange',
      'govops.gov.cn/mlps-level': '3',
      'govops.gov.cn/hosting': 'cloud:prod-hefei',
      'govops.gov.cn/depends-on': '340000-047-exchange',
    });
  });

  it('names every entity validly, even from awkward codes', () => {
    const awkward = backstageCatalog(
      [{ code: 'Dept 1', name: '部门', level: 'county' }],
      [
        {
          code: '系统-1',
          name: 'n',
          department: 'Dept 1',
          description: '',
          mlpsLevel: null,
          network: 'private',
          hosting: 'own-machine-room',
          hostingSite: null,
          dataVolumeGiB: 0,
          rpoSeconds: null,
          rtoSeconds: null,
          targetDrLevel: null,
          dependsOn: [],
        },
      ],
    );
    const entities = parseAllDocuments(awkward).map((d) => d.toJS());
    expect(entities.every((e) => validName(e.metadata.name))).toBe(true);
    expect(entities[2].spec.owner).toBe(`group:${entities[0].metadata.name}`);
    expect(entities[2].metadata.annotations['govops.gov.cn/system-code']).toBe('系统-1');
  });
});
