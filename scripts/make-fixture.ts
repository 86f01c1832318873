// npx tsx scripts/make-fixture.ts — writes test/fixtures/checklist.xlsx from the demo content (scripts/demo-data.ts).
//
// The file is laid out the way district checklists are printed: an 附件 line and a title above the header, each task
// area as a heading row merged across the columns (一、…), and one problem spanning several measure rows (the 问题
// and 整改目标 cells merged down). The demo plan is loaded from it (scripts/demo-load.ts), and the tests import it.
// Same input → the same bytes: the workbook's dates and the zip entries' dates are fixed.
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { demoItems, demoPlan, type DemoItem } from './demo-data.ts'

export const FIXTURE_PATH = fileURLToPath(new URL('../test/fixtures/checklist.xlsx', import.meta.url))

const FIXED_DATE = new Date('2018-09-03T00:00:00.000Z')
const HEADER = ['序号', '问题', '整改目标', '整改措施', '牵头单位', '责任单位', '完成时限'] as const
const WIDTHS = [8, 44, 32, 52, 16, 26, 18]

type FixtureItem = Omit<DemoItem, 'deadlineKind' | 'deadline'>

interface ProblemGroup {
  /** Insert after the item with this code. */
  after: string
  category: string
  problem: string
  target: string
  measures: Omit<FixtureItem, 'category' | 'problem' | 'target'>[]
}

// Rows the demo data lacks: two problems printed over several measure rows each (one item per row, the problem
// and target cells merged), and the deadline wordings the demo items do not use (12月底 without 前, a day without
// 前, dotted and dashed dates, a start date with 长期坚持, 持续推进).
const GROUPS: ProblemGroup[] = [
  {
    after: '2-19',
    category: '打好污染防治攻坚战',
    problem:
      '永定河石景山段河道及滩地环境整治不彻底，督察发现河道管理范围内仍有建筑垃圾和生活垃圾堆放，部分滩地存在违规种植、私搭乱建，沿岸绿化带存在缺口。',
    target: '永定河石景山段河道和滩地环境问题全部整改到位，形成河道保洁、滩地管护长效机制。',
    measures: [
      {
        code: '2-20',
        measures: '1.对河道管理范围内垃圾渣土开展集中清理，做到日产日清；2.建立清理台账，逐点销账。',
        leadUnit: '区水务局',
        responsibleUnits: ['区城管执法局', '五里坨街道办事处'],
        deadlinePhrase: '2018年12月底',
      },
      {
        code: '2-21',
        measures: '1.依法清理滩地违规种植，拆除私搭乱建；2.对清理后的滩地实施生态修复。',
        leadUnit: '区城管执法局',
        responsibleUnits: ['区水务局', '五里坨街道办事处'],
        deadlinePhrase: '2019.6.30',
      },
      {
        code: '2-22',
        measures: '1.编制沿岸绿化补植方案；2.完成沿岸绿化带缺口补植并落实养护责任。',
        leadUnit: '区城市管理委',
        responsibleUnits: ['区水务局', '区规划自然资源分局'],
        deadlinePhrase: '2019-06-30',
      },
      {
        code: '2-23',
        measures: '1.落实河长制巡河和滩地管护责任，每周至少巡查一次；2.发现新增垃圾堆放、违规种植问题即时处置并通报。',
        leadUnit: '区水务局',
        responsibleUnits: ['五里坨街道办事处', '区城管执法局'],
        deadlinePhrase: '2018年10月起长期坚持',
      },
    ],
  },
  {
    after: '3-11',
    category: '加强城市治理能力建设',
    problem: '部分公园绿地和道路绿化带养护管理粗放，存在黄土裸露、绿地内垃圾积存和绿化设施损毁等问题。',
    target: '公园绿地和道路绿化带黄土不露天，绿化养护实现精细化、常态化管理。',
    measures: [
      {
        code: '3-12',
        measures: '1.对全区公园绿地和道路绿化带裸露地面逐块排查；2.采取绿化覆盖、透水铺装等方式完成治理。',
        leadUnit: '区城市管理委',
        responsibleUnits: ['鲁谷街道办事处', '苹果园街道办事处'],
        deadlinePhrase: '2019年6月30日',
      },
      {
        code: '3-13',
        measures: '1.制定绿化养护精细化管理标准；2.建立养护质量月检查、季考核制度，考核结果与养护经费挂钩。',
        leadUnit: '区城市管理委',
        responsibleUnits: ['五里坨街道办事处', '鲁谷街道办事处'],
        deadlinePhrase: '持续推进',
      },
    ],
  },
]

