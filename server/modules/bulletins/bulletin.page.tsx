// The bulletin as a printable A4 page in Chinese: self-contained (the style embedded from bulletin.css, SVG charts,
// no scripts, no external resources), so it prints the same from a browser, from headless Chromium and from a saved
// file. Rendered by the service's one renderer (@kitajs/html): every value goes in with `safe`, checked by xss-scan;
// only the charts' SVG (whose text echarts escapes) is inserted as markup.
import { Html, type PropsWithChildren } from '@kitajs/html'
import { readFileSync } from 'node:fs'
import { STATUSES } from '../../domain/items.ts'
import { REPLY_STATUS_LABELS } from '../supervision/lifecycle.ts'
import { renderBulletinCharts } from './bulletin.charts.ts'
import {
  beijingDateTime,
  formatPercent,
  lastDayCovered,
  longDate,
  longPeriod,
  NONE,
  OVERDUE_ROWS_PRINTED,
  shortDate,
  statusLabel,
  summarySentence,
} from './bulletin.format.ts'
import { CASE_LEAD_STAGE_LABELS, type Bulletin, type BulletinContent, type BulletinItemRef, type CaseLeadStage } from './bulletin.types.ts'

// `safe…`: a file of ours; style content is raw text in HTML and must not be entity-escaped.
const safeStyles = readFileSync(new URL('./bulletin.css', import.meta.url), 'utf8')

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

/** A header may name a line break with '\n'. */
function HeaderText({ title }: { title: string }) {
  return (
    <>
      {title.split('\n').map((line, i) => (
        <>
          {i > 0 ? <br /> : ''}
          {Html.escapeHtml(line)}
        </>
      ))}
    </>
  )
}

/** Zeros fade so that the figures which are not zero stand out; a positive count of trouble is marked. */
function countTone(value: number, trouble = false): 'warn' | 'zero' | undefined {
  if (value === 0) return 'zero'
  return trouble && value > 0 ? 'warn' : undefined
}

function Table<Row>({
  columns,
  rows,
  className,
  totalRow,
}: {
  columns: Column<Row>[]
  rows: readonly Row[]
  className?: string
  totalRow?: (string | number)[]
}) {
  const cellClass = (c: Column<Row>, row: Row) => [c.kind ?? 'text', c.tone?.(row)].filter(Boolean).join(' ')
  return (
    <table class={className ?? ''}>
      <colgroup>{columns.map((c) => (c.width ? <col style={`width:${c.width}`} /> : <col />))}</colgroup>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col">
              <HeaderText title={c.title} />
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr>
            {columns.map((c) => (
              <td class={cellClass(c, row)} safe>
                {String(c.cell(row, index))}
              </td>
            ))}
          </tr>
        ))}
        {totalRow ? (
          <tr class="total">
            {totalRow.map((v, i) => (
              <td class={columns[i]?.kind ?? 'text'} safe>
                {String(v)}
              </td>
            ))}
          </tr>
        ) : (
          ''
        )}
      </tbody>
    </table>
  )
}

function ListOrNone<Row>({ columns, rows }: { columns: Column<Row>[]; rows: readonly Row[] }) {
  return rows.length === 0 ? <p class="none">{NONE}</p> : <Table columns={columns} rows={rows} />
}

const seq = <Row,>(): Column<Row> => ({ title: '序号', width: '6%', kind: 'center', cell: (_r, i) => i + 1 })
const code = <Row extends { code: string }>(): Column<Row> => ({ title: '编号', width: '6%', kind: 'center', cell: (r) => r.code })
const problem = <Row extends BulletinItemRef>(): Column<Row> => ({ title: '督察反馈问题', cell: (r) => r.problem })
const leadUnit = <Row extends { leadUnit: string }>(): Column<Row> => ({ title: '牵头单位', width: '17%', cell: (r) => r.leadUnit })
const supervisionNumber = <Row extends { number: string }>(): Column<Row> => ({ title: '督办单编号', width: '19%', cell: (r) => r.number })

function Section({ title, children }: PropsWithChildren<{ title: string }>) {
  return (
    <section>
      <h2 safe>{title}</h2>
      {children}
    </section>
  )
}

function Subsection({ title, children }: PropsWithChildren<{ title: string }>) {
  return (
    <div class="sub">
      <h3 safe>{title}</h3>
      {children}
    </div>
  )
}

/** Inline SVG needs no namespace declarations, and dropping them keeps the page free of any http:// text. */
/** A chart's standalone SVG made fit to sit inside a page (no namespace or version attributes). */
export function inlineSvg(svg: string): string {
  return svg.replace(/^<svg\b[^>]*>/, (open) =>
    open.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '').replace(/\s+(version|baseProfile)="[^"]*"/g, ''),
  )
}

