// npx tsx scripts/district-fixtures.ts — writes three more checklists to test/fixtures/, laid out the way published
// district checklists are, and each with the items it holds (what an import must make of it).
//
// The layouts follow published plans (整改方案 / 整改措施清单 annexes): a cover page before the table; 附件 and title
// rows; header cells broken over two lines (完成\n时限) or over two rows (责任单位 above 牵头部门 | 配合部门, as in the
// district task lists that print 领域 | 序号 | … | 牵头部门 | 配合部门); one problem found by the inspectors printed
// once over several measure rows, each row with its own lead unit and deadline (序号, 问题 and 整改目标 merged
// down; or the 序号 repeated on each row; or a merge undone in Excel, leaving the 序号 and 问题 of the rows
// below blank); task areas as heading rows, as a merged column, or not at all; unit lists with 、，；, line
// breaks, full-width spaces and （牵头） markers; a 备注 column; notes and contact lines under the table.
//
// The districts and their texts are invented (no real plan's wording is copied); the units are the ones a
// Beijing district has. Same input → the same bytes: the workbook's dates and the zip entries' dates are fixed.
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const FIXED_DATE = new Date('2026-06-15T00:00:00.000Z')
const THIN = { style: 'thin' as const }
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN }

/** An item as the import must read it. */
export interface ExpectedItem {
  code: string
  category: string
  problem: string
  target: string
  measures: string
  leadUnit: string
  responsibleUnits: string[]
  deadlineKind: 'immediate' | 'date' | 'long_term'
  deadline: string | null
  deadlineText: string
  note: string
}

export interface DistrictFixture {
  file: string
  path: string
  /** The plan the checklist belongs to: its task areas. */
  categories: string[]
  /** Every unit the checklist names. */
  units: string[]
  items: ExpectedItem[]
  build(): Promise<Buffer>
}

const fixturePath = (file: string) => fileURLToPath(new URL(`../test/fixtures/${file}`, import.meta.url))

/** One measure row: the cells a district types for it (units and deadline as printed). */
interface MeasureRow {
  measures: string
  /** The 牵头单位 cell as printed. */
  lead: string
  /** The 责任单位 cell as printed. */
  responsible: string
  deadline: string
  note?: string
  /** Its own 整改目标, when the measures of one problem have different targets. */
  target?: string
  /** What the import must read from this row. */
  expect: { leadUnit: string; responsibleUnits: string[]; deadlineKind: ExpectedItem['deadlineKind']; deadline: string | null }
}

/** One problem found by the inspectors and its measures. */
interface Problem {
  number: string
  category: string
  problem: string
  target: string
  rows: MeasureRow[]
}

function expectedItems(problems: Problem[]): ExpectedItem[] {
  return problems.flatMap((p) =>
    p.rows.map((r, i) => ({
      code: p.rows.length > 1 ? `${p.number}-${i + 1}` : p.number,
      category: p.category,
      problem: p.problem,
      target: r.target ?? p.target,
      measures: r.measures,
      leadUnit: r.expect.leadUnit,
      responsibleUnits: r.expect.responsibleUnits,
      deadlineKind: r.expect.deadlineKind,
      deadline: r.expect.deadline,
      deadlineText: r.deadline.trim(),
      note: r.note ?? '',
    })),
  )
}

function unitsOf(items: ExpectedItem[]): string[] {
  return [...new Set(items.flatMap((i) => [i.leadUnit, ...i.responsibleUnits]))].sort()
}

/** exceljs stamps each zip entry with the current time; repack with a fixed one so the bytes depend on content only. */
async function fixedBytes(workbook: ExcelJS.Workbook): Promise<Buffer> {
  workbook.creator = '区生态环境保护督察整改工作领导小组办公室'
  workbook.created = FIXED_DATE
  workbook.modified = FIXED_DATE
  const written = await JSZip.loadAsync(Buffer.from(await workbook.xlsx.writeBuffer()))
  const repacked = new JSZip()
  for (const [name, entry] of Object.entries(written.files)) {
    if (entry.dir) continue
    repacked.file(name, await entry.async('nodebuffer'), { date: FIXED_DATE, createFolders: false })
  }
  return repacked.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } })
}

