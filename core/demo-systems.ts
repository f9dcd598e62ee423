// The demo province's information systems on the extranet, shaped like the provincial report
// (seed 000): 36 national vertical systems run by provincial departments, and 61 provincial,
// 640 city and 736 county business systems. Deterministic: the same list every call.
import type { DemoProvince } from './demo-province.ts';
import { spreadEvenly } from './demo-province.ts';
import type { HostingKind, SystemNetwork } from './dr.ts';
import type { Department } from './org.ts';
import type { SystemInput } from './system-input.ts';

/** Business systems on the extranet per kind, from the provincial report (DOMAIN.md). */
export const demoSystemCounts = { national: 36, provincial: 61, city: 640, county: 736 } as const;
export type DemoSystemKind = keyof typeof demoSystemCounts;

export type DemoSystem = SystemInput & { kind: DemoSystemKind };

/** The production centre, where the systems already on the cloud run. */
export const demoCloudSite = 'prod-hefei';

/** National vertical systems: [owning provincial department, system name, code suffix]. */
const nationalSystems: readonly (readonly [string, string, string])[] = [
  ['安徽省公安厅', '公安综合信息系统（金盾工程）', 'jindun'],
  ['安徽省公安厅', '全国人口信息管理系统', 'renkou'],
  ['国家税务总局安徽省税务局', '金税三期工程税收管理系统', 'jinshui'],
  ['安徽省人力资源和社会保障厅', '金保工程社会保险信息系统', 'jinbao'],
  ['安徽省人力资源和社会保障厅', '全国就业信息监测系统', 'jiuye'],
  ['安徽省财政厅', '预算管理一体化系统（金财工程）', 'jincai'],
  ['安徽省审计厅', '金审工程审计管理系统', 'jinshen'],
  ['安徽省农业农村厅', '金农工程农业监测预警系统', 'jinnong'],
  ['安徽省水利厅', '国家防汛抗旱指挥系统', 'fangxun'],
  ['安徽省市场监督管理局', '国家企业信用信息公示系统', 'qyxy'],
  ['安徽省市场监督管理局', '金质工程质量监管系统', 'jinzhi'],
  ['安徽省发展和改革委员会', '全国投资项目在线审批监管平台', 'tzxm'],
  ['安徽省民政厅', '全国婚姻登记信息系统', 'hydj'],
  ['安徽省民政厅', '全国社会组织信用信息管理系统', 'shzz'],
  ['安徽省统计局', '国家统计联网直报系统', 'tjzb'],
  ['安徽省应急管理厅', '国家应急管理综合应用平台', 'yjgl'],
  ['安徽省自然资源厅', '全国不动产登记信息管理基础平台', 'bdcdj'],
  ['安徽省自然资源厅', '国土空间基础信息平台', 'gtkj'],
  ['安徽省生态环境厅', '全国排污许可证管理信息平台', 'pwxk'],
  ['安徽省住房和城乡建设厅', '全国住房公积金监管服务平台', 'gjj'],
  ['安徽省教育厅', '全国中小学生学籍信息管理系统', 'xueji'],
  ['安徽省教育厅', '全国学生资助管理信息系统', 'xszz'],
  ['安徽省卫生健康委员会', '全民健康保障信息平台', 'qmjk'],
  ['安徽省疾病预防控制中心', '中国疾病预防控制信息系统', 'jkxt'],
  ['安徽省医疗保障局', '全国统一医疗保障信息平台', 'yibao'],
  ['安徽省交通运输厅', '全国道路运政管理信息系统', 'yunzheng'],
  ['安徽省退役军人事务厅', '全国退役军人信息管理系统', 'tyjr'],
  ['安徽省司法厅', '全国司法行政信息管理平台', 'sfxz'],
  ['安徽省文化和旅游厅', '全国文化市场技术监管与服务平台', 'whsc'],
  ['安徽省药品监督管理局', '国家药品追溯协同服务平台', 'ypzs'],
  ['安徽省信访局', '国家信访信息系统', 'xinfang'],
  ['安徽省粮食和物资储备局', '国家粮食管理平台', 'liangshi'],
  ['安徽省乡村振兴局', '全国防返贫监测信息系统', 'ffp'],
  ['安徽省残疾人联合会', '全国残疾人人口基础数据库', 'canlian'],
  ['安徽省气象局', '国家气象综合业务实时监控系统', 'qixiang'],
  ['安徽省数据资源管理局', '全国一体化政务服务平台（安徽节点）', 'zwfw'],
];

