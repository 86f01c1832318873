// The bulletin as a printable A4 page in Chinese: self-contained (inline CSS and SVG charts, no scripts, no
// external resources), so it prints the same from a browser, from headless Chromium and from a saved file.
import { escapeHtml as esc } from '../../lib/html.ts'
import { localDate } from '../../lib/time.ts'
import { STATUSES, STATUS_LABELS, type ItemStatus } from '../../domain/items.ts'
import { renderBulletinCharts } from './bulletin.charts.ts'
import { REPLY_STATUS_LABELS } from '../supervision/lifecycle.ts'
import { CASE_LEAD_STAGE_LABELS, type Bulletin, type BulletinContent, type BulletinItemRef, type CaseLeadStage } from './bulletin.types.ts'
import { chineseDate, chineseMonth } from '../../lib/chinese-date.ts'

/** Rows of the overdue list printed on paper; the spreadsheet always has all of them. */
export const OVERDUE_ROWS_PRINTED = 100

const BEIJING = 'Asia/Shanghai'
const NONE = '本月无'

// ── formatting ───────────────────────────────────────────────────────────

/** One decimal and a percent sign; '—' when there is nothing to divide by. */
export function formatPercent(rate: number | null | undefined): string {
  return rate === null || rate === undefined || !Number.isFinite(rate) ? '—' : `${rate.toFixed(1)}%`
}

/** 'YYYY-MM-DD' → '2019年2月28日'; anything else is shown as given. */
function longDate(date: string): string {
  return chineseDate(date)
}

/** 'YYYY-MM' → '2019年2月'. */
function longPeriod(period: string): string {
  return chineseMonth(period)
}

function shortDate(date: string | null | undefined): string {
  return date ? date : '—'
}

/** `asOf` is the exclusive end of the month, so the last day it covers is the local date one millisecond earlier. */
export function lastDayCovered(bulletin: Pick<BulletinContent, 'asOf' | 'timezone'>): string {
  return localDate(new Date(Date.parse(bulletin.asOf) - 1), bulletin.timezone)
}