function styleRow(sheet: ExcelJS.Worksheet, row: number, columns: number, header = false): void {
  for (let c = 1; c <= columns; c++) {
    const cell = sheet.getRow(row).getCell(c)
    cell.border = BORDER
    cell.alignment = { vertical: 'middle', wrapText: true, ...(header ? { horizontal: 'center' as const } : {}) }
    if (header) cell.font = { name: '黑体', bold: true }
  }
}

const date = (deadline: string) => ({ deadlineKind: 'date' as const, deadline })
const immediate = { deadlineKind: 'immediate' as const, deadline: null }
const longTerm = (deadline: string | null = null) => ({ deadlineKind: 'long_term' as const, deadline })

// ---------------------------------------------------------------------------------------------------------------
// 1. 清河区: a cover page, then the checklist with heading rows; each problem's 序号, 问题 and 整改目标 merged down
//    over its measure rows; 完成\n时限 headers; a 备注 column; notes under the table.

const QINGHE_AREAS = ['生态环境保护责任落实', '大气污染防治', '水污染防治']

const QINGHE: Problem[] = [
  {
    number: '1',
    category: QINGHE_AREAS[0]!,
    problem: '区级生态环境保护督察整改工作机制不健全，部分部门对整改任务认领不及时、推进不主动，存在等靠思想。',
    target: '建立健全督察整改调度、督办、考核机制，压实各部门整改责任。',
    rows: [
      {
        measures: '1.区委、区政府主要领导每月调度一次整改进展；2.区整改办实行周调度、月通报，对进展滞后的单位发督办单。',
        lead: '区生态环境局',
        responsible: '区委督查室、区政府督查室',
        deadline: '立行立改，长期坚持',
        expect: { leadUnit: '区生态环境局', responsibleUnits: ['区委督查室', '区政府督查室'], ...longTerm() },
      },
    ],
  },
  {
    number: '2',
    category: QINGHE_AREAS[0]!,
    problem:
      '“管发展必须管环保、管生产必须管环保、管行业必须管环保”要求落实不到位，行业主管部门对本行业生态环境问题排查不深入，部分问题长期得不到解决。',
    target: '行业部门生态环境保护职责清单全面建立，行业领域突出问题按期整改到位。',
    rows: [
      {
        measures: '制定区级部门生态环境保护责任清单，明确各行业主管部门职责，报区委、区政府审定后印发实施。',
        lead: '区生态环境局',
        responsible: '区委编办\n区司法局',
        deadline: '2026年9月底前',
        note: '责任清单印发后报市整改办备案',
        expect: { leadUnit: '区生态环境局', responsibleUnits: ['区委编办', '区司法局'], ...date('2026-09-30') },
      },
      {
        measures: '各行业主管部门组织开展本行业生态环境问题大排查，建立问题台账，逐项明确整改措施和时限。',
        lead: '区发展改革委（牵头）\n区住房城乡建设委',
        responsible: '区交通局，区水务局，区农业农村局',
        deadline: '2026年第三季度',
        expect: {
          leadUnit: '区发展改革委',
          responsibleUnits: ['区住房城乡建设委', '区交通局', '区水务局', '区农业农村局'],
          ...date('2026-09-30'),
        },
      },
      {
        measures: '将行业部门整改情况纳入年度绩效考核，对履职不力的依规依纪追责问责。',
        lead: '区委组织部',
        responsible: '区纪委监委机关（配合）',
        deadline: '2026年12月底前完成，长期坚持',
        expect: { leadUnit: '区委组织部', responsibleUnits: ['区纪委监委机关'], ...longTerm('2026-12-31') },
      },
    ],
  },
  {
    number: '3',
    category: QINGHE_AREAS[1]!,
    problem: '建筑施工扬尘管控不到位，督察抽查的12处工地中有7处未落实“六个百分之百”要求，渣土运输车辆带泥上路问题突出。',
    target: '施工工地全面落实“六个百分之百”，渣土运输车辆密闭化率达到100%。',
    rows: [
      {
        measures: '对全区在施工地开展拉网式检查，对问题工地责令停工整改，依法从严处罚。',
        lead: '区住房城乡建设委',
        responsible: '区城管执法局、各街道办事处',
        deadline: '立行立改',
        expect: { leadUnit: '区住房城乡建设委', responsibleUnits: ['区城管执法局', '各街道办事处'], ...immediate },
      },
      {
        measures: '在渣土消纳场和主要出入口设置视频监控，对带泥上路、遗撒车辆实施联合执法。',
        lead: '区城管执法局',
        responsible: '公安清河分局交通支队；区交通局',
        deadline: '2026.10.31',
        note: '与“接诉即办”扬尘投诉联动处置',
        expect: { leadUnit: '区城管执法局', responsibleUnits: ['公安清河分局交通支队', '区交通局'], ...date('2026-10-31') },
      },
    ],
  },
  {
    number: '4',
    category: QINGHE_AREAS[1]!,
    problem: '餐饮油烟治理存在盲区，部分临街餐饮单位未安装油烟净化设施或设施长期不运行，群众投诉多。',
    target: '临街餐饮单位油烟净化设施全部安装并正常运行。',
    rows: [
      {
        measures: '建立餐饮单位油烟治理台账，逐户核查油烟净化设施安装和运行情况，对未安装的限期整改。',
        lead: '区城管执法局',
        responsible: '区市场监管局、区商务局',
        deadline: '2026年11月底前',
        expect: { leadUnit: '区城管执法局', responsibleUnits: ['区市场监管局', '区商务局'], ...date('2026-11-30') },
      },
    ],
  },
  {
    number: '5',
    category: QINGHE_AREAS[1]!,
    problem: '燃煤锅炉和散煤治理不彻底，城乡结合部仍有散煤销售点和燃煤取暖户。',
    target: '平原地区基本实现“无煤化”。',
    rows: [
      {
        measures: '取缔全部散煤销售点，加强流动销售执法检查。',
        lead: '区市场监管局',
        responsible: '区城管执法局',
        deadline: '2026年10月底前',
        target: '散煤销售点全部取缔。',
        expect: { leadUnit: '区市场监管局', responsibleUnits: ['区城管执法局'], ...date('2026-10-31') },
      },
      {
        measures: '完成剩余1200户农村“煤改电”“煤改气”改造，落实运行补贴。',
        lead: '区发展改革委',
        responsible: '区城市管理委、区财政局、相关镇政府',
        deadline: '2026年10月底前',
        target: '剩余燃煤取暖户全部完成清洁能源改造。',
        expect: { leadUnit: '区发展改革委', responsibleUnits: ['区城市管理委', '区财政局', '相关镇政府'], ...date('2026-10-31') },
      },
    ],
  },
  {
    number: '6',
    category: QINGHE_AREAS[2]!,
    problem: '黑臭水体治理成效不稳固，3条已完成治理的沟渠汛期出现返黑返臭，沿线仍有雨污混接、污水直排。',
    target: '已治理黑臭水体不返黑不返臭，沿线污水直排口全部动态清零。',
    rows: [
      {
        measures: '开展沿线排口溯源排查，建立排口“一口一档”。',
        lead: '区水务局',
        responsible: '区生态环境局、沿线各镇街',
        deadline: '2026年8月底前',
        expect: { leadUnit: '区水务局', responsibleUnits: ['区生态环境局', '沿线各镇街'], ...date('2026-08-31') },
      },
      {
        measures: '完成雨污混接点改造，新建截污管线4.2公里。',
        lead: '区水务局',
        responsible: '区排水集团',
        deadline: '2027年6月30日前',
        expect: { leadUnit: '区水务局', responsibleUnits: ['区排水集团'], ...date('2027-06-30') },
      },
      {
        measures: '落实河长制，实行水体巡查、监测、保洁常态化管理。',
        lead: '区水务局',
        responsible: '区河长制办公室',
        deadline: '长期坚持',
        expect: { leadUnit: '区水务局', responsibleUnits: ['区河长制办公室'], ...longTerm() },
      },
    ],
  },
  {
    number: '7',
    category: QINGHE_AREAS[2]!,
    problem: '农村生活污水收集处理设施运行不正常，部分设施建成后长期闲置。',
    target: '农村生活污水处理设施正常运行率达到90%以上。',
    rows: [
      {
        measures: '对已建设施逐一体检，制定“一村一策”修复方案，明确运维主体和经费。',
        lead: '区水务局',
        responsible: '区农业农村局、区财政局',
        deadline: '2026年下半年',
        expect: { leadUnit: '区水务局', responsibleUnits: ['区农业农村局', '区财政局'], ...date('2026-12-31') },
      },
    ],
  },
]

