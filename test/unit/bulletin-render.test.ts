import { escapeHtml } from '@kitajs/html'
import { describe, expect, it } from 'vitest'
import { renderBulletinHtml } from '../../server/modules/bulletins/bulletin.html.ts'
import { renderBulletinCharts } from '../../server/modules/bulletins/bulletin.charts.ts'
import type { Bulletin } from '../../server/modules/bulletins/bulletin.types.ts'
import { sampleBulletin } from '../fixtures/bulletin-sample.ts'

const SECTION_TITLES = [
  '总体情况',
  '按任务领域',
  '按牵头单位（排名）',
  '逾期清单',
  '本月销号',
  '下月到期',
  '进展缓慢事项',
  '未报送进展的单位',
  '联合督办',
  '延期',
  '反弹',
]

function copy(changes: Partial<Bulletin> = {}): Bulletin {
  return { ...structuredClone(sampleBulletin), ...changes }
}

/** The HTML of one numbered section: from its heading to the next one. */
function sectionOf(html: string, title: string): string {
  const start = html.indexOf(`<h2>${title}`)
  expect(start, `section ${title}`).toBeGreaterThan(-1)
  const end = html.indexOf('<h2>', start + 1)
  return html.slice(start, end === -1 ? undefined : end)
}

const manyOverdue = (n: number): Bulletin['overdue'] =>
  Array.from({ length: n }, (_, i) => ({
    itemId: 1000 + i,
    code: `9-${i + 1}`,
    problem: `逾期问题第${i + 1}项`,
    leadUnit: '区生态环境局',
    deadline: '2018-12-31',
    daysOverdue: 400 - i,
    status: 'in_progress' as const,
  }))

