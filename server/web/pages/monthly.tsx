import type { ItemSummaryView } from '../../modules/items/items.service.ts'
import { attr, CsrfField, Deadline, Field, Layout, StatusBadge, type Flash, type Viewer } from '../components.tsx'
import { longPeriod } from '../format.ts'

export interface MonthlyRow {
  item: ItemSummaryView
  period: string
  /** This month's reports already filed on the item by the unit. */
  reported: boolean
}

export interface MonthlyPageData {
  viewer: Viewer
  rows: MonthlyRow[]
  values?: Record<string, string>
  errors?: Record<string, string>
  formError?: string | undefined
  flash?: Flash | null
}

/** The monthly report (月调度): every open item the unit leads on one page, saved in one go. */
export function MonthlyPage(data: MonthlyPageData) {
  const values = data.values ?? {}
  const errors = data.errors ?? {}
  const periods = [...new Set(data.rows.map((r) => r.period))]
  return (
    <Layout title="月调度" viewer={data.viewer} section="monthly" flash={data.flash}>
      <h1 safe>{`月调度 · ${periods.map(longPeriod).join('、') || '本月'}`}</h1>
      <p class="muted">
        本单位牵头的在办整改任务。逐项填写本月整改进展，留空的不报送；点击“报送进展”后一次保存，任何一项有误则全部不保存。
      </p>
      {data.formError ? (
        <div class="flash flash-error" role="alert" safe>
          {data.formError}
        </div>
      ) : (
        ''
      )}
      {data.rows.length === 0 ? (
        <p class="card muted">本单位没有在办的牵头任务。</p>
      ) : (
        <form class="card" method="post" action="/monthly">
          <CsrfField token={data.viewer.csrfToken} />
          {data.rows.map(({ item, reported }) => (
            <div class="monthly-row">
              <div>
                <a href={`/items/${item.id}`} safe>
                  {item.code}
                </a>{' '}
                <StatusBadge status={item.status} />
                {item.overdue ? <span class="tag tag-overdue" safe>{`逾期${item.daysOverdue}天`}</span> : ''}
                {reported ? <span class="tag tag-lagging">本月已报送</span> : ''}
                <p safe>{item.problem}</p>
                <p class="muted">
                  完成时限：
                  <Deadline item={item} />
                </p>
              </div>
              <div>
                <Field label={`${item.code} 本月进展`} name={`text-${item.id}`} error={errors[`text-${item.id}`]}>
                  <textarea
                    id={`f-text-${item.id}`}
                    name={`text-${item.id}`}
                    rows="3"
                    maxlength={4000}
                    aria-invalid={errors[`text-${item.id}`] ? 'true' : undefined}
                    safe
                  >
                    {values[`text-${item.id}`] ?? ''}
                  </textarea>
                </Field>
                <Field label="完成比例（%，可选）" name={`percent-${item.id}`} error={errors[`percent-${item.id}`]}>
                  <input
                    class="percent"
                    type="number"
                    min="0"
                    max="100"
                    id={`f-percent-${item.id}`}
                    name={`percent-${item.id}`}
                    value={attr(values[`percent-${item.id}`])}
                  />
                </Field>
              </div>
            </div>
          ))}
          <div>
            <button type="submit">报送进展</button>
          </div>
        </form>
      )}
    </Layout>
  )
}