async function buildQinghe(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const cover = workbook.addWorksheet('封面')
  cover.getColumn(1).width = 90
  cover.getCell('A3').value = '清河区贯彻落实第二轮中央生态环境保护督察报告整改方案'
  cover.getCell('A3').font = { name: '方正小标宋简体', size: 22 }
  cover.getCell('A6').value = '中共清河区委办公室\n清河区人民政府办公室'
  cover.getCell('A8').value = '2026年6月'

  const sheet = workbook.addWorksheet('整改措施清单')
  const header = ['序号', '督察反馈问题', '整改目标', '整改措施', '牵头\n单位', '责任\n单位', '完成\n时限', '备注']
  sheet.columns = [6, 36, 28, 40, 14, 20, 14, 16].map((width) => ({ width }))
  sheet.getCell('A1').value = '附件1'
  sheet.mergeCells('A2:H2')
  sheet.getCell('A2').value = '清河区贯彻落实第二轮中央生态环境保护督察报告整改措施清单'
  sheet.getCell('A2').font = { name: '方正小标宋简体', size: 18 }
  sheet.getCell('A2').alignment = { horizontal: 'center' }
  header.forEach((h, i) => {
    sheet.getRow(3).getCell(i + 1).value = h
  })
  styleRow(sheet, 3, header.length, true)
  let row = 3
  const numerals = ['一', '二', '三']
  QINGHE_AREAS.forEach((area, a) => {
    row++
    sheet.mergeCells(row, 1, row, header.length)
    sheet.getRow(row).getCell(1).value = `${numerals[a]}、${area}`
    sheet.getRow(row).getCell(1).font = { name: '黑体', bold: true }
    for (const p of QINGHE.filter((q) => q.category === area)) {
      const top = row + 1
      p.rows.forEach((r, i) => {
        row++
        const cells = sheet.getRow(row)
        if (i === 0) {
          cells.getCell(1).value = Number(p.number)
          cells.getCell(2).value = p.problem
          cells.getCell(3).value = p.target
        }
        if (r.target) cells.getCell(3).value = r.target
        cells.getCell(4).value = r.measures
        cells.getCell(5).value = r.lead
        cells.getCell(6).value = r.responsible
        cells.getCell(7).value = r.deadline
        if (r.note) cells.getCell(8).value = r.note
        styleRow(sheet, row, header.length)
      })
      if (row > top) {
        sheet.mergeCells(top, 1, row, 1)
        sheet.mergeCells(top, 2, row, 2)
        if (p.rows.every((r) => !r.target)) sheet.mergeCells(top, 3, row, 3)
      }
    }
  })
  row += 2
  sheet.mergeCells(row, 1, row, header.length)
  sheet.getRow(row).getCell(1).value = '注：1.牵头单位负责统筹推进，责任单位按职责分工落实，每月25日前向区整改办报送进展。'
  row++
  sheet.mergeCells(row, 1, row, header.length)
  sheet.getRow(row).getCell(1).value = '2.完成时限为“长期坚持”的任务，每季度末报送阶段性成效。'
  return fixedBytes(workbook)
}

