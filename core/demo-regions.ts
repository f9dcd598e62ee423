// Anhui's administrative divisions (GB/T 2260 codes, as after the 2020 Wuhu and 2019–2021
// county-to-city changes): the province, its 16 prefecture-level cities and their 104
// county-level divisions (districts, counties and county-level cities). Statistical-only
// development zones (codes xx71–xx79) are left out: they are not administrative divisions.
import type { Region } from './org.ts';

export const anhuiProvince = { code: '340000', name: '安徽省' } as const;

type CityRow = {
  code: string;
  name: string;
  counties: readonly (readonly [code: string, name: string])[];
};

const anhuiCities: readonly CityRow[] = [
  {
    code: '340100',
    name: '合肥市',
    counties: [
      ['340102', '瑶海区'],
      ['340103', '庐阳区'],
      ['340104', '蜀山区'],
      ['340111', '包河区'],
      ['340121', '长丰县'],
      ['340122', '肥东县'],
      ['340123', '肥西县'],
      ['340124', '庐江县'],
      ['340181', '巢湖市'],
    ],
  },
  {
    code: '340200',
    name: '芜湖市',
    counties: [
      ['340202', '镜湖区'],
      ['340207', '鸠江区'],
      ['340209', '弋江区'],
      ['340210', '湾沚区'],
      ['340212', '繁昌区'],
      ['340223', '南陵县'],
      ['340281', '无为市'],
    ],
  },
  {
    code: '340300',
    name: '蚌埠市',
    counties: [
      ['340302', '龙子湖区'],
      ['340303', '蚌山区'],
      ['340304', '禹会区'],
      ['340311', '淮上区'],
      ['340321', '怀远县'],
      ['340322', '五河县'],
      ['340323', '固镇县'],
    ],
  },
  {
    code: '340400',
    name: '淮南市',
    counties: [
      ['340402', '大通区'],
      ['340403', '田家庵区'],
      ['340404', '谢家集区'],
      ['340405', '八公山区'],
      ['340406', '潘集区'],
      ['340421', '凤台县'],
      ['340422', '寿县'],
    ],
  },
  {
    code: '340500',
    name: '马鞍山市',
    counties: [
      ['340503', '花山区'],
      ['340504', '雨山区'],
      ['340506', '博望区'],
      ['340521', '当涂县'],
      ['340522', '含山县'],
      ['340523', '和县'],
    ],
  },
  {
    code: '340600',
    name: '淮北市',
    counties: [
      ['340602', '杜集区'],
      ['340603', '相山区'],
      ['340604', '烈山区'],
      ['340621', '濉溪县'],
    ],
  },
  {
    code: '340700',
    name: '铜陵市',
    counties: [
      ['340705', '铜官区'],
      ['340706', '义安区'],
      ['340711', '郊区'],
      ['340722', '枞阳县'],
    ],
  },
  {
    code: '340800',
    name: '安庆市',
    counties: [
      ['340802', '迎江区'],
      ['340803', '大观区'],
      ['340811', '宜秀区'],
      ['340822', '怀宁县'],
      ['340825', '太湖县'],
      ['340826', '宿松县'],
      ['340827', '望江县'],
      ['340828', '岳西县'],
      ['340881', '桐城市'],
      ['340882', '潜山市'],
    ],
  },
  {
    code: '341000',
    name: '黄山市',
    counties: [
      ['341002', '屯溪区'],
      ['341003', '黄山区'],
      ['341004', '徽州区'],
      ['341021', '歙县'],
      ['341022', '休宁县'],
      ['341023', '黟县'],
      ['341024', '祁门县'],
    ],
  },
  {
    code: '341100',
    name: '滁州市',
    counties: [
      ['341102', '琅琊区'],
      ['341103', '南谯区'],
      ['341122', '来安县'],
      ['341124', '全椒县'],
      ['341125', '定远县'],
      ['341126', '凤阳县'],
      ['341181', '天长市'],
      ['341182', '明光市'],
    ],
  },
  {
    code: '341200',
    name: '阜阳市',
    counties: [
      ['341202', '颍州区'],
      ['341203', '颍东区'],
      ['341204', '颍泉区'],
      ['341221', '临泉县'],
      ['341222', '太和县'],
      ['341225', '阜南县'],
      ['341226', '颍上县'],
      ['341282', '界首市'],
    ],
  },
  {
    code: '341300',
    name: '宿州市',
    counties: [
      ['341302', '埇桥区'],
      ['341321', '砀山县'],
      ['341322', '萧县'],
      ['341323', '灵璧县'],
      ['341324', '泗县'],
    ],
  },
  {
    code: '341500',
    name: '六安市',
    counties: [
      ['341502', '金安区'],
      ['341503', '裕安区'],
      ['341504', '叶集区'],
      ['341522', '霍邱县'],
      ['341523', '舒城县'],
      ['341524', '金寨县'],
      ['341525', '霍山县'],
    ],
  },
  {
    code: '341600',
    name: '亳州市',
    counties: [
      ['341602', '谯城区'],
      ['341621', '涡阳县'],
      ['341622', '蒙城县'],
      ['341623', '利辛县'],
    ],
  },
  {
    code: '341700',
    name: '池州市',
    counties: [
      ['341702', '贵池区'],
      ['341721', '东至县'],
      ['341722', '石台县'],
      ['341723', '青阳县'],
    ],
  },
  {
    code: '341800',
    name: '宣城市',
    counties: [
      ['341802', '宣州区'],
      ['341821', '郎溪县'],
      ['341823', '泾县'],
      ['341824', '绩溪县'],
      ['341825', '旌德县'],
      ['341881', '宁国市'],
      ['341882', '广德市'],
    ],
  },
];

/** Anhui as regions: the province first, then each city followed by its county-level divisions. */
export function anhuiRegions(): Region[] {
  const regions: Region[] = [{ ...anhuiProvince, kind: 'province', parentCode: null }];
  for (const city of anhuiCities) {
    regions.push({
      code: city.code,
      name: city.name,
      kind: 'city',
      parentCode: anhuiProvince.code,
    });
    for (const [code, name] of city.counties) {
      regions.push({ code, name, kind: 'county', parentCode: city.code });
    }
  }
  return regions;
}