describe('the printable bulletin', () => {
  const html = renderBulletinHtml(sampleBulletin)

  it('has the heading, the period and the last day covered in the plan zone', () => {
    expect(html).toContain(sampleBulletin.planTitle)
    expect(html).toContain('整改工作月通报')
    expect(html).toContain(sampleBulletin.planIssuedBy)
    expect(html).toContain('2019年2月')
    expect(html).toContain('统计截至2019年2月28日')
    expect(html).toContain('生成时间：2019年3月1日 01:00（北京时间）')
    expect(html).toContain(sampleBulletin.contentHash)
  })

  it('names the last day in the plan zone, not in UTC', () => {
    // Midnight of 1 March in New York is 05:00 UTC: the bulletin still covers February.
    const inNewYork = renderBulletinHtml(copy({ timezone: 'America/New_York', asOf: '2019-03-01T05:00:00.000Z' }))
    expect(inNewYork).toContain('统计截至2019年2月28日')
  })

  it('says how the month went in one sentence', () => {
    expect(html).toContain('总体进展：共45项，已销号17项，完成率37.8%，较上月提高6.7个百分点；逾期8项；进展缓慢4项。')
    const worse = renderBulletinHtml(copy({ change: { items: 0, closed: -1, overdue: 2, completionRate: -2.2 } }))
    expect(worse).toContain('较上月下降2.2个百分点')
    const first = renderBulletinHtml(copy({ previous: null, change: null }))
    expect(first).toContain('本期为首期')
  })

  it('has every section, every lead unit and every overdue item', () => {
    for (const title of SECTION_TITLES) expect(html).toContain(title)
    for (const unit of sampleBulletin.byLeadUnit) expect(html).toContain(unit.leadUnit)
    const overdue = sectionOf(html, '四、逾期清单')
    for (const item of sampleBulletin.overdue) expect(overdue).toContain(`>${item.code}</td>`)
    expect(overdue.match(/<tr>/g)).toHaveLength(sampleBulletin.overdue.length + 1)
  })

  it('lists the overdue items longest first', () => {
    const overdue = sectionOf(html, '四、逾期清单')
    const positions = sampleBulletin.overdue.map((o) => overdue.indexOf(`>${o.code}</td>`))
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
  })

  it('writes 本月无 for an empty list instead of leaving the section out', () => {
    const quiet = renderBulletinHtml(
      copy({
        closedThisMonth: [],
        dueNextMonth: [],
        overdue: [],
        lagging: [],
        unitsWithoutReport: [],
        supervision: { opened: [], resolved: [], open: [] },
        extensions: [],
        rebounds: [],
      }),
    )
    for (const title of SECTION_TITLES) expect(quiet).toContain(title)
    // 逾期, 本月销号, 下月到期, 进展缓慢, 未报送, 督办 ×3, 延期, 反弹
    expect(quiet.match(/本月无/g)).toHaveLength(10)
    expect(sectionOf(quiet, '十、反弹')).toContain('本月无')
  })

  it('prints the first 100 overdue items and points to the spreadsheet for the rest', () => {
    const long = renderBulletinHtml(copy({ overdue: manyOverdue(130) }))
    const overdue = sectionOf(long, '四、逾期清单')
    expect(overdue.match(/<tr>/g)).toHaveLength(101)
    expect(overdue).toContain('>9-100</td>')
    expect(overdue).not.toContain('>9-101</td>')
    expect(overdue).toContain('另有30项，详见电子表格')
  })

  it('escapes text from the bulletin', () => {
    const hostile = copy()
    hostile.overdue[0]!.problem = '<script>alert("x")</script>'
    hostile.byLeadUnit[0]!.leadUnit = '<img src=x onerror=alert(1)>'
    hostile.planTitle = 'A & B <b>'
    const out = renderBulletinHtml(hostile)
    expect(out).not.toContain('<script')
    expect(out).not.toContain('<img')
    expect(out).not.toContain('<b>')
    expect(out).toContain(escapeHtml('<script>alert("x")</script>'))
    expect(out).toContain(escapeHtml('A & B <b>'))
  })

  it('is self-contained: no external resource, no script', () => {
    expect(html).not.toMatch(/https?:\/\//i)
    expect(html).not.toMatch(/<(script|link|iframe|img)\b/i)
    // url(#…) is a chart's clip path inside the page itself.
    expect(html).not.toMatch(/@import|url\(\s*['"]?(?!#)/i)
  })

  it('is laid out for A4 print', () => {
    expect(html).toContain('@page { size: A4; margin: 15mm 12mm; }')
    expect(html).toContain('thead { display: table-header-group; }')
    expect(html).toMatch(/tr \{ break-inside: avoid;/)
    expect(html.match(/<svg\b/g)).toHaveLength(3)
  })
})

describe('the charts', () => {
  const charts = renderBulletinCharts(sampleBulletin)

  it('are three SVG documents', () => {
    for (const svg of [charts.status, charts.byLeadUnit, charts.trend]) {
      expect(svg.trimStart()).toMatch(/^<svg\b/)
      expect(svg.trimEnd()).toMatch(/<\/svg>$/)
    }
  })

  it('label statuses, units and months in Chinese', () => {
    expect(charts.status).toContain('已销号')
    expect(charts.status).toContain('整改中')
    for (const unit of sampleBulletin.byLeadUnit) expect(charts.byLeadUnit).toContain(unit.leadUnit)
    expect(charts.trend).toContain('37.8%')
    expect(charts.trend).toContain('2018年')
  })

  it('draw an empty plan as an empty ring, not as equal slices', () => {
    const empty = copy({
      totals: {
        items: 0,
        byStatus: { assigned: 0, in_progress: 0, closure_requested: 0, in_public_notice: 0, closed: 0 },
        closed: 0,
        overdue: 0,
        lagging: 0,
        completionRate: null,
      },
      byLeadUnit: [],
      trend: [{ period: '2019-02', items: 0, closed: 0, completionRate: null }],
    })
    expect(renderBulletinCharts(empty).status).not.toContain('已交办')
    const html = renderBulletinHtml(empty)
    expect(html.match(/<svg\b/g)).toHaveLength(2)
    expect(html).toContain('完成率—')
  })

  it('are images to assistive technology, named in Chinese by what they show', () => {
    const label = (svg: string) => /^<svg role="img" aria-label="([^"]*)"/.exec(svg)?.[1]
    expect(label(charts.status)).toBe('任务状态分布图：共45项任务，已交办2项，整改中21项，申请销号3项，公示中2项，已销号17项')
    expect(label(charts.byLeadUnit)).toMatch(/^各牵头单位任务销号情况图：鲁谷街道办事处牵头1项、已销号1项；/)
    expect(label(charts.byLeadUnit)).toContain('北京市规划和自然资源委员会石景山分局牵头2项、已销号0项')
    expect(label(charts.trend)).toBe(
      '整改完成率趋势图：2018年9月0.0%，2018年10月6.7%，2018年11月11.1%，2018年12月20.0%，2019年1月31.1%，2019年2月37.8%',
    )
    // The page keeps them when it drops the SVG's namespace declarations.
    expect(renderBulletinHtml(sampleBulletin).match(/<svg role="img" aria-label="[^"]+"/g)).toHaveLength(3)
  })

  it('escape a unit name', () => {
    const hostile = copy()
    hostile.byLeadUnit[0]!.leadUnit = '<script>x</script>'
    expect(renderBulletinCharts(hostile).byLeadUnit).not.toContain('<script>')
    hostile.byLeadUnit[0]!.leadUnit = '区"水务"局'
    expect(renderBulletinCharts(hostile).byLeadUnit).toContain('aria-label="各牵头单位任务销号情况图：区&#34;水务&#34;局')
    // A standalone chart stays well-formed XML: no bare < or & in its label.
    hostile.byLeadUnit[0]!.leadUnit = '区<水务>&园林局'
    expect(renderBulletinCharts(hostile).byLeadUnit).toContain('aria-label="各牵头单位任务销号情况图：区&lt;水务>&amp;园林局')
  })
})