/** The kinds of business system a department runs: [name appended to the department's, code suffix]. */
const businessKinds: readonly (readonly [string, string])[] = [
  ['行政审批系统', 'approval'],
  ['电子公文系统', 'docs'],
  ['视频会议系统', 'video'],
  ['数据共享交换前置系统', 'frontend'],
  ['业务管理系统', 'business'],
  ['门户网站', 'portal'],
  ['协同办公系统', 'oa'],
  ['档案管理系统', 'archive'],
  ['行政执法监督系统', 'enforcement'],
  ['政务服务事项管理系统', 'services'],
  ['综合统计分析系统', 'stats'],
  ['应急指挥调度系统', 'command'],
];

const exchangeName = '数据共享交换平台';
const dataBureau = '数据资源管理局';

/** A number in [0, 1) fixed by a text (FNV-1a), so each system's figures follow from its code. */
function draw(text: string, salt: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${salt}:${text}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x1_0000_0000;
}

function pick<T>(items: readonly T[], r: number): T {
  return items[Math.floor(r * items.length)]!;
}

/** MLPS level by kind: mostly 2 and 3, national systems 3 or 4, some not yet graded (null). */
function mlpsOf(code: string, kind: DemoSystemKind): number | null {
  const r = draw(code, 'mlps');
  if (kind === 'national') return r < 0.7 ? 3 : 4;
  // Cumulative shares: not graded, level 2, level 3 (the rest level 4).
  const shares: Record<Exclude<DemoSystemKind, 'national'>, readonly [number, number, number]> = {
    provincial: [0.05, 0.4, 0.9],
    city: [0.08, 0.55, 0.95],
    county: [0.12, 0.65, 0.98],
  };
  const [ungraded, two, three] = shares[kind];
  if (r < ungraded) return null;
  if (r < two) return 2;
  return r < three ? 3 : 4;
}

/**
 * DR targets that follow the level: level 3 and above aim at DR level 4–5 with RPO of at most
 * 15 minutes (level 4: near zero); level 2 at DR level 2–3 with RPO in hours; ungraded systems
 * have no targets yet.
 */
function targetsOf(code: string, mlps: number | null) {
  const r = draw(code, 'targets');
  if (mlps === null) return { rpoSeconds: null, rtoSeconds: null, targetDrLevel: null };
  if (mlps >= 4) return { rpoSeconds: pick([0, 60], r), rtoSeconds: pick([1800, 3600, 7200], r), targetDrLevel: 5 };
  if (mlps === 3) {
    return {
      rpoSeconds: pick([60, 300, 900], r),
      rtoSeconds: pick([3600, 7200, 14400], r),
      targetDrLevel: r < 0.3 ? 5 : 4,
    };
  }
  return {
    rpoSeconds: pick([4, 12, 24], r) * 3600,
    rtoSeconds: pick([43200, 86400], r),
    targetDrLevel: r < 0.5 ? 2 : 3,
  };
}

const cloudShare: Record<DemoSystemKind, number> = { national: 0.1, provincial: 0.25, city: 0.12, county: 0.05 };
const volumeRange: Record<DemoSystemKind, readonly [number, number]> = {
  national: [2000, 20000],
  provincial: [200, 5000],
  city: [50, 2000],
  county: [10, 500],
};

