// Demo content: a district-level 整改措施清单, modelled on the seed notice
// (seed/000_35f6d3fe7fb10269.txt): 石景山区 published its plan for rectifying what the
// 北京市第二环境保护督察组 found during its inspection of 2017-10-31 .. 2017-11-29
// (feedback given 2018-05-30). The plan has three task areas and a milestone:
// substantive progress and staged results by the end of February 2019.
//
// The plan's title and issuer follow the seed's wording; the items below are an
// illustrative reconstruction (the seed does not print the checklist itself).
//
// Units: 区环保督察整改办公室 is the rectification / supervision office. It leads no item
// and is responsible for none (it reviews and accepts close-outs, so it must stay
// independent of the units doing the work); in reality it is hosted by, and staffed from,
// 区生态环境局. 石景山区 has no towns (镇), only street offices (街道办事处).
//
// Deadline phrases are stored as printed; `deadline` is the concrete last day the phrase
// means (end of the named month / quarter / half-year / year), or null when none is named.

export type DemoDeadlineKind = 'immediate' | 'date' | 'long_term'

export interface DemoItem {
  code: string
  category: string
  problem: string
  target: string
  measures: string
  leadUnit: string
  responsibleUnits: string[]
  deadlinePhrase: string
  deadlineKind: DemoDeadlineKind
  deadline: string | null // 'YYYY-MM-DD' or null
}

const CAT_DUTY = '环保主体责任落实'
const CAT_POLLUTION = '打好污染防治攻坚战'
const CAT_GOVERNANCE = '加强城市治理能力建设'

export const demoPlan: {
  title: string
  issuedBy: string
  timezone: 'Asia/Shanghai'
  categories: string[]
  createdAt: string
} = {
  title: '石景山区贯彻落实北京市环境保护督察反馈意见整改方案',
  issuedBy: '中共北京市石景山区委员会、北京市石景山区人民政府',
  timezone: 'Asia/Shanghai',
  categories: [CAT_DUTY, CAT_POLLUTION, CAT_GOVERNANCE],
  createdAt: '2018-09-03T02:00:00.000Z',
}

const SUPERVISION_OFFICE = '区环保督察整改办公室'
const EEB = '区生态环境局'
const HOUSING = '区住房城乡建设委'
const CITY_MGMT = '区城市管理委'
const WATER = '区水务局'
const AGRI = '区农业农村局'
const COMMERCE = '区商务局'
const MARKET = '区市场监管局'
const DRC = '区发展改革委'
const TRANSPORT = '区交通局'
const PLANNING = '区规划自然资源分局'
const POLICE = '区公安分局'
const ENFORCEMENT = '区城管执法局'
const WULITUO = '五里坨街道办事处'
const LUGU = '鲁谷街道办事处'
const PINGGUOYUAN = '苹果园街道办事处'

export const demoUnits: string[] = [
  SUPERVISION_OFFICE,
  EEB,
  DRC,
  HOUSING,
  CITY_MGMT,
  WATER,
  AGRI,
  COMMERCE,
  MARKET,
  TRANSPORT,
  PLANNING,
  POLICE,
  ENFORCEMENT,
  WULITUO,
  LUGU,
  PINGGUOYUAN,
]