// ---------------------------------------------------------------------------------------------------------------
// 2. 河西区: no heading rows; the task area in a 任务领域 column merged down over its rows; a two-row header
//    (责任单位 above 牵头部门 | 配合部门); one problem's measures repeat its 序号 on each row; a 备注：line under it.

const HEXI_AREAS = ['大气环境', '水环境', '固体废物与土壤']

const HEXI: Problem[] = [
  {
    number: '1',
    category: HEXI_AREAS[0]!,
    problem: '挥发性有机物治理滞后，汽修、印刷等行业企业废气收集处理设施简易低效。',
    target: '重点行业挥发性有机物排放企业全部完成深度治理。',
    rows: [
      {
        measures: '对汽修、印刷企业开展专项执法检查，对简易低效设施实施升级改造。',
        lead: '区生态环境局',
        responsible: '区交通局、区经济和信息化局',
        deadline: '2026年12月底前',
        expect: { leadUnit: '区生态环境局', responsibleUnits: ['区交通局', '区经济和信息化局'], ...date('2026-12-31') },
      },
      {
        measures: '将治理完成的企业纳入重点排污单位名录，实施在线监控。',
        lead: '区生态环境局',
        responsible: '',
        deadline: '2027年3月底前',
        note: '在线监控数据接入市级平台',
        expect: { leadUnit: '区生态环境局', responsibleUnits: [], ...date('2027-03-31') },
      },
    ],
  },
  {
    number: '2',
    category: HEXI_AREAS[0]!,
    problem: '重型柴油货车监管不严，路检路查和入户抽测覆盖面不足。',
    target: '重型柴油车监督抽测覆盖率达到80%以上。',
    rows: [
      {
        measures: '开展重型柴油车路检路查和入户抽测，对超标车辆依法处罚并督促维修。',
        lead: '区生态环境局',
        responsible: '公安河西分局交通支队、区交通局',
        deadline: '持续推进',
        expect: { leadUnit: '区生态环境局', responsibleUnits: ['公安河西分局交通支队', '区交通局'], ...longTerm() },
      },
    ],
  },
  {
    number: '3',
    category: HEXI_AREAS[1]!,
    problem: '饮用水水源保护区内仍有违法建筑和农家乐，生活污水存在直排风险。',
    target: '水源保护区内违法建筑全部拆除，入河排污口全部清理。',
    rows: [
      {
        measures: '拆除一级保护区内违法建筑12处。',
        lead: '区城管执法局',
        responsible: '区规划自然资源分局；相关镇政府',
        deadline: '2026年9月30日',
        expect: { leadUnit: '区城管执法局', responsibleUnits: ['区规划自然资源分局', '相关镇政府'], ...date('2026-09-30') },
      },
      {
        measures: '关停二级保护区内违规经营的农家乐，完成生活污水收集处理。',
        lead: '区文化和旅游局',
        responsible: '区水务局、区生态环境局',
        deadline: '2026年12月',
        expect: { leadUnit: '区文化和旅游局', responsibleUnits: ['区水务局', '区生态环境局'], ...date('2026-12-31') },
      },
      {
        measures: '设置保护区界标和隔离防护设施，实行视频监控全覆盖。',
        lead: '区水务局',
        responsible: '区生态环境局',
        deadline: '2027年上半年',
        expect: { leadUnit: '区水务局', responsibleUnits: ['区生态环境局'], ...date('2027-06-30') },
      },
    ],
  },
  {
    number: '4',
    category: HEXI_AREAS[2]!,
    problem: '建筑垃圾消纳能力不足，非法倾倒问题时有发生，部分点位堆存量大。',
    target: '建筑垃圾实现全量资源化处置，非法倾倒点位全部清理。',
    rows: [
      {
        measures: '对全区建筑垃圾堆存点位开展排查，建立台账，限期清理。',
        lead: '区城市管理委',
        responsible: '各镇政府、各街道办事处',
        deadline: '立行立改',
        expect: { leadUnit: '区城市管理委', responsibleUnits: ['各镇政府', '各街道办事处'], ...immediate },
      },
      {
        measures: '建成建筑垃圾资源化处置厂1座，年处置能力100万吨。',
        lead: '区城市管理委',
        responsible: '区发展改革委、区规划自然资源分局',
        deadline: '2027年底前',
        expect: { leadUnit: '区城市管理委', responsibleUnits: ['区发展改革委', '区规划自然资源分局'], ...date('2027-12-31') },
      },
    ],
  },
  {
    number: '5',
    category: HEXI_AREAS[2]!,
    problem: '疑似污染地块土壤污染状况调查不及时，个别地块未经调查评估即开发利用。',
    target: '疑似污染地块全部完成调查，未经调查评估的地块不得开发利用。',
    rows: [
      {
        measures: '建立疑似污染地块名录，督促土地使用权人完成土壤污染状况调查。',
        lead: '区生态环境局',
        responsible: '区规划自然资源分局',
        deadline: '2026年11月底前',
        expect: { leadUnit: '区生态环境局', responsibleUnits: ['区规划自然资源分局'], ...date('2026-11-30') },
      },
    ],
  },
]

