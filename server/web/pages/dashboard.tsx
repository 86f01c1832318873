// The leadership's dashboard (领导小组): the plan as of now, read only: completion by task area and by lead unit
// (ranked), overdue and lagging items, and the trend by month from the issued bulletins, drawn with the bulletin's
// own charts. Nothing here changes anything.
import type { BulletinContent } from '../../modules/bulletins/bulletin.types.ts'
import { formatPercent } from '../../modules/bulletins/bulletin.format.ts'
import type { ItemSummaryView } from '../../modules/items/items.service.ts'
import { Layout, Table, type Viewer } from '../components.tsx'
import { longPeriod } from '../format.ts'
import { itemColumns } from './items.tsx'

export interface DashboardData {
  viewer: Viewer
  plans: { id: number; title: string }[]
  planId: number
  /** The bulletin's figures for this month, as of now. */
  live: BulletinContent
  asOfText: string
  overdue: { total: number; items: ItemSummaryView[] }
  lagging: { total: number; items: ItemSummaryView[] }
  /** The bulletin's own SVG charts (echarts escapes their text; each is role="img" with a Chinese label). */
  safeCharts: { byLeadUnit: string; trend: string }
}

export function DashboardPage(d: DashboardData) {
  const b = d.live
  const safeCharts = d.safeCharts
  const t = b.totals
  return (
    <Layout title="领导驾驶舱" viewer={d.viewer} section="dashboard">
      <h1 safe>{`整改进展 · ${b.planTitle}`}</h1>
      <p class="muted" safe>{`截至${d.asOfText}（实时数据，${longPeriod(b.period)}）`}</p>
      {d.plans.length > 1 ? (
        <nav class="subnav" aria-label="整改方案">
          {d.plans.map((p) => (
            <a href={`/dashboard?planId=${p.id}`} aria-current={p.id === d.planId ? 'page' : undefined} safe>
              {p.title}
            </a>
          ))}
        </nav>
      ) : (
        ''
      )}
      <ul class="counts">
        <li>
          <a href={`/items?planId=${d.planId}`}>
            <span class="n" safe>
              {String(t.items)}
            </span>
            <span>整改任务</span>
          </a>
        </li>
        <li>
          <a href={`/items?planId=${d.planId}&status=closed`}>
            <span class="n" safe>
              {String(t.closed)}
            </span>
            <span safe>{`已销号（完成率${formatPercent(t.completionRate)}）`}</span>
          </a>
        </li>
        <li>
          <a href="#overdue">
            <span class={d.overdue.total > 0 ? 'n hot' : 'n'} safe>
              {String(d.overdue.total)}
            </span>
            <span>逾期任务</span>
          </a>
        </li>
        <li>
          <a href="#lagging">
            <span class={d.lagging.total > 0 ? 'n hot' : 'n'} safe>
              {String(d.lagging.total)}
            </span>
            <span>进展缓慢</span>
          </a>
        </li>
      </ul>
      <section class="card" id="by-category">
        <h2>按任务类别</h2>
        <Table
          columns={[
            { label: '任务类别', cell: (r: BulletinContent['byCategory'][number]) => <span safe>{r.category || '（未分类）'}</span> },
            { label: '任务数', cell: (r) => <span safe>{String(r.items)}</span> },
            { label: '已销号', cell: (r) => <span safe>{String(r.closed)}</span> },
            { label: '逾期', cell: (r) => <span safe>{String(r.overdue)}</span> },
            { label: '完成率', cell: (r) => <span safe>{formatPercent(r.completionRate)}</span> },
          ]}
          rows={b.byCategory}
          empty="无。"
        />
      </section>
      <section class="card" id="by-lead-unit">
        <h2>牵头单位排名</h2>
        <figure class="chart">{safeCharts.byLeadUnit}</figure>
        <Table
          columns={[
            { label: '排名', cell: (r: BulletinContent['byLeadUnit'][number]) => <span safe>{String(r.rank)}</span> },
            { label: '牵头单位', cell: (r) => <span safe>{r.leadUnit}</span> },
            { label: '任务数', cell: (r) => <span safe>{String(r.items)}</span> },
            { label: '已销号', cell: (r) => <span safe>{String(r.closed)}</span> },
            { label: '逾期', cell: (r) => <span safe>{String(r.overdue)}</span> },
            { label: '进展缓慢', cell: (r) => <span safe>{String(r.lagging)}</span> },
            { label: '完成率', cell: (r) => <span safe>{formatPercent(r.completionRate)}</span> },
          ]}
          rows={b.byLeadUnit}
          empty="无。"
        />
      </section>
      <section class="card" id="trend">
        <h2>逐月趋势</h2>
        <p class="muted">往月数据取自已印发的月通报。</p>
        <figure class="chart">{safeCharts.trend}</figure>
      </section>
      <section class="card" id="overdue">
        <h2 safe>{`逾期任务（${d.overdue.total}）`}</h2>
        <Table columns={itemColumns()} rows={d.overdue.items} empty="无逾期任务。" />
      </section>
      <section class="card" id="lagging">
        <h2 safe>{`进展缓慢（${d.lagging.total}）`}</h2>
        <Table columns={itemColumns()} rows={d.lagging.items} empty="无。" />
      </section>
    </Layout>
  )
}