export const demoItems: DemoItem[] = [
  // ── 一、环保主体责任落实 ──────────────────────────────────────────────
  {
    code: '1-1',
    category: CAT_DUTY,
    problem:
      '区委、区政府对生态环境保护工作研究部署不够深入，“党政同责、一岗双责”落实不到位。部分部门和街道认为环境保护主要是环保部门的事，“管发展必须管环保、管行业必须管环保”的要求没有真正落地。',
    target: '压实各级党委、政府及各部门生态环境保护责任，形成党委领导、政府主导、部门协同、齐抓共管的工作格局。',
    measures:
      '1.区委常委会、区政府常务会每季度至少专题研究一次生态环境保护工作；2.将督察整改工作纳入区委、区政府重点督查事项，实行清单化调度、月通报；3.各单位党政“一把手”作为整改第一责任人，亲自研究部署、亲自督促落实。',
    leadUnit: EEB,
    responsibleUnits: [DRC],
    deadlinePhrase: '立行立改，长期坚持',
    deadlineKind: 'long_term',
    deadline: null,
  },
  {
    code: '1-2',
    category: CAT_DUTY,
    problem: '区级部门环境保护职责边界不清，部分部门和街道未制定环境保护工作责任清单，职责交叉领域存在推诿扯皮现象。',
    target: '各部门、各街道全部制定并公开环境保护责任清单，做到职责明确、任务到岗、责任到人。',
    measures:
      '1.制定区级部门和街道环境保护责任清单编制指引；2.各单位完成清单编制，经区整改工作领导小组审定后向社会公开；3.建立责任清单动态调整机制，每年复核一次。',
    leadUnit: EEB,
    responsibleUnits: [DRC, CITY_MGMT, HOUSING],
    deadlinePhrase: '2018年12月底前完成，长期坚持',
    deadlineKind: 'long_term',
    deadline: '2018-12-31',
  },
  {
    code: '1-3',
    category: CAT_DUTY,
    problem:
      '环境监管网格化体系不健全，街道、社区网格员底数不清、职责不明，部分网格巡查流于形式，对辖区内环境违法问题发现不及时、处置不到位。',
    target: '建成区、街道、社区三级环境监管网格，网格巡查全覆盖，环境问题做到早发现、早处置。',
    measures:
      '1.修订区环境监管网格化实施方案，划定三级网格，明确网格长和网格员；2.将环境问题纳入城市管理网格化平台统一派单、限时办结；3.开展网格员业务培训，建立巡查台账和考核通报制度。',
    leadUnit: CITY_MGMT,
    responsibleUnits: [EEB, WULITUO, LUGU, PINGGUOYUAN],
    deadlinePhrase: '2018年第四季度',
    deadlineKind: 'date',
    deadline: '2018-12-31',
  },
  {
    code: '1-4',
    category: CAT_DUTY,
    problem: '环境执法“宽松软”问题依然存在，2017年全区环境行政处罚案件数量偏少，部分案件存在以罚代管、处罚后未跟踪整改的情况。',
    target: '保持环境执法高压态势，环境违法行为做到查处到位、整改到位。',
    measures:
      '1.严格落实“双随机、一公开”监管，提高重点行业抽查比例；2.对2017年以来的处罚案件开展“回头看”，逐案核查整改落实情况；3.健全行政执法与刑事司法衔接机制，涉嫌环境犯罪案件及时移送公安机关。',
    leadUnit: EEB,
    responsibleUnits: [POLICE, ENFORCEMENT],
    deadlinePhrase: '长期坚持',
    deadlineKind: 'long_term',
    deadline: null,
  },
  {
    code: '1-5',
    category: CAT_DUTY,
    problem: '督察期间转办的群众信访举报件办理质量不高，部分案件存在“一退了之”“一罚了之”现象，个别问题被群众反复投诉。',
    target: '督察转办信访件全部办结，做到件件有回音、事事有着落。',
    measures:
      '1.对督察转办信访件逐件复核，未办结的制定办理计划、明确责任人；2.对重复投诉件实行区级领导包案督办；3.办理结果及时向投诉人反馈并向社会公开。',
    leadUnit: EEB,
    responsibleUnits: [ENFORCEMENT, LUGU],
    deadlinePhrase: '立行立改',
    deadlineKind: 'immediate',
    deadline: null,
  },
  {
    code: '1-6',
    category: CAT_DUTY,
    problem: '生态环境保护考核机制不完善，环境质量改善指标在部门和街道绩效考核中权重偏低，考核结果运用不充分。',
    target: '建立生态环境保护目标责任考核制度，考核结果与干部评价和绩效奖惩挂钩。',
    measures:
      '1.制定区生态环境保护目标责任考核办法，提高环境质量指标权重；2.对部门和街道年度整改任务完成情况进行考核排名；3.考核结果向区委组织部通报，作为干部考核评价的重要依据。',
    leadUnit: DRC,
    responsibleUnits: [EEB],
    deadlinePhrase: '2019年2月底前',
    deadlineKind: 'date',
    deadline: '2019-02-28',
  },
  {
    code: '1-7',
    category: CAT_DUTY,
    problem: '环境信息公开不及时、不全面，重点排污单位环境信息公开率不高，公众参与环境监督的渠道不畅通。',
    target: '重点排污单位环境信息公开率达到100%，督察整改进展及时向社会公开。',
    measures:
      '1.督促重点排污单位依法公开排放信息；2.在区政府网站开设督察整改专栏，依托“一台一报一网”定期公开整改进展；3.依托街道、社区开展环保宣传，畅通“12369”环保举报渠道。',
    leadUnit: EEB,
    responsibleUnits: [PINGGUOYUAN, LUGU],
    deadlinePhrase: '立行立改',
    deadlineKind: 'immediate',
    deadline: null,
  },
  {
    code: '1-8',
    category: CAT_DUTY,
    problem: '部分建设项目存在“未批先建”问题，规划环评与项目环评衔接不够，个别项目环保设施“三同时”制度落实不到位。',
    target: '建设项目环评审批和环保设施竣工验收全部依法合规。',
    measures:
      '1.对2015年以来审批的建设项目开展环评手续专项清查；2.对“未批先建”项目依法查处并责令限期补办手续；3.建立规划、环评、施工许可信息共享机制。',
    leadUnit: EEB,
    responsibleUnits: [PLANNING, HOUSING],
    deadlinePhrase: '2019年6月30日前',
    deadlineKind: 'date',
    deadline: '2019-06-30',
  },
  {
    code: '1-9',
    category: CAT_DUTY,
    problem: '区级环境监测能力不足，空气质量监测微站布设密度不够，对PM2.5高值区域溯源分析不到位，监测数据对精准治污的支撑作用发挥不充分。',
    target: '建成覆盖全区各街道的大气环境监测网络，实现高值预警、精准溯源。',
    measures:
      '1.在各街道加密布设空气质量监测微站和颗粒物传感器；2.建立高值点位预警和溯源机制，监测数据每日推送属地街道；3.建成区级监测数据管理平台。',
    leadUnit: EEB,
    responsibleUnits: [CITY_MGMT],
    deadlinePhrase: '2019年上半年',
    deadlineKind: 'date',
    deadline: '2019-06-30',
  },
  {
    code: '1-10',
    category: CAT_DUTY,
    problem: '重污染天气应急预案执行不到位，督察期间发现个别施工工地在橙色预警期间仍在进行土石方作业，部分单位应急减排清单与实际情况不符。',
    target: '重污染天气应急减排措施落实率达到100%。',
    measures:
      '1.修订区重污染天气应急预案，更新应急减排清单；2.预警期间组织相关部门开展联合检查；3.对不落实应急措施的单位依法从严处罚并全区通报。',
    leadUnit: EEB,
    responsibleUnits: [HOUSING, ENFORCEMENT, TRANSPORT],
    deadlinePhrase: '2018年10月底前',
    deadlineKind: 'date',
    deadline: '2018-10-31',
  },
  {
    code: '1-11',
    category: CAT_DUTY,
    problem: '街道环保力量薄弱，多数街道未明确专职环保工作人员，基层环境监管“最后一公里”问题突出。',
    target: '各街道明确承担环保职责的科室和专职人员，基层环境监管能力明显提升。',
    measures:
      '1.各街道明确环保工作科室，配备不少于2名专职环保工作人员；2.区生态环境局对街道环保人员开展业务培训；3.建立街道环保工作月报制度。',
    leadUnit: EEB,
    responsibleUnits: [WULITUO, LUGU, PINGGUOYUAN],
    deadlinePhrase: '2018年12月底前',
    deadlineKind: 'date',
    deadline: '2018-12-31',
  },
  {
    code: '1-12',
    category: CAT_DUTY,
    problem: '部分排污单位环境保护主体责任意识淡薄，污染治理设施运行不正常，自行监测不规范，存在超标排放风险。',
    target: '重点排污单位污染治理设施正常运行率达到100%，依法持证排污、按证排污。',
    measures:
      '1.开展排污单位污染治理设施专项检查；2.督促企业依法申领排污许可证并规范开展自行监测；3.对环境违法企业依法处罚并纳入企业信用记录实施联合惩戒。',
    leadUnit: EEB,
    responsibleUnits: [MARKET],
    deadlinePhrase: '立行立改，长期坚持',
    deadlineKind: 'long_term',
    deadline: null,
  },

  // ── 二、打好污染防治攻坚战 ────────────────────────────────────────────
  {
    code: '2-1',
    category: CAT_POLLUTION,
    problem:
      '施工扬尘管控不到位，督察组抽查的施工工地中，部分未落实“六个百分之百”要求，存在裸土未苫盖、出入口车辆未冲洗、道路未硬化等问题。',
    target: '全区施工工地全面落实“六个百分之百”，扬尘在线监测和视频监控全覆盖。',
    measures:
      '1.对全区在施工地开展拉网式排查，建立问题台账、逐项整改；2.建筑面积5000平方米以上的工地安装扬尘在线监测和视频监控设备并与主管部门联网；3.对违规工地依法处罚，并纳入企业信用记录。',
    leadUnit: HOUSING,
    responsibleUnits: [ENFORCEMENT, EEB],
    deadlinePhrase: '立行立改',
    deadlineKind: 'immediate',
    deadline: null,
  },
  {
    code: '2-2',
    category: CAT_POLLUTION,
    problem: '渣土运输车辆遗撒、“跑冒滴漏”问题时有发生，部分道路清扫保洁不到位，道路尘负荷偏高。',
    target: '渣土运输车辆全部密闭运输，城市主次干道尘负荷持续下降。',
    measures:
      '1.推行道路“冲、扫、洗、收”组合作业，提高机扫水洗率；2.联合开展渣土运输车辆夜间执法检查，严查未密闭、遗撒等违法行为；3.每月开展道路尘负荷检测并通报排名。',
    leadUnit: CITY_MGMT,
    responsibleUnits: [TRANSPORT, POLICE, ENFORCEMENT],
    deadlinePhrase: '长期坚持',
    deadlineKind: 'long_term',
    deadline: null,
  },
  {
    code: '2-3',
    category: CAT_POLLUTION,
    problem: '燃煤锅炉清洁能源改造未全部完成，个别单位仍保留备用燃煤锅炉，未按要求拆除。',
    target: '全区燃煤锅炉全部清零，防止燃煤锅炉“死灰复燃”。',
    measures:
      '1.全面核实燃煤锅炉底数，逐台建立改造台账；2.剩余燃煤锅炉完成清洁能源改造并拆除燃煤设施；3.加强对燃煤销售和使用的执法检查，防止反弹。',
    leadUnit: DRC,
    responsibleUnits: [EEB, CITY_MGMT, MARKET],
    deadlinePhrase: '2018年12月底前',
    deadlineKind: 'date',
    deadline: '2018-12-31',
  },
  {
    code: '2-4',
    category: CAT_POLLUTION,
    problem: '燃气锅炉低氮燃烧改造进度滞后，全区仍有部分燃气锅炉氮氧化物排放不能稳定达到本市新排放标准。',
    target: '完成全区燃气锅炉低氮燃烧改造任务，氮氧化物稳定达标排放。',
    measures:
      '1.摸清未改造燃气锅炉底数，制定分年度改造计划；2.落实改造资金补助政策，督促产权单位在采暖季前完成改造；3.对改造后锅炉开展监督性监测。',
    leadUnit: EEB,
    responsibleUnits: [CITY_MGMT, DRC],
    deadlinePhrase: '2019年10月底前',
    deadlineKind: 'date',
    deadline: '2019-10-31',
  },
  {
    code: '2-5',
    category: CAT_POLLUTION,
    problem: '五里坨地区部分平房区完成“煤改电”后仍有居民违规使用散煤，散煤销售点监管不到位。',
    target: '已完成“煤改电”区域实现散煤“清零”，杜绝散煤复烧。',
    measures: '1.对已完成“煤改电”区域开展入户巡查；2.依法取缔违规散煤销售网点；3.完善“煤改电”运行补贴和设备维保服务，保障群众温暖过冬。',
    leadUnit: WULITUO,
    responsibleUnits: [CITY_MGMT, MARKET, ENFORCEMENT],
    deadlinePhrase: '2018年第四季度',
    deadlineKind: 'date',
    deadline: '2018-12-31',
  },
  {
    code: '2-6',
    category: CAT_POLLUTION,
    problem: '“散乱污”企业清理整治不彻底，督察发现部分已取缔企业存在死灰复燃现象，个别废品回收站、汽修厂仍违规经营。',
    target: '“散乱污”企业动态清零，防止反弹回潮。',
    measures:
      '1.开展“散乱污”企业再排查，建立动态管理台账；2.分类实施关停取缔、整合搬迁、整改提升；3.建立街道包片、社区包点动态巡查机制，发现一起、查处一起。',
    leadUnit: DRC,
    responsibleUnits: [EEB, MARKET, PINGGUOYUAN],
    deadlinePhrase: '立行立改，长期坚持',
    deadlineKind: 'long_term',
    deadline: null,
  },
  {
    code: '2-7',
    category: CAT_POLLUTION,
    problem: '部分汽车维修企业喷漆作业未在密闭空间内进行，挥发性有机物治理设施缺失或运行不正常。',
    target: '汽车维修企业挥发性有机物治理全部达标。',
    measures:
      '1.对全区汽车维修企业开展专项检查，建立问题清单；2.督促企业建设密闭喷烤漆房并安装高效治理设施；3.对整改不到位的企业依法停业整顿。',
    leadUnit: TRANSPORT,
    responsibleUnits: [EEB, MARKET],
    deadlinePhrase: '2019年3月底前',
    deadlineKind: 'date',
    deadline: '2019-03-31',
  },
  {
    code: '2-8',
    category: CAT_POLLUTION,
    problem: '重型柴油车尾气排放监管薄弱，路检路查和入户检查频次不足，部分物流企业、施工单位仍在使用排放超标车辆。',
    target: '加大超标排放车辆查处力度，重型柴油车排放达标率明显提高。',
    measures: '1.联合开展重型柴油车路检路查，严查冒黑烟车辆；2.对重点用车单位开展入户检查；3.推动公交、环卫、邮政等行业车辆新能源化。',
    leadUnit: EEB,
    responsibleUnits: [POLICE, TRANSPORT],
    deadlinePhrase: '长期坚持',
    deadlineKind: 'long_term',
    deadline: null,
  },
  {
    code: '2-9',
    category: CAT_POLLUTION,
    problem: '施工工地非道路移动机械底数不清，多数未进行编码登记，部分机械作业时冒黑烟。',
    target: '非道路移动机械编码登记全覆盖，超标机械禁止进场作业。',
    measures: '1.组织施工、市政、水务工程单位开展非道路移动机械申报登记；2.对在用机械开展排放抽测；3.在重点工地安装机械进出场监控设备。',
    leadUnit: EEB,
    responsibleUnits: [HOUSING, WATER, TRANSPORT],
    deadlinePhrase: '2019年2月底前',
    deadlineKind: 'date',
    deadline: '2019-02-28',
  },
  {
    code: '2-10',
    category: CAT_POLLUTION,
    problem: '餐饮油烟污染扰民问题突出，部分餐饮单位未安装油烟净化设施或设施未正常运行，露天烧烤禁而不绝。',
    target: '餐饮单位油烟净化设施安装率、正常运行率达到100%，露天烧烤基本杜绝。',
    measures:
      '1.开展餐饮油烟专项执法检查，督促定期清洗维护净化设施；2.对新建餐饮项目严格审查排烟条件；3.集中清理整治露天烧烤，建立举报快速处置机制。',
    leadUnit: ENFORCEMENT,
    responsibleUnits: [MARKET, EEB, LUGU],
    deadlinePhrase: '立行立改',
    deadlineKind: 'immediate',
    deadline: null,
  },
  {
    code: '2-11',
    category: CAT_POLLUTION,
    problem: '黑臭水体治理成效不稳固，督察发现个别已完成治理的沟渠仍存在黑臭现象，沿线有污水直排。',
    target: '全面消除黑臭水体，防止返黑返臭。',
    measures: '1.对已治理水体开展“回头看”，每月监测水质；2.截断沿线排污口，完善截污管网；3.落实河长制日常巡河，发现问题及时处置。',
    leadUnit: WATER,
    responsibleUnits: [EEB, WULITUO],
    deadlinePhrase: '2018年底前',
    deadlineKind: 'date',
    deadline: '2018-12-31',
  },
  {
    code: '2-12',
    category: CAT_POLLUTION,
    problem: '入河排污口底数不清，部分排污口未登记、未设置标识牌，沿河地区存在雨污混接、错接问题。',
    target: '完成入河排污口排查整治，建立排污口管理台账。',
    measures:
      '1.对全区河道沿线排污口开展拉网式排查，逐一登记并设置标识牌；2.对非法设置的排污口依法取缔，对雨污混接点实施改造；3.建立排污口定期监测和巡查制度。',
    leadUnit: WATER,
    responsibleUnits: [EEB, ENFORCEMENT],
    deadlinePhrase: '2019年6月30日前',
    deadlineKind: 'date',
    deadline: '2019-06-30',
  },
  {
    code: '2-13',
    category: CAT_POLLUTION,
    problem: '城乡结合部地区污水收集管网建设滞后，部分平房区和村庄生活污水未经处理直接排放。',
    target: '城乡结合部地区污水收集处理设施基本覆盖，生活污水处理率明显提升。',
    measures: '1.编制城乡结合部污水管网建设实施方案；2.加快推进污水管网和小型污水处理设施建设；3.完善设施建成后的运行维护机制。',
    leadUnit: WATER,
    responsibleUnits: [DRC, WULITUO, PINGGUOYUAN],
    deadlinePhrase: '2019年底前',
    deadlineKind: 'date',
    deadline: '2019-12-31',
  },
  {
    code: '2-14',
    category: CAT_POLLUTION,
    problem: '首钢老工业区部分拟开发地块未按要求开展土壤污染状况调查和风险评估，污染地块再开发利用环境监管不到位。',
    target: '疑似污染地块全部完成土壤污染状况调查和风险评估，污染地块安全利用率达到90%以上。',
    measures:
      '1.建立疑似污染地块名单和污染地块名录；2.未完成调查评估的地块不得办理供地和规划许可手续；3.对污染地块治理修复工程实施全过程环境监管。',
    leadUnit: EEB,
    responsibleUnits: [PLANNING, HOUSING],
    deadlinePhrase: '2019年9月底前',
    deadlineKind: 'date',
    deadline: '2019-09-30',
  },
  {
    code: '2-15',
    category: CAT_POLLUTION,
    problem: '五里坨地区仍存在零散畜禽养殖户，养殖粪污随意堆放，禁养区内养殖场未全部关停退出。',
    target: '禁养区内畜禽养殖全部退出，畜禽粪污得到妥善处置。',
    measures: '1.对禁养区内畜禽养殖场户逐户登记造册；2.依法依规关停退出并落实补偿政策；3.对保留的养殖户督促配套建设粪污处理设施。',
    leadUnit: AGRI,
    responsibleUnits: [WULITUO, EEB],
    deadlinePhrase: '2018年12月底前',
    deadlineKind: 'date',
    deadline: '2018-12-31',
  },
  {
    code: '2-16',
    category: CAT_POLLUTION,
    problem: '西部山区和城乡结合部露天焚烧秸秆、树叶、垃圾现象时有发生，巡查管控不到位。',
    target: '杜绝露天焚烧，实现秸秆和园林绿化废弃物资源化利用。',
    measures: '1.划定禁烧重点区域，落实街道、社区巡查责任；2.推进农作物秸秆、园林绿化废弃物资源化利用；3.对露天焚烧行为依法查处。',
    leadUnit: ENFORCEMENT,
    responsibleUnits: [AGRI, WULITUO],
    deadlinePhrase: '立行立改，长期坚持',
    deadlineKind: 'long_term',
    deadline: null,
  },
  {
    code: '2-17',
    category: CAT_POLLUTION,
    problem: '夜间施工噪声扰民投诉量居高不下，部分工地超范围、超时段夜间施工，部分交通干线两侧噪声超标。',
    target: '施工噪声投诉量明显下降，交通干线两侧噪声污染得到控制。',
    measures:
      '1.严格夜间施工审批，对超时段施工依法从严处罚；2.在重点工地周边安装噪声在线监测设备；3.在交通干线敏感路段设置声屏障并加强禁鸣管理。',
    leadUnit: ENFORCEMENT,
    responsibleUnits: [HOUSING, EEB, TRANSPORT],
    deadlinePhrase: '2019年第三季度',
    deadlineKind: 'date',
    deadline: '2019-09-30',
  },
  {
    code: '2-18',
    category: CAT_POLLUTION,
    problem: '部分汽修企业和小型产废单位危险废物贮存不规范，危险废物转移联单制度执行不严，存在混入生活垃圾的现象。',
    target: '危险废物规范化管理达标，全部交由有资质单位处置。',
    measures:
      '1.开展危险废物规范化管理专项检查；2.督促产废单位建设规范贮存场所并落实转移联单制度；3.对非法处置危险废物行为依法查处，涉嫌犯罪的移送公安机关。',
    leadUnit: EEB,
    responsibleUnits: [TRANSPORT, POLICE],
    deadlinePhrase: '立行立改',
    deadlineKind: 'immediate',
    deadline: null,
  },
  {
    code: '2-19',
    category: CAT_POLLUTION,
    problem: '部分加油站油气回收装置运行不正常，在线监控设备未按要求联网，储油库和油罐车油气回收检测不到位。',
    target: '加油站油气回收装置全部正常运行，在线监控设备全部联网。',
    measures:
      '1.对全区加油站油气回收装置逐站检测；2.督促未联网加油站完成在线监控设备安装联网；3.对油气回收不达标的加油站依法处罚并限期整改。',
    leadUnit: COMMERCE,
    responsibleUnits: [EEB, MARKET],
    deadlinePhrase: '立行立改，2018年11月底前完成',
    deadlineKind: 'immediate',
    deadline: '2018-11-30',
  },

  // ── 三、加强城市治理能力建设 ──────────────────────────────────────────
  {
    code: '3-1',
    category: CAT_GOVERNANCE,
    problem: '生活垃圾分类工作推进缓慢，示范片区覆盖率低，部分小区存在“前分后混”现象，分类收运体系不健全。',
    target: '生活垃圾分类示范片区覆盖率明显提高，分类投放、分类收集、分类运输、分类处理体系基本建成。',
    measures:
      '1.推进垃圾分类示范片区创建；2.配齐分类收集容器和分类运输车辆，杜绝混装混运；3.建立社区垃圾分类指导员队伍，开展入户宣传指导。',
    leadUnit: CITY_MGMT,
    responsibleUnits: [LUGU, PINGGUOYUAN, WULITUO],
    deadlinePhrase: '2019年下半年',
    deadlineKind: 'date',
    deadline: '2019-12-31',
  },
  {
    code: '3-2',
    category: CAT_GOVERNANCE,
    problem: '违法建设拆除任务完成不彻底，部分区域新增违法建设查处不及时，拆后地块未及时清理。',
    target: '存量违法建设按计划拆除，新增违法建设“零增长”。',
    measures:
      '1.完成年度违法建设拆除任务，拆后渣土及时清运；2.建立违法建设“早发现、早制止、早拆除”巡查机制；3.对顶风抢建的违法建设实行“零容忍”，发现一起、拆除一起。',
    leadUnit: ENFORCEMENT,
    responsibleUnits: [PLANNING, WULITUO, PINGGUOYUAN],
    deadlinePhrase: '2018年12月底前完成，长期坚持',
    deadlineKind: 'long_term',
    deadline: '2018-12-31',
  },
  {
    code: '3-3',
    category: CAT_GOVERNANCE,
    problem: '拆除腾退地块裸露土地未有效苫盖或绿化，部分地块成为扬尘污染源和垃圾堆放点。',
    target: '拆后裸露地块全部苫盖或绿化，消除扬尘隐患。',
    measures:
      '1.建立拆后地块裸地台账，逐块明确管护责任；2.短期内无开发计划的地块实施临时绿化，其余地块全部苫盖；3.定期巡查，防止垃圾堆放和二次扬尘。',
    leadUnit: CITY_MGMT,
    responsibleUnits: [PLANNING, LUGU],
    deadlinePhrase: '2019年3月底前',
    deadlineKind: 'date',
    deadline: '2019-03-31',
  },
  {
    code: '3-4',
    category: CAT_GOVERNANCE,
    problem: '建筑垃圾消纳处置能力不足，资源化利用水平低，存在非法倾倒建筑垃圾的现象。',
    target: '建筑垃圾全部规范消纳，资源化利用率明显提升。',
    measures: '1.规划建设建筑垃圾资源化处置设施；2.实行建筑垃圾产生、运输、消纳全过程联单管理；3.联合查处非法倾倒行为。',
    leadUnit: CITY_MGMT,
    responsibleUnits: [HOUSING, ENFORCEMENT, POLICE],
    deadlinePhrase: '2019年6月30日前',
    deadlineKind: 'date',
    deadline: '2019-06-30',
  },
  {
    code: '3-5',
    category: CAT_GOVERNANCE,
    problem: '背街小巷环境脏乱，私搭乱建、占道经营、垃圾乱堆乱放问题突出，群众反映强烈。',
    target: '背街小巷环境面貌明显改善，达到“十有十无”标准。',
    measures:
      '1.制定背街小巷环境整治提升计划，逐条明确整治内容和责任人；2.集中清理私搭乱建、占道经营和堆物堆料；3.建立街巷长制，落实日常巡查和保洁责任。',
    leadUnit: CITY_MGMT,
    responsibleUnits: [ENFORCEMENT, LUGU, PINGGUOYUAN],
    deadlinePhrase: '2019年2月底前',
    deadlineKind: 'date',
    deadline: '2019-02-28',
  },
  {
    code: '3-6',
    category: CAT_GOVERNANCE,
    problem: '再生资源回收站点无序经营，部分站点露天堆放、露天分拣，污染周边环境。',
    target: '再生资源回收站点规范化经营，违规站点全部取缔。',
    measures: '1.编制再生资源回收网点布局规划；2.对无证无照、露天分拣的回收站点依法取缔；3.推进规范化回收站点和分拣中心建设。',
    leadUnit: COMMERCE,
    responsibleUnits: [ENFORCEMENT, MARKET, PINGGUOYUAN],
    deadlinePhrase: '2018年12月底前',
    deadlineKind: 'date',
    deadline: '2018-12-31',
  },
  {
    code: '3-7',
    category: CAT_GOVERNANCE,
    problem: '无照经营、占道经营问题反复出现，部分集贸市场周边环境秩序混乱，垃圾、污水随意倾倒。',
    target: '无照经营问题得到有效治理，市场周边环境秩序明显好转。',
    measures: '1.开展无照经营专项整治；2.落实市场开办者环境卫生主体责任；3.对屡查屡犯的经营者依法从严处罚。',
    leadUnit: MARKET,
    responsibleUnits: [ENFORCEMENT, LUGU],
    deadlinePhrase: '立行立改',
    deadlineKind: 'immediate',
    deadline: null,
  },
  {
    code: '3-8',
    category: CAT_GOVERNANCE,
    problem: '城市管理部门协同不足，跨部门环境问题处置效率低，“12345”热线环境类诉求办结率和满意率不高。',
    target: '建立“街乡吹哨、部门报到”协同机制，环境类诉求办结率达到90%以上。',
    measures:
      '1.建立环境问题“街乡吹哨、部门报到”工作机制，明确响应时限；2.对环境类诉求实行限时办结和回访制度；3.每月通报各单位诉求办理情况。',
    leadUnit: CITY_MGMT,
    responsibleUnits: [EEB, ENFORCEMENT],
    deadlinePhrase: '2019年2月底前完成，长期坚持',
    deadlineKind: 'long_term',
    deadline: '2019-02-28',
  },
  {
    code: '3-9',
    category: CAT_GOVERNANCE,
    problem: '公共交通和慢行系统建设滞后，绿色出行比例偏低，部分路段违规停车造成道路拥堵，加剧机动车尾气排放。',
    target: '绿色出行比例稳步提升，重点拥堵路段通行状况明显改善。',
    measures: '1.优化公交线网，加密与轨道交通接驳线路；2.推进慢行系统和自行车道建设；3.加强违规停车执法，缓解重点路段拥堵。',
    leadUnit: TRANSPORT,
    responsibleUnits: [POLICE, CITY_MGMT],
    deadlinePhrase: '2019年底前',
    deadlineKind: 'date',
    deadline: '2019-12-31',
  },
  {
    code: '3-10',
    category: CAT_GOVERNANCE,
    problem: '生态控制区规划管控不严，存在违规占用林地、设施农业用地“大棚房”等问题。',
    target: '“大棚房”问题全部整改到位，生态控制区内违规占地全部清理。',
    measures:
      '1.对设施农业用地开展全面排查，逐项建立问题台账；2.依法拆除违规建设的“大棚房”并恢复农业生产功能；3.加强生态控制区规划实施监管，建立卫片执法常态化机制。',
    leadUnit: PLANNING,
    responsibleUnits: [AGRI, WULITUO, ENFORCEMENT],
    deadlinePhrase: '2018年11月底前',
    deadlineKind: 'date',
    deadline: '2018-11-30',
  },
  {
    code: '3-11',
    category: CAT_GOVERNANCE,
    problem: '河长制落实不到位，部分街道级河长巡河频次不足，河道管理范围内存在垃圾堆放、违规占用等问题。',
    target: '河长制全面落实，河道管理范围内环境问题动态清零。',
    measures: '1.严格落实各级河长巡河制度，建立巡河台账；2.集中清理河道管理范围内垃圾和违规占用；3.将河长制落实情况纳入街道年度考核。',
    leadUnit: WATER,
    responsibleUnits: [ENFORCEMENT, WULITUO, LUGU],
    deadlinePhrase: '长期坚持',
    deadlineKind: 'long_term',
    deadline: null,
  },
]