async function buildHexi(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Sheet1')
  sheet.columns = [6, 10, 34, 26, 38, 14, 20, 14, 14].map((width) => ({ width }))
  sheet.mergeCells('A1:I1')
  sheet.getCell('A1').value = '河西区生态环境保护督察反馈问题整改任务清单'
  sheet.getCell('A1').font = { size: 16, bold: true }
  sheet.getCell('A1').alignment = { horizontal: 'center' }
  const top = ['序号', '任务领域', '存在问题', '整改目标', '具体措施', '责任单位', null, '完成时间', '备注']
  top.forEach((h, i) => {
    if (h) sheet.getRow(2).getCell(i + 1).value = h
  })
  sheet.getRow(3).getCell(6).value = '牵头部门'
  sheet.getRow(3).getCell(7).value = '配合部门'
  sheet.mergeCells('F2:G2')
  for (const c of ['A', 'B', 'C', 'D', 'E', 'H', 'I']) sheet.mergeCells(`${c}2:${c}3`)
  styleRow(sheet, 2, 9, true)
  styleRow(sheet, 3, 9, true)
  let row = 3
  for (const area of HEXI_AREAS) {
    const areaTop = row + 1
    for (const p of HEXI.filter((q) => q.category === area)) {
      for (const r of p.rows) {
        row++
        const cells = sheet.getRow(row)
        // The 序号, problem and target repeated on every measure row (the sheet was filled in row by row).
        cells.getCell(1).value = p.number
        cells.getCell(3).value = p.problem
        cells.getCell(4).value = p.target
        cells.getCell(5).value = r.measures
        cells.getCell(6).value = r.lead
        if (r.responsible) cells.getCell(7).value = r.responsible
        cells.getCell(8).value = r.deadline
        if (r.note) cells.getCell(9).value = r.note
        styleRow(sheet, row, 9)
      }
    }
    sheet.getRow(areaTop).getCell(2).value = area
    if (row > areaTop) sheet.mergeCells(areaTop, 2, row, 2)
  }
  row++
  sheet.mergeCells(row, 1, row, 9)
  sheet.getRow(row).getCell(1).value = '备注：各牵头部门于每月5日前将上月整改进展报区督察整改办，整改完成后按程序申请销号。'
  return fixedBytes(workbook)
}