function system(
  kind: DemoSystemKind,
  department: Department,
  suffix: string,
  name: string,
  opts: { description?: string; dependsOn?: string[]; mlps?: number; network?: SystemNetwork } = {},
): DemoSystem {
  const code = `${department.code}-${suffix}`;
  const mlpsLevel = opts.mlps ?? mlpsOf(code, kind);
  const n = draw(code, 'network');
  const network: SystemNetwork =
    opts.network ?? (suffix === 'portal' ? 'internet' : n < 0.88 ? 'extranet' : n < 0.94 ? 'internet' : 'private');
  const hosting: HostingKind = draw(code, 'hosting') < cloudShare[kind] ? 'cloud' : 'own-machine-room';
  const [low, high] = volumeRange[kind];
  return {
    kind,
    code,
    name,
    department: department.code,
    description: opts.description ?? '',
    mlpsLevel,
    network,
    hosting,
    hostingSite: hosting === 'cloud' ? demoCloudSite : null,
    dataVolumeGiB: Math.round(low + draw(code, 'volume') * (high - low)),
    ...targetsOf(code, mlpsLevel),
    dependsOn: opts.dependsOn ?? [],
  };
}

/** `count` business systems of the departments, one each, starting at a rotating offset. */
function businessSystems(kind: DemoSystemKind, departments: readonly Department[], count: number, offset: number) {
  return Array.from({ length: count }, (_, i) => {
    const d = departments[(offset + i) % departments.length]!;
    const [kindName, suffix] = businessKinds[(offset + i * 5) % businessKinds.length]!;
    return system(kind, d, suffix, d.name + kindName);
  });
}

/**
 * The demo province's 1,473 systems. Each city's data bureau runs the city's exchange platform,
 * fed by the province's; each county's first system is its exchange front end, which depends on
 * its city's platform (so the dependencies run county → city → province, never back).
 */
export function demoSystems(province: DemoProvince): DemoSystem[] {
  const { departments, regions } = province;
  const byName = new Map(departments.map((d) => [d.name, d]));
  const inRegion = (code: string) => departments.filter((d) => d.regionCode === code);
  const provincial = departments.filter((d) => d.level === 'provincial');

  const out: DemoSystem[] = nationalSystems.map(([deptName, name, suffix]) => {
    const d = byName.get(deptName);
    if (!d) throw new Error(`demo systems: no provincial department ${deptName}`);
    return system('national', d, suffix, name, {
      description: '国家垂直业务系统（省级部署）',
      network: draw(suffix, 'vertical') < 0.3 ? 'private' : 'extranet',
    });
  });

  const provinceBureau = provincial.find((d) => d.name.endsWith(dataBureau))!;
  const provinceExchange = system(
    'provincial',
    provinceBureau,
    'exchange',
    `${provinceBureau.name.replace(/数据资源管理局$/, '')}政务${exchangeName}`,
    {
      description: '省级政务数据共享交换枢纽',
      mlps: 3,
    },
  );
  out.push(provinceExchange);
  const others = provincial.filter((d) => d !== provinceBureau);
  out.push(...businessSystems('provincial', others, demoSystemCounts.provincial - 1, 0));

  const cities = regions.filter((r) => r.kind === 'city');
  const perCity = spreadEvenly(demoSystemCounts.city, cities.length);
  const cityExchange = new Map<string, string>();
  cities.forEach((city, i) => {
    const depts = inRegion(city.code);
    const bureau = depts.find((d) => d.name.endsWith(dataBureau))!;
    const exchange = system('city', bureau, 'exchange', `${city.name}${exchangeName}`, {
      description: '市级政务数据共享交换平台',
      mlps: 3,
      dependsOn: [provinceExchange.code],
    });
    cityExchange.set(city.code, exchange.code);
    out.push(exchange);
    const rest = depts.filter((d) => d !== bureau);
    out.push(...businessSystems('city', rest, perCity[i]! - 1, i * 7));
  });

  const counties = regions.filter((r) => r.kind === 'county');
  const perCounty = spreadEvenly(demoSystemCounts.county, counties.length);
  counties.forEach((county, i) => {
    const depts = inRegion(county.code);
    const owner = depts.find((d) => d.name.endsWith(dataBureau)) ?? depts[1]!;
    out.push(
      system('county', owner, 'frontend', `${owner.name}数据共享交换前置系统`, {
        dependsOn: [cityExchange.get(county.parentCode!)!],
      }),
    );
    const rest = depts.filter((d) => d !== owner);
    out.push(...businessSystems('county', rest, perCounty[i]! - 1, i * 3));
  });
  return out;
}