function StatusTable({ b }: { b: Bulletin }) {
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
  if (b.previous) {
    const prev = b.previous
    const signed = (n: number) => (n > 0 ? `+${n}` : String(n))
    rows.push(row('上月末', prev))
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
  return (
    <table class="totals">
      <colgroup>
        <col style="width:10%" />
        {columns.slice(2).map(() => (
          <col />
        ))}
        <col style="width:15%" />
      </colgroup>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" safe>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            {r.map((v, i) =>
              i === 0 ? (
                <th scope="row" safe>
                  {String(v)}
                </th>
              ) : (
                <td class="num" safe>
                  {String(v)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Case leads by stage: a one-row table, so the reader sees at a glance how many are still open. */
function CaseLeadTable({ b }: { b: Bulletin }) {
  const stages = Object.keys(CASE_LEAD_STAGE_LABELS) as CaseLeadStage[]
  const counts = b.caseLeads ?? { received: 0, under_investigation: 0, handled: 0, disclosed: 0 }
  const total = stages.reduce((sum, s) => sum + counts[s], 0)
  return (
    <table class="totals">
      <thead>
        <tr>
          {stages.map((s) => (
            <th safe>{CASE_LEAD_STAGE_LABELS[s]}</th>
          ))}
          <th>合计</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          {stages.map((s) => (
            <td class="num">{counts[s]}</td>
          ))}
          <td class="num">{total}</td>
        </tr>
      </tbody>
    </table>
  )
}

/** The whole printable page. */
export function renderBulletinHtml(bulletin: Bulletin): string {
  const b = bulletin
  const charts = renderBulletinCharts(b)
  // `safe…`: SVG written by echarts, which escapes the text in it (test/unit/bulletin-render.test.ts checks).
  const safeCharts = { status: inlineSvg(charts.status), trend: inlineSvg(charts.trend), byLeadUnit: inlineSvg(charts.byLeadUnit) }
  const periodText = longPeriod(b.period)
  const lastDay = longDate(lastDayCovered(b))
  const title = `${b.planTitle}整改工作月通报（${periodText}）`
  const categoryTotal = b.byCategory.reduce(
    (sum, c) => ({ items: sum.items + c.items, closed: sum.closed + c.closed, overdue: sum.overdue + c.overdue }),
    {
      items: 0,
      closed: 0,
      overdue: 0,
    },
  )
  const overduePrinted = b.overdue.slice(0, OVERDUE_ROWS_PRINTED)
  const overdueRest = b.overdue.length - overduePrinted.length
  const publication = b.publishedAt ? `已于${beijingDateTime(b.publishedAt)}（北京时间）公开发布` : '尚未公开发布'

  const page = (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title safe>{title}</title>
        <style>{safeStyles}</style>
      </head>
      <body>
        <main class="page">
          <header class="masthead">
            <p class="plan" safe>
              {b.planTitle}
            </p>
            <h1>整改工作月通报</h1>
            <p class="period" safe>{`${periodText} · 统计截至${lastDay}`}</p>
            <div class="rule"></div>
            <div class="issuer">
              <span safe>{`方案印发：${b.planIssuedBy}`}</span>
              <span safe>{`生成时间：${beijingDateTime(b.generatedAt)}（北京时间）`}</span>
            </div>
          </header>

          <Section title="一、总体情况">
            <p class="summary" safe>
              {summarySentence(b)}
            </p>
            <StatusTable b={b} />
            <div class="charts">
              <figure>{safeCharts.status}</figure>
              <figure>{safeCharts.trend}</figure>
            </div>
          </Section>

          <Section title="二、按任务领域">
            {b.byCategory.length === 0 ? (
              <p class="none">无</p>
            ) : (
              <Table
                columns={[
                  { title: '任务领域', cell: (r) => r.category },
                  { title: '任务数', width: '13%', kind: 'num', cell: (r) => r.items },
                  { title: '已销号', width: '13%', kind: 'num', cell: (r) => r.closed },
                  { title: '逾期', width: '13%', kind: 'num', cell: (r) => r.overdue },
                  { title: '完成率', width: '13%', kind: 'num', cell: (r) => formatPercent(r.completionRate) },
                ]}
                rows={b.byCategory}
                totalRow={[
                  '合计',
                  categoryTotal.items,
                  categoryTotal.closed,
                  categoryTotal.overdue,
                  formatPercent(b.totals.completionRate),
                ]}
              />
            )}
          </Section>

          <Section title="三、按牵头单位（排名）">
            {b.byLeadUnit.length === 0 ? (
              <p class="none">无</p>
            ) : (
              <>
                <figure class="wide">{safeCharts.byLeadUnit}</figure>
                <Table
                  className="ranking"
                  columns={[
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
                  ]}
                  rows={[...b.byLeadUnit].sort((x, y) => x.rank - y.rank)}
                />
                <p class="note">
                  排名依次按完成率（高→低）、逾期数（少→多）、按期销号率（高→低）确定。按期销号率：本月末前已销号且有明确完成时限的任务中，在时限内申请销号的比例。
                </p>
              </>
            )}
          </Section>

          <Section title={`四、逾期清单（${b.overdue.length}项，按逾期天数排列）`}>
            {b.overdue.length === 0 ? (
              <p class="none">{NONE}</p>
            ) : (
              <>
                <Table
                  columns={[
                    seq(),
                    code(),
                    problem(),
                    leadUnit(),
                    { title: '完成时限', width: '12%', kind: 'center', cell: (r) => r.deadline },
                    { title: '逾期天数', width: '9.5%', kind: 'num', cell: (r) => r.daysOverdue },
                    { title: '状态', width: '8%', kind: 'center', cell: (r) => statusLabel(r.status) },
                  ]}
                  rows={overduePrinted}
                />
                {overdueRest > 0 ? <p class="more" safe>{`另有${overdueRest}项，详见电子表格。`}</p> : ''}
              </>
            )}
          </Section>

          <Section title={`五、本月销号（${b.closedThisMonth.length}项）`}>
            <ListOrNone
              columns={[seq(), code(), problem(), leadUnit(), { title: '销号日期', width: '12%', kind: 'center', cell: (r) => r.closedOn }]}
              rows={b.closedThisMonth}
            />
          </Section>

          <Section title={`六、下月到期（${b.dueNextMonth.length}项）`}>
            <ListOrNone
              columns={[
                seq(),
                code(),
                problem(),
                leadUnit(),
                { title: '完成时限', width: '12%', kind: 'center', cell: (r) => r.deadline },
                { title: '当前状态', width: '9.5%', kind: 'center', cell: (r) => statusLabel(r.status) },
              ]}
              rows={b.dueNextMonth}
            />
          </Section>

          <Section title="七、进展缓慢事项和未报送进展的单位">
            <Subsection title={`（一）进展缓慢事项（${b.lagging.length}项）`}>
              <ListOrNone columns={[seq(), code(), problem(), leadUnit()]} rows={b.lagging} />
            </Subsection>
            <Subsection title={`（二）未报送进展的单位（${b.unitsWithoutReport.length}个）`}>
              <ListOrNone
                columns={[
                  seq(),
                  { title: '单位', cell: (r) => r.name },
                  { title: '牵头在办任务', width: '16%', kind: 'num', cell: (r) => r.openItems },
                ]}
                rows={b.unitsWithoutReport}
              />
            </Subsection>
          </Section>

          <Section title="八、联合督办">
            <Subsection title={`（一）本月启动（${b.supervision.opened.length}件）`}>
              <ListOrNone
                columns={[
                  seq(),
                  supervisionNumber(),
                  code(),
                  leadUnit(),
                  { title: '督办原因', cell: (r) => r.reason },
                  { title: '启动日期', width: '11%', kind: 'center', cell: (r) => r.openedOn },
                ]}
                rows={b.supervision.opened}
              />
            </Subsection>
            <Subsection title={`（二）本月办结（${b.supervision.resolved.length}件）`}>
              <ListOrNone
                columns={[
                  seq(),
                  supervisionNumber(),
                  code(),
                  { title: '牵头单位', cell: (r) => r.leadUnit },
                  { title: '办结日期', width: '11%', kind: 'center', cell: (r) => r.resolvedOn },
                ]}
                rows={b.supervision.resolved}
              />
            </Subsection>
            <Subsection title={`（三）月末在办（${b.supervision.open.length}件）`}>
              <ListOrNone
                columns={[
                  seq(),
                  supervisionNumber(),
                  code(),
                  { title: '牵头单位', cell: (r) => r.leadUnit },
                  { title: '回复期限', width: '11%', kind: 'center', cell: (r) => r.replyDueOn },
                  { title: '回复情况', width: '20%', cell: (r) => REPLY_STATUS_LABELS[r.replyStatus] ?? r.replyStatus },
                ]}
                rows={b.supervision.open}
              />
            </Subsection>
          </Section>

          <Section title={`九、延期（本月批准${b.extensions.length}项）`}>
            <ListOrNone
              columns={[
                seq(),
                code(),
                problem(),
                leadUnit(),
                { title: '原完成\n时限', width: '11%', kind: 'center', cell: (r) => shortDate(r.oldDeadline) },
                { title: '延期至', width: '11%', kind: 'center', cell: (r) => shortDate(r.newDeadline) },
                { title: '批准日期', width: '11%', kind: 'center', cell: (r) => r.approvedOn },
              ]}
              rows={b.extensions}
            />
          </Section>

          <Section title={`十、反弹（本月${b.rebounds.length}项）`}>
            <ListOrNone
              columns={[
                seq(),
                code(),
                { title: '督察反馈问题', width: '30%', cell: (r) => r.problem },
                leadUnit(),
                { title: '反弹情况', cell: (r) => r.reason ?? '—' },
                { title: '重新整改\n日期', width: '11%', kind: 'center', cell: (r) => r.reopenedOn },
              ]}
              rows={b.rebounds}
            />
          </Section>

          <Section title="十一、问题线索办理">
            <CaseLeadTable b={b} />
          </Section>

          <footer class="colophon">
            <p safe>{`本通报按${periodText}末（${lastDay}24时）的整改台账自动生成，签发后内容不再变更；${publication}。`}</p>
            <p class="hash">
              内容校验码（SHA-256）：<span safe>{b.contentHash}</span>
            </p>
          </footer>
        </main>
      </body>
    </html>
  )
  return `<!doctype html>\n${page as string}`
}