// ---------------------------------------------------------------------------------------------------------------
// 3. 南山镇 (one task area): no task area anywhere in the sheet; a merge undone in Excel (the 序号, 问题 and 整改目标
//    of a problem's later rows left blank); blank rows between problems; headers with spaces inside (序　号, 整改
//    时限); unit cells with full-width spaces and （配合）; a fill-in note and contact line under the table.

const NANSHAN_AREA = '突出生态环境问题整改'

const NANSHAN: Problem[] = [
  {
    number: '1',
    category: NANSHAN_AREA,
    problem: '辖区内畜禽养殖场粪污处理设施不完善，雨季粪污外溢进入沟渠。',
    target: '规模养殖场粪污处理设施装备配套率达到100%。',
    rows: [
      {
        measures: '督促养殖场完善雨污分流、防渗防漏和粪污贮存设施。',
        lead: '镇农业服务中心',
        responsible: '镇生态环境办　；　各村委会',
        deadline: '2026年9月底前',
        expect: { leadUnit: '镇农业服务中心', responsibleUnits: ['镇生态环境办', '各村委会'], ...date('2026-09-30') },
      },
      {
        measures: '对粪污外溢造成污染的依法查处，并完成受污染沟渠清淤。',
        lead: '镇综合执法队',
        responsible: '镇生态环境办（配合）',
        deadline: '立行立改',
        expect: { leadUnit: '镇综合执法队', responsibleUnits: ['镇生态环境办'], ...immediate },
      },
    ],
  },
  {
    number: '2',
    category: NANSHAN_AREA,
    problem: '镇域内存在露天焚烧秸秆和垃圾现象，禁烧巡查不到位。',
    target: '实现秸秆和垃圾露天焚烧“零火点”。',
    rows: [
      {
        measures: '落实网格化巡查，夏秋两季实行24小时值守。',
        lead: '镇生态环境办',
        responsible: '各村委会',
        deadline: '长期坚持',
        expect: { leadUnit: '镇生态环境办', responsibleUnits: ['各村委会'], ...longTerm() },
      },
    ],
  },
  {
    number: '3',
    category: NANSHAN_AREA,
    problem: '河道两侧垃圾乱堆乱放，部分河段存在违法占用河道问题。',
    target: '河道管理范围内垃圾全部清理，违法占用问题全部整改。',
    rows: [
      {
        measures: '组织开展河道垃圾集中清理，建立日常保洁机制。',
        lead: '镇水务站',
        responsible: '镇环卫所、沿河各村委会',
        deadline: '2026年7月底前',
        expect: { leadUnit: '镇水务站', responsibleUnits: ['镇环卫所', '沿河各村委会'], ...date('2026-07-31') },
      },
      {
        measures: '对违法占用河道的建筑物、构筑物依法拆除。',
        lead: '镇综合执法队',
        responsible: '镇水务站，镇规划建设办',
        deadline: '2026年10月31日前',
        expect: { leadUnit: '镇综合执法队', responsibleUnits: ['镇水务站', '镇规划建设办'], ...date('2026-10-31') },
      },
      {
        measures: '落实村级河长巡河制度，每周巡河不少于一次。',
        lead: '镇水务站',
        responsible: '',
        deadline: '立行立改，长期坚持',
        expect: { leadUnit: '镇水务站', responsibleUnits: [], ...longTerm() },
      },
    ],
  },
]