const beijingClock = new Intl.DateTimeFormat('en-US', { timeZone: BEIJING, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' })

/** An instant as Beijing wall-clock time: '2019年3月1日 01:00'. */
export function beijingDateTime(instant: string): string {
  const at = new Date(instant)
  if (Number.isNaN(at.getTime())) return instant
  return `${longDate(localDate(at, BEIJING))} ${beijingClock.format(at)}`
}

function statusLabel(status: ItemStatus): string {
  return STATUS_LABELS[status] ?? status
}

// ── the summary sentence ─────────────────────────────────────────────────

function changeClause(change: number | null | undefined): string {
  if (change === null || change === undefined) return '（本期为首期，无上月数据）'
  const points = Math.abs(change).toFixed(1)
  if (Number(points) === 0) return '，与上月持平'
  return change > 0 ? `，较上月提高${points}个百分点` : `，较上月下降${points}个百分点`
}

/** 总体进展 in one paragraph, the way the supervision office writes it by hand. */
export function summarySentence(b: BulletinContent): string {
  const t = b.totals
  const head = `总体进展：共${t.items}项，已销号${t.closed}项，完成率${formatPercent(t.completionRate)}${changeClause(b.change ? b.change.completionRate : null)}；逾期${t.overdue}项；进展缓慢${t.lagging}项。`
  const tail = [
    `本月销号${b.closedThisMonth.length}项`,
    `下月到期${b.dueNextMonth.length}项`,
    `新启动联合督办${b.supervision.opened.length}件、办结${b.supervision.resolved.length}件`,
    `批准延期${b.extensions.length}项`,
    `反弹${b.rebounds.length}项`,
  ]
  return `${head}${tail.join('，')}。`
}

// ── tables ───────────────────────────────────────────────────────────────

interface Column<Row> {
  title: string
  /** Share of the table width; the problem column takes what is left. */
  width?: string
  cell: (row: Row, index: number) => string | number
  /** num: right-aligned figures; center: short values that never wrap (dates, codes); text: wraps anywhere. */
  kind?: 'num' | 'center' | 'text'
  /** Marks a cell the reader should see first (an overdue count) or can skip (a zero). */
  tone?: (row: Row) => 'warn' | 'zero' | undefined
}

/** A header may name a line break with '\n'; everything else in it is escaped. */
function headerText(title: string): string {
  return title.split('\n').map(esc).join('<br>')
}

/** Zeros fade so that the figures which are not zero stand out; a positive count of trouble is marked. */
function countTone(value: number, trouble = false): 'warn' | 'zero' | undefined {
  if (value === 0) return 'zero'
  return trouble && value > 0 ? 'warn' : undefined
}

function table<Row>(columns: Column<Row>[], rows: readonly Row[], options: { className?: string; totalRow?: (string | number)[] } = {}): string {
  const cols = columns.map((c) => (c.width ? `<col style="width:${esc(c.width)}">` : '<col>')).join('')
  const head = columns.map((c) => `<th scope="col">${headerText(c.title)}</th>`).join('')
  const cellClass = (c: Column<Row>, row: Row) => [c.kind ?? 'text', c.tone?.(row)].filter(Boolean).join(' ')
  const body = rows
    .map((row, index) => `<tr>${columns.map((c) => `<td class="${cellClass(c, row)}">${esc(c.cell(row, index))}</td>`).join('')}</tr>`)
    .join('\n')
  const total = options.totalRow
    ? `\n<tr class="total">${options.totalRow.map((v, i) => `<td class="${columns[i]?.kind ?? 'text'}">${esc(v)}</td>`).join('')}</tr>`
    : ''
  return `<table class="${esc(options.className ?? '')}"><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead><tbody>\n${body}${total}\n</tbody></table>`
}

function listOrNone<Row>(columns: Column<Row>[], rows: readonly Row[]): string {
  return rows.length === 0 ? `<p class="none">${NONE}</p>` : table(columns, rows)
}

const seq = <Row,>(): Column<Row> => ({ title: '序号', width: '6%', kind: 'center', cell: (_r, i) => i + 1 })
const code = <Row extends { code: string }>(): Column<Row> => ({ title: '编号', width: '6%', kind: 'center', cell: (r) => r.code })
const problem = <Row extends BulletinItemRef>(): Column<Row> => ({ title: '督察反馈问题', cell: (r) => r.problem })
const leadUnit = <Row extends { leadUnit: string }>(): Column<Row> => ({ title: '牵头单位', width: '17%', cell: (r) => r.leadUnit })

function section(title: string, body: string): string {
  return `<section>\n<h2>${esc(title)}</h2>\n${body}\n</section>`
}

function subsection(title: string, body: string): string {
  return `<div class="sub"><h3>${esc(title)}</h3>\n${body}</div>`
}

// Inline SVG needs no namespace declarations, and dropping them keeps the page free of any http:// text.
function inlineSvg(svg: string): string {
  return svg.replace(/^<svg\b[^>]*>/, (open) =>
    open.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '').replace(/\s+(version|baseProfile)="[^"]*"/g, ''),
  )
}

// ── the page ─────────────────────────────────────────────────────────────

/** The whole printable page. Every value from the bulletin is escaped; only the chart SVG (whose text echarts escapes) is inserted as markup. */
export function renderBulletinHtml(bulletin: Bulletin): string {
  const b = bulletin
  const charts = renderBulletinCharts(b)
  const periodText = longPeriod(b.period)
  const lastDay = longDate(lastDayCovered(b))
  const title = `${b.planTitle}整改工作月通报（${periodText}）`

  const statusTable = (() => {
    const columns = ['指标', ...STATUSES.map(statusLabel), '合计', '逾期', '进展缓慢', '完成率']
    const row = (label: string, t: BulletinContent['totals']) => [
      label,
      ...STATUSES.map((s) => t.byStatus[s] ?? 0),
      t.items,
      t.overdue,
      t.lagging,
      formatPercent(t.completionRate),
    ]
    const rows: (string | number)[][] = [row('本月末', b.totals)]
    if (b.previous) rows.push(row('上月末', b.previous))
    if (b.previous) {
      const signed = (n: number) => (n > 0 ? `+${n}` : String(n))
      const prev = b.previous
      rows.push([
        '变化',
        ...STATUSES.map((s) => signed((b.totals.byStatus[s] ?? 0) - (prev.byStatus[s] ?? 0))),
        signed(b.totals.items - prev.items),
        signed(b.totals.overdue - prev.overdue),
        signed(b.totals.lagging - prev.lagging),
        b.change?.completionRate === null || b.change?.completionRate === undefined
          ? '—'
          : `${b.change.completionRate > 0 ? '+' : ''}${b.change.completionRate.toFixed(1)}个百分点`,
      ])
    }
    const head = columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('')
    const body = rows
      .map((r) => `<tr>${r.map((v, i) => (i === 0 ? `<th scope="row">${esc(v)}</th>` : `<td class="num">${esc(v)}</td>`)).join('')}</tr>`)
      .join('\n')
    return `<table class="totals"><colgroup><col style="width:10%">${'<col>'.repeat(columns.length - 2)}<col style="width:15%"></colgroup><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`
  })()

  const categoryTotal = b.byCategory.reduce((sum, c) => ({ items: sum.items + c.items, closed: sum.closed + c.closed, overdue: sum.overdue + c.overdue }), {
    items: 0,
    closed: 0,
    overdue: 0,
  })
  const byCategory =
    b.byCategory.length === 0
      ? '<p class="none">无</p>'
      : table(
          [
            { title: '任务领域', cell: (r) => r.category },
            { title: '任务数', width: '13%', kind: 'num', cell: (r) => r.items },
            { title: '已销号', width: '13%', kind: 'num', cell: (r) => r.closed },
            { title: '逾期', width: '13%', kind: 'num', cell: (r) => r.overdue },
            { title: '完成率', width: '13%', kind: 'num', cell: (r) => formatPercent(r.completionRate) },
          ],
          b.byCategory,
          { totalRow: ['合计', categoryTotal.items, categoryTotal.closed, categoryTotal.overdue, formatPercent(b.totals.completionRate)] },
        )

  const byLeadUnit =
    b.byLeadUnit.length === 0
      ? '<p class="none">无</p>'
      : table(
          [
            { title: '排名', width: '6%', kind: 'center', cell: (r) => r.rank },
            { title: '牵头单位', cell: (r) => r.leadUnit },
            { title: '牵头任务', width: '9.5%', kind: 'num', cell: (r) => r.items },
            { title: '已销号', width: '8%', kind: 'num', cell: (r) => r.closed, tone: (r) => countTone(r.closed) },
            { title: '逾期', width: '7%', kind: 'num', cell: (r) => r.overdue, tone: (r) => countTone(r.overdue, true) },
            { title: '进展缓慢', width: '9.5%', kind: 'num', cell: (r) => r.lagging, tone: (r) => countTone(r.lagging, true) },
            { title: '完成率', width: '9%', kind: 'num', cell: (r) => formatPercent(r.completionRate) },
            { title: '按期\n销号率', width: '9%', kind: 'num', cell: (r) => formatPercent(r.onTimeRate) },
            {
              title: '本月报送\n已报/应报',
              width: '11.5%',
              kind: 'num',
              // A unit with nothing left to rectify owes no report: '—', not a misleading 0/0.
              cell: (r) => (r.reportsExpected === 0 ? '—' : `${r.reportsFiled}/${r.reportsExpected}`),
              tone: (r) => (r.reportsFiled < r.reportsExpected ? 'warn' : undefined),
            },
          ],
          [...b.byLeadUnit].sort((x, y) => x.rank - y.rank),
          { className: 'ranking' },
        )

  const overduePrinted = b.overdue.slice(0, OVERDUE_ROWS_PRINTED)
  const overdueRest = b.overdue.length - overduePrinted.length
  const overdue =
    b.overdue.length === 0
      ? `<p class="none">${NONE}</p>`
      : table(
          [
            seq(),
            code(),
            problem(),
            leadUnit(),
            { title: '完成时限', width: '12%', kind: 'center', cell: (r) => r.deadline },
            { title: '逾期天数', width: '9.5%', kind: 'num', cell: (r) => r.daysOverdue },
            { title: '状态', width: '8%', kind: 'center', cell: (r) => statusLabel(r.status) },
          ],
          overduePrinted,
        ) + (overdueRest > 0 ? `\n<p class="more">另有${esc(overdueRest)}项，详见电子表格。</p>` : '')

  const closedThisMonth = listOrNone(
    [seq(), code(), problem(), leadUnit(), { title: '销号日期', width: '12%', kind: 'center', cell: (r) => r.closedOn }],
    b.closedThisMonth,
  )

  const dueNextMonth = listOrNone(
    [
      seq(),
      code(),
      problem(),
      leadUnit(),
      { title: '完成时限', width: '12%', kind: 'center', cell: (r) => r.deadline },
      { title: '当前状态', width: '9.5%', kind: 'center', cell: (r) => statusLabel(r.status) },
    ],
    b.dueNextMonth,
  )

  const lagging = listOrNone([seq(), code(), problem(), leadUnit()], b.lagging)
  const unitsWithoutReport = listOrNone(
    [
      seq(),
      { title: '单位', cell: (r) => r.name },
      { title: '牵头在办任务', width: '16%', kind: 'num', cell: (r) => r.openItems },
    ],
    b.unitsWithoutReport,
  )

  const supervisionOpened = listOrNone(
    [
      seq(),
      { title: '督办单编号', width: '19%', cell: (r) => r.number },
      code(),
      leadUnit(),
      { title: '督办原因', cell: (r) => r.reason },
      { title: '启动日期', width: '11%', kind: 'center', cell: (r) => r.openedOn },
    ],
    b.supervision.opened,
  )
  const supervisionResolved = listOrNone(
    [
      seq(),
      { title: '督办单编号', width: '19%', cell: (r) => r.number },
      code(),
      { title: '牵头单位', cell: (r) => r.leadUnit },
      { title: '办结日期', width: '11%', kind: 'center', cell: (r) => r.resolvedOn },
    ],
    b.supervision.resolved,
  )
  const supervisionOpen = listOrNone(
    [
      seq(),
      { title: '督办单编号', width: '19%', cell: (r) => r.number },
      code(),
      { title: '牵头单位', cell: (r) => r.leadUnit },
      { title: '回复期限', width: '11%', kind: 'center', cell: (r) => r.replyDueOn },
      { title: '回复情况', width: '20%', cell: (r) => REPLY_STATUS_LABELS[r.replyStatus] ?? r.replyStatus },
    ],
    b.supervision.open,
  )

  const extensions = listOrNone(
    [
      seq(),
      code(),
      problem(),
      leadUnit(),
      { title: '原完成\n时限', width: '11%', kind: 'center', cell: (r) => shortDate(r.oldDeadline) },
      { title: '延期至', width: '11%', kind: 'center', cell: (r) => shortDate(r.newDeadline) },
      { title: '批准日期', width: '11%', kind: 'center', cell: (r) => r.approvedOn },
    ],
    b.extensions,
  )

  const rebounds = listOrNone(
    [
      seq(),
      code(),
      { title: '督察反馈问题', width: '30%', cell: (r) => r.problem },
      leadUnit(),
      { title: '反弹情况', cell: (r) => r.reason ?? '—' },
      { title: '重新整改\n日期', width: '11%', kind: 'center', cell: (r) => r.reopenedOn },
    ],
    b.rebounds,
  )

  const publication = b.publishedAt ? `已于${beijingDateTime(b.publishedAt)}（北京时间）公开发布` : '尚未公开发布'

  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main class="page">
<header class="masthead">
<p class="plan">${esc(b.planTitle)}</p>
<h1>整改工作月通报</h1>
<p class="period">${esc(periodText)} · 统计截至${esc(lastDay)}</p>
<div class="rule"></div>
<div class="issuer"><span>方案印发：${esc(b.planIssuedBy)}</span><span>生成时间：${esc(beijingDateTime(b.generatedAt))}（北京时间）</span></div>
</header>

${section(
  '一、总体情况',
  `<p class="summary">${esc(summarySentence(b))}</p>
${statusTable}
<div class="charts">
<figure>${inlineSvg(charts.status)}</figure>
<figure>${inlineSvg(charts.trend)}</figure>
</div>`,
)}

${section('二、按任务领域', byCategory)}

${section(
  '三、按牵头单位（排名）',
  b.byLeadUnit.length === 0
    ? byLeadUnit
    : `<figure class="wide">${inlineSvg(charts.byLeadUnit)}</figure>\n${byLeadUnit}\n<p class="note">排名依次按完成率（高→低）、逾期数（少→多）、按期销号率（高→低）确定。按期销号率：本月末前已销号且有明确完成时限的任务中，在时限内申请销号的比例。</p>`,
)}

${section(`四、逾期清单（${b.overdue.length}项，按逾期天数排列）`, overdue)}

${section(`五、本月销号（${b.closedThisMonth.length}项）`, closedThisMonth)}

${section(`六、下月到期（${b.dueNextMonth.length}项）`, dueNextMonth)}

${section(
  '七、进展缓慢事项和未报送进展的单位',
  subsection(`（一）进展缓慢事项（${b.lagging.length}项）`, lagging) +
    '\n' +
    subsection(`（二）未报送进展的单位（${b.unitsWithoutReport.length}个）`, unitsWithoutReport),
)}

${section(
  '八、联合督办',
  subsection(`（一）本月启动（${b.supervision.opened.length}件）`, supervisionOpened) +
    '\n' +
    subsection(`（二）本月办结（${b.supervision.resolved.length}件）`, supervisionResolved) +
    '\n' +
    subsection(`（三）月末在办（${b.supervision.open.length}件）`, supervisionOpen),
)}

${section(`九、延期（本月批准${b.extensions.length}项）`, extensions)}

${section(`十、反弹（本月${b.rebounds.length}项）`, rebounds)}

${section('十一、问题线索办理', caseLeadTable(b))}

<footer class="colophon">
<p>本通报按${esc(periodText)}末（${esc(lastDay)}24时）的整改台账自动生成，签发后内容不再变更；${esc(publication)}。</p>
<p class="hash">内容校验码（SHA-256）：<span>${esc(b.contentHash)}</span></p>
</footer>
</main>
</body>
</html>
`
}

// Print first: A4 with the margins of an official document; on screen the same page is shown on a grey desk.
const STYLES = `
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0;
  color: #1f2329;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
  font-size: 10.5pt;
  line-height: 1.5;
}
.page { width: 100%; max-width: 186mm; margin: 0 auto; }
@media screen {
  body { background: #e9ebee; padding: 10mm 0; }
  .page { max-width: 210mm; padding: 15mm 12mm; background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.18); }
}

.masthead { text-align: center; margin-bottom: 4mm; }
.masthead .plan { margin: 0; font-size: 12pt; letter-spacing: .02em; }
.masthead h1 {
  margin: 1.5mm 0 1mm;
  color: #b3261e;
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", serif;
  font-size: 24pt;
  font-weight: 700;
  letter-spacing: .2em;
  line-height: 1.25;
}
.masthead .period { margin: 0; font-size: 10.5pt; }
.masthead .rule { margin: 2.5mm 0 1.5mm; border-top: 2pt solid #b3261e; border-bottom: .6pt solid #b3261e; height: 2.2pt; }
.issuer { display: flex; justify-content: space-between; gap: 6mm; font-size: 9pt; color: #4a4f57; text-align: left; }

section { margin-top: 4.5mm; }
h2 {
  margin: 0 0 1.5mm;
  font-size: 12pt;
  font-weight: 700;
  break-after: avoid;
  page-break-after: avoid;
}
h3 { margin: 2mm 0 1mm; font-size: 10.5pt; font-weight: 700; break-after: avoid; page-break-after: avoid; }
.sub + .sub { margin-top: 2.5mm; }
.summary { margin: 0 0 2mm; text-indent: 2em; text-align: justify; }
.none, .more, .note { margin: .5mm 0 0; font-size: 9.5pt; }
.none { color: #4a4f57; padding-left: 2em; }
.more { text-align: right; font-weight: 700; }
.note { color: #5c6370; font-size: 8.5pt; }

table {
  width: 100%;
  border-collapse: collapse;
  table-layout: fixed;
  font-size: 10pt;
  line-height: 1.4;
}
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: .75pt solid #8a919c; padding: .9mm 1.4mm; vertical-align: top; }
th { background: #e4e8ee; font-size: 9.5pt; font-weight: 700; text-align: center; vertical-align: middle; line-height: 1.3; }
tbody th { background: #f1f3f6; }
td.text { overflow-wrap: anywhere; word-break: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.center { text-align: center; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #f8f9fb; }
tr.total td { font-weight: 700; background: #eef1f5; }
td.zero { color: #a0a6af; }
td.warn { color: #b3261e; font-weight: 700; }
table.totals td.num { padding-right: 2mm; }
table.ranking tbody tr:nth-child(-n+3) td:first-child { font-weight: 700; color: #b3261e; }

.charts { display: flex; gap: 4mm; margin-top: 3mm; }
figure { margin: 0; flex: 1 1 0; min-width: 0; break-inside: avoid; page-break-inside: avoid; }
figure.wide { margin: 1mm 0 2.5mm; }
figure svg { display: block; width: 100%; height: auto; }

.colophon { margin-top: 6mm; padding-top: 1.5mm; border-top: .5pt solid #9aa1ab; font-size: 8.5pt; color: #5c6370; }
.colophon p { margin: 0; }
.colophon .hash span { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; overflow-wrap: anywhere; }
`

/** Case leads by stage: a one-row table, so the reader sees at a glance how many are still open. */
function caseLeadTable(b: Bulletin): string {
  const stages = Object.keys(CASE_LEAD_STAGE_LABELS) as CaseLeadStage[]
  const counts = b.caseLeads ?? { received: 0, under_investigation: 0, handled: 0, disclosed: 0 }
  const total = stages.reduce((sum, s) => sum + counts[s], 0)
  return `<table class="totals"><thead><tr>${stages.map((s) => `<th>${esc(CASE_LEAD_STAGE_LABELS[s])}</th>`).join('')}<th>合计</th></tr></thead>
<tbody><tr>${stages.map((s) => `<td class="num">${esc(counts[s])}</td>`).join('')}<td class="num">${esc(total)}</td></tr></tbody></table>`
}