const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十']

/** Sheets join responsible units with 、 mostly; a few rows use the other separators people type. */
function joinUnits(units: string[], index: number): string {
  const separator = index % 9 === 4 ? '，' : index % 9 === 7 ? '\n' : index % 13 === 6 ? '；' : '、'
  return units.join(separator)
}

/** The rows of the fixture, in sheet order, grouped by task area; groups of one problem stay together. */
export function fixtureSections(): { category: string; rows: (FixtureItem & { group?: number })[] }[] {
  const sections = demoPlan.categories.map((category) => ({ category, rows: [] as (FixtureItem & { group?: number })[] }))
  for (const item of demoItems) {
    const section = sections.find((s) => s.category === item.category)!
    section.rows.push(item)
    GROUPS.forEach((group, g) => {
      if (group.after !== item.code) return
      const target = sections.find((s) => s.category === group.category)!
      for (const m of group.measures)
        target.rows.push({ ...m, category: group.category, problem: group.problem, target: group.target, group: g })
    })
  }
  return sections
}

const THIN = { style: 'thin' as const }
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN }

export async function buildChecklistFixture(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = '石景山区环保督察整改办公室'
  workbook.created = FIXED_DATE
  workbook.modified = FIXED_DATE
  const sheet = workbook.addWorksheet('整改措施清单')
  sheet.columns = WIDTHS.map((width) => ({ width }))

  sheet.getCell('A1').value = '附件'
  sheet.getCell('A1').font = { name: '黑体', size: 12 }
  sheet.mergeCells('A2:G2')
  sheet.getCell('A2').value = '石景山区贯彻落实北京市环境保护督察反馈意见整改措施清单'
  sheet.getCell('A2').font = { name: '方正小标宋简体', size: 18 }
  sheet.getCell('A2').alignment = { horizontal: 'center', vertical: 'middle' }
  sheet.getRow(2).height = 36
  HEADER.forEach((name, i) => {
    const cell = sheet.getRow(3).getCell(i + 1)
    cell.value = name
    cell.font = { name: '黑体', bold: true }
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
    cell.border = BORDER
  })

  let row = 3
  let index = 0
  for (const [s, section] of fixtureSections().entries()) {
    row++
    sheet.mergeCells(row, 1, row, HEADER.length)
    const heading = sheet.getRow(row).getCell(1)
    heading.value = `${CN[s]}、${section.category}`
    heading.font = { name: '黑体', bold: true }
    heading.border = BORDER
    let groupStart: { group: number; row: number } | null = null
    for (const item of section.rows) {
      row++
      index++
      const inGroupContinuation = item.group !== undefined && groupStart?.group === item.group
      const values = [
        item.code,
        item.problem,
        item.target,
        item.measures,
        item.leadUnit,
        joinUnits(item.responsibleUnits, index),
        item.deadlinePhrase,
      ]
      values.forEach((value, i) => {
        const cell = sheet.getRow(row).getCell(i + 1)
        // The continuation rows of a merged problem leave 问题 and 整改目标 to the merge.
        if (!(inGroupContinuation && (i === 1 || i === 2))) cell.value = value
        cell.alignment = { vertical: 'middle', wrapText: true, ...(i === 0 || i === 6 ? { horizontal: 'center' as const } : {}) }
        cell.border = BORDER
      })
      if (item.group !== undefined && !inGroupContinuation) groupStart = { group: item.group, row }
      const next = section.rows[section.rows.indexOf(item) + 1]
      if (groupStart && item.group === groupStart.group && next?.group !== item.group) {
        sheet.mergeCells(groupStart.row, 2, row, 2)
        sheet.mergeCells(groupStart.row, 3, row, 3)
        groupStart = null
      }
    }
  }
  sheet.views = [{ state: 'frozen', ySplit: 3 }]

  // exceljs stamps each zip entry with the current time; repack with a fixed one so the bytes depend on content only.
  const written = await JSZip.loadAsync(Buffer.from(await workbook.xlsx.writeBuffer()))
  const repacked = new JSZip()
  for (const [name, entry] of Object.entries(written.files)) {
    if (entry.dir) continue
    repacked.file(name, await entry.async('nodebuffer'), { date: FIXED_DATE, createFolders: false })
  }
  return repacked.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bytes = await buildChecklistFixture()
  writeFileSync(FIXTURE_PATH, bytes)
  console.log(`wrote ${FIXTURE_PATH} (${bytes.length} bytes)`)
}