async function buildNanshan(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('问题清单')
  sheet.columns = [6, 34, 26, 38, 14, 22, 14].map((width) => ({ width }))
  sheet.getCell('A1').value = '附件'
  sheet.mergeCells('A2:G2')
  sheet.getCell('A2').value = '南山镇生态环境问题整改清单'
  sheet.getCell('A2').font = { size: 16, bold: true }
  const header = ['序　号', '问  题', '整改目标', '整改措施', '牵头部门', '配合部门', '整改 时限']
  header.forEach((h, i) => {
    sheet.getRow(4).getCell(i + 1).value = h
  })
  styleRow(sheet, 4, header.length, true)
  let row = 4
  for (const p of NANSHAN) {
    p.rows.forEach((r, i) => {
      row++
      const cells = sheet.getRow(row)
      // A merge undone: only the problem's first row keeps its 序号, 问题 and 整改目标.
      if (i === 0) {
        cells.getCell(1).value = Number(p.number)
        cells.getCell(2).value = p.problem
        cells.getCell(3).value = p.target
      }
      cells.getCell(4).value = r.measures
      cells.getCell(5).value = `　${r.lead} `
      if (r.responsible) cells.getCell(6).value = r.responsible
      cells.getCell(7).value = r.deadline
      styleRow(sheet, row, header.length)
    })
    row++ // a blank row between problems
  }
  row++
  sheet.getRow(row).getCell(1).value = '填报说明：本清单所列问题由镇生态环境办统一调度，完成一项销号一项。'
  row++
  sheet.getRow(row).getCell(1).value = '联系人：王某　联系电话：010-00000000'
  return fixedBytes(workbook)
}

// ---------------------------------------------------------------------------------------------------------------

function fixture(file: string, categories: string[], problems: Problem[], build: () => Promise<Buffer>): DistrictFixture {
  const items = expectedItems(problems)
  return { file, path: fixturePath(file), categories, units: unitsOf(items), items, build }
}

export const DISTRICT_FIXTURES: DistrictFixture[] = [
  fixture('checklist-qinghe.xlsx', QINGHE_AREAS, QINGHE, buildQinghe),
  fixture('checklist-hexi.xlsx', HEXI_AREAS, HEXI, buildHexi),
  fixture('checklist-nanshan.xlsx', [NANSHAN_AREA], NANSHAN, buildNanshan),
]

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const f of DISTRICT_FIXTURES) {
    const bytes = await f.build()
    writeFileSync(f.path, bytes)
    console.log(`wrote ${f.path} (${bytes.length} bytes, ${f.items.length} items)`)
  }
}
