import type {
  BranchKind,
  CreatePatronDto,
  ItemType,
  PatronBlockKind,
  UpsertPartnerDto,
  UpsertUnitDto,
} from '@app/contracts';

/** The demo network documented in README: Kunshan Library with three branches and a 24-hour library. */
export const KSL = 'CN-320583-1-KSL';
export const TCL = 'CN-320585-1-TCL';

export const DEMO_AGENCIES = [
  { isil: KSL, name: '昆山市图书馆', kind: 'member' as const },
  { isil: TCL, name: '太仓市图书馆', kind: 'partner' as const },
];

export const DEMO_BRANCHES: { code: string; agency: string; name: string; kind: BranchKind }[] = [
  { code: 'KSL-MAIN', agency: KSL, name: '总馆', kind: 'central' },
  { code: 'KSL-ZS', agency: KSL, name: '周市分馆', kind: 'branch' },
  { code: 'KSL-HQ', agency: KSL, name: '花桥分馆', kind: 'branch' },
  { code: 'KSL-24H-SLGY', agency: KSL, name: '森林公园24小时自助图书馆', kind: 'self_service_24h' },
  { code: 'TCL-MAIN', agency: TCL, name: '太仓市图书馆总馆', kind: 'central' },
];

export const DEMO_PIN = '1234';

export const DEMO_PATRONS: (Omit<CreatePatronDto, 'pin'> & { note: string; blocks?: PatronBlockKind[] })[] = [
  {
    agency: KSL,
    barcode: 'P0000001',
    name: '张三',
    patronType: 'adult',
    homeBranch: 'KSL-MAIN',
    cardExpiresOn: '2030-12-31',
    note: 'active adult',
  },
  {
    agency: KSL,
    barcode: 'P0000002',
    name: '李四',
    patronType: 'adult',
    homeBranch: 'KSL-ZS',
    cardExpiresOn: '2030-12-31',
    blocks: ['card_lost'],
    note: 'card reported lost',
  },
  {
    agency: KSL,
    barcode: 'P0000003',
    name: '王五',
    patronType: 'senior',
    homeBranch: 'KSL-HQ',
    cardExpiresOn: '2024-06-30',
    note: 'card expired',
  },
  {
    agency: KSL,
    barcode: 'P0000004',
    name: '赵六',
    patronType: 'child',
    homeBranch: 'KSL-MAIN',
    cardExpiresOn: '2030-12-31',
    note: 'child',
  },
];

interface DemoTitle {
  title: string;
  author: string;
  publisher: string;
  year: number;
  clc: string;
  isbn?: string;
  itemType?: ItemType;
}

/** Real titles; ISBNs only where we are sure of them. */
export const DEMO_TITLES: DemoTitle[] = [
  { title: '日知录', author: '顾炎武', publisher: '中华书局', year: 2020, clc: 'Z126.27' },
  { title: '水浒传', author: '施耐庵', publisher: '人民文学出版社', year: 1997, clc: 'I242.4', isbn: '9787020008735' },
  { title: '世界秩序', author: '亨利·基辛格', publisher: '中信出版社', year: 2015, clc: 'D5' },
  { title: '自卑与超越', author: '阿尔弗雷德·阿德勒', publisher: '作家出版社', year: 2016, clc: 'B84-065' },
  { title: '人性的弱点', author: '戴尔·卡耐基', publisher: '中国华侨出版社', year: 2017, clc: 'B848.4' },
  { title: '红楼梦', author: '曹雪芹', publisher: '人民文学出版社', year: 2008, clc: 'I242.4', isbn: '9787020002207' },
  { title: '三国演义', author: '罗贯中', publisher: '人民文学出版社', year: 1973, clc: 'I242.4' },
  { title: '西游记', author: '吴承恩', publisher: '人民文学出版社', year: 1980, clc: 'I242.4' },
  { title: '活着', author: '余华', publisher: '作家出版社', year: 2012, clc: 'I247.5', isbn: '9787506365437' },
  { title: '围城', author: '钱锺书', publisher: '人民文学出版社', year: 1991, clc: 'I246.5' },
  { title: '平凡的世界', author: '路遥', publisher: '北京十月文艺出版社', year: 2012, clc: 'I247.5' },
  { title: '骆驼祥子', author: '老舍', publisher: '人民文学出版社', year: 2000, clc: 'I246.5' },
  { title: '边城', author: '沈从文', publisher: '北岳文艺出版社', year: 2002, clc: 'I246.5' },
  {
    title: '朝花夕拾',
    author: '鲁迅',
    publisher: '人民文学出版社',
    year: 2006,
    clc: 'I210.4',
    itemType: 'children_book',
  },
  { title: '乡土中国', author: '费孝通', publisher: '北京大学出版社', year: 2012, clc: 'C912.82' },
  { title: '万历十五年', author: '黄仁宇', publisher: '中华书局', year: 2006, clc: 'K248.107' },
  { title: '人类简史', author: '尤瓦尔·赫拉利', publisher: '中信出版社', year: 2014, clc: 'K02' },
  { title: '三体', author: '刘慈欣', publisher: '重庆出版社', year: 2008, clc: 'I247.55', isbn: '9787536692930' },
  { title: '白鹿原', author: '陈忠实', publisher: '人民文学出版社', year: 2012, clc: 'I247.5' },
  {
    title: '城南旧事',
    author: '林海音',
    publisher: '中国青年出版社',
    year: 2003,
    clc: 'I287.45',
    itemType: 'children_book',
  },
  {
    title: '小王子',
    author: '安托万·德·圣埃克苏佩里',
    publisher: '人民文学出版社',
    year: 2003,
    clc: 'I565.88',
    itemType: 'children_book',
  },
  {
    title: '昆虫记',
    author: '让-亨利·法布尔',
    publisher: '作家出版社',
    year: 2010,
    clc: 'Q96-49',
    itemType: 'children_book',
  },
  { title: '史记', author: '司马迁', publisher: '中华书局', year: 1982, clc: 'K204.2' },
  { title: '论语译注', author: '杨伯峻', publisher: '中华书局', year: 2006, clc: 'B222.22' },
  { title: '浮生六记', author: '沈复', publisher: '人民文学出版社', year: 1999, clc: 'I264.9' },
  { title: '傅雷家书', author: '傅雷', publisher: '译林出版社', year: 2016, clc: 'I266' },
  { title: '长安的荔枝', author: '马伯庸', publisher: '湖南文艺出版社', year: 2022, clc: 'I247.5' },
  {
    title: '读者（2026年第1期）',
    author: '读者杂志社',
    publisher: '读者出版集团',
    year: 2026,
    clc: 'Z62',
    itemType: 'periodical',
  },
  {
    title: '辞海（第七版）',
    author: '夏征农',
    publisher: '上海辞书出版社',
    year: 2020,
    clc: 'Z32',
    itemType: 'reference',
  },
  { title: '文化苦旅', author: '余秋雨', publisher: '长江文艺出版社', year: 2014, clc: 'I267' },
];

