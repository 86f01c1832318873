import type { ItemSummaryView } from '../../modules/items/items.service.ts'
import type { ExtensionRow } from '../../modules/extensions/extensions.service.ts'
import type { SupervisionView } from '../../modules/supervision/supervision.service.ts'
import { CalendarWarning } from '../calendar-warning.tsx'
import { Layout, Table, type Flash, type Viewer } from '../components.tsx'
import { longDate, longPeriod } from '../format.ts'
import { itemColumns } from './items.tsx'

/** One to-do of the home page: a count, and the items behind it (or a link to the list that shows them). */
export interface TodoList {
  key: string
  label: string
  count: number
  items?: ItemSummaryView[]
  /** Where the whole list is, when the home page does not show it. */
  href?: string
  /** Drawn in red while it is not zero. */
  urgent?: boolean
}

export interface HomePageData {
  viewer: Viewer
  period: string
  todos: TodoList[]
  supervisions?: SupervisionView[]
  extensions?: { item: { id: number; code: string }; extension: ExtensionRow }[]
  flash?: Flash | null
  /** The working-day calendar's warning (calendar-warning.tsx), for the admin. */
  calendarWarning?: string | null
}

const EXTENSION_STATUS: Record<string, string> = { pending: '待审批', approved: '已同意', rejected: '未同意' }

export function HomePage(data: HomePageData) {
  const { viewer } = data
  const counts = [
    ...data.todos,
    ...(data.supervisions ? [{ key: 'supervisions', label: '督办单待签收或回复', count: data.supervisions.length, urgent: true }] : []),
    ...(data.extensions ? [{ key: 'extensions', label: '延期申请及审批结果', count: data.extensions.length, urgent: false }] : []),
  ]
  return (
    <Layout title="工作台" viewer={viewer} section="home" flash={data.flash}>
      <h1 safe>{`工作台 · ${longPeriod(data.period)}`}</h1>
      <CalendarWarning text={data.calendarWarning ?? null} />
      <ul class="counts">
        {counts.map((c) => (
          <li>
            <a href={'href' in c && c.href ? c.href : `#${c.key}`}>
              <span class={c.urgent && c.count > 0 ? 'n hot' : 'n'} safe>
                {String(c.count)}
              </span>
              <span safe>{c.label}</span>
            </a>
          </li>
        ))}
      </ul>
      {data.todos
        .filter((t) => t.items !== undefined)
        .map((t) => (
          <section class="card" id={t.key}>
            <h2 safe>{`${t.label}（${t.count}）`}</h2>
            <Table columns={itemColumns()} rows={t.items ?? []} empty="无。" />
          </section>
        ))}
      {data.supervisions ? (
        <section class="card" id="supervisions">
          <h2 safe>{`督办单待签收或回复（${data.supervisions.length}）`}</h2>
          <Table
            columns={[
              { label: '督办单', cell: (s: SupervisionView) => <a href={`/items/${s.itemId}`} safe>{`${s.number} · ${s.item.code}`}</a> },
              { label: '督办事由', class: 'problem', cell: (s) => <span safe>{s.reason}</span> },
              { label: '状态', cell: (s) => <span safe>{s.statusLabel}</span> },
              { label: '回复期限', class: 'date', cell: (s) => <span safe>{longDate(s.replyDueOn)}</span> },
            ]}
            rows={data.supervisions}
            empty="无。"
          />
        </section>
      ) : (
        ''
      )}
      {data.extensions ? (
        <section class="card" id="extensions">
          <h2 safe>{`延期申请及审批结果（${data.extensions.length}）`}</h2>
          <Table
            columns={[
              {
                label: '任务',
                cell: (e: NonNullable<HomePageData['extensions']>[number]) => (
                  <a href={`/items/${e.item.id}`} safe>
                    {e.item.code}
                  </a>
                ),
              },
              { label: '原时限', class: 'date', cell: (e) => <span safe>{longDate(e.extension.oldDeadline)}</span> },
              { label: '申请延至', class: 'date', cell: (e) => <span safe>{longDate(e.extension.newDeadline)}</span> },
              { label: '结果', cell: (e) => <span safe>{EXTENSION_STATUS[e.extension.status] ?? e.extension.status}</span> },
              { label: '审批意见', class: 'problem', cell: (e) => <span safe>{e.extension.decisionComment ?? '—'}</span> },
            ]}
            rows={data.extensions}
            empty="无。"
          />
        </section>
      ) : (
        ''
      )}
    </Layout>
  )
}