const BRANCH_CYCLE = ['KSL-MAIN', 'KSL-ZS', 'KSL-HQ', 'KSL-24H-SLGY'];

/** B0000001..B0000030: all available, except B0000029 (reference only) and B0000030 (lost). */
export const DEMO_ITEMS = DEMO_TITLES.map((t, i) => {
  const n = i + 1;
  const branch = BRANCH_CYCLE[i % BRANCH_CYCLE.length];
  return {
    agency: KSL,
    barcode: `B${String(n).padStart(7, '0')}`,
    title: t,
    itemType: t.itemType ?? ('book' as ItemType),
    homeBranch: branch,
    shelfLocation: `${t.clc.charAt(0)} 区 ${t.clc}`,
    loanable: n !== 29,
    status: n === 30 ? ('lost' as const) : ('available' as const),
    priceFen: 2800 + n * 150,
  };
});

export const DEMO_TERMINALS = [
  { login: 'kiosk01', password: 'kiosk01-secret', institutionId: KSL, location: 'KSL-MAIN', charset: 'utf-8' as const },
  {
    login: 'locker01',
    password: 'locker01-secret',
    institutionId: KSL,
    location: 'KSL-24H-SLGY',
    charset: 'gb18030' as const,
  },
];

/** The partner 太仓市图书馆: its agreement with us and the NCIP key a partner developer can try at once (README). */
export const DEMO_PARTNER_KEY = 'demo-partner-key';
export const DEMO_PARTNER: UpsertPartnerDto = {
  isil: TCL,
  name: '太仓市图书馆',
  aliases: ['TCL'],
  branch: 'TCL-MAIN',
  agreement: {
    patronTypesAllowed: ['adult', 'senior', 'student'],
    loanDays: 30,
    maxItems: 5,
    lendOurItems: true,
    returnShippingPaidBy: 'borrower',
    cardPrefix: 'TCL',
    cardPattern: '^TCL\\d{7}$',
    whenHomeDown: 'lend_with_limit',
    offlineMaxItems: 1,
  },
  ncip: { namespaceStyle: 'prefixed', timeoutMs: 5000, retries: 2 },
};

/** The central-branch tree: 总馆 with its branches and 24-hour library; 太仓's central library. */
export const DEMO_UNITS: UpsertUnitDto[] = [
  { code: 'KSL-MAIN', agency: KSL, name: '总馆', kind: 'central' },
  { code: 'KSL-ZS', agency: KSL, name: '周市分馆', kind: 'branch', parent: 'KSL-MAIN' },
  { code: 'KSL-HQ', agency: KSL, name: '花桥分馆', kind: 'branch', parent: 'KSL-MAIN' },
  { code: 'KSL-24H-SLGY', agency: KSL, name: '森林公园24小时自助图书馆', kind: 'self_service_24h', parent: 'KSL-MAIN' },
  { code: 'TCL-MAIN', agency: TCL, name: '太仓市图书馆总馆', kind: 'central' },
];
