// The monthly bulletins (月度通报) in the workbench: the months of each plan, issued or not; a month's page with
// its figures, the printable bulletin as it is, the workbook, and publishing.
import type { Bulletin } from '../../modules/bulletins/bulletin.types.ts'
import type { BulletinSummary } from '../../modules/bulletins/bulletins.service.ts'
import { attr, CsrfField, Layout, Table, type Flash, type Viewer } from '../components.tsx'
import { localDateTime, longPeriod } from '../format.ts'

export interface BulletinMonth {
  period: string
  summary: BulletinSummary | null
}

const percent = (rate: number | null) => (rate === null ? '—' : `${rate.toFixed(1)}%`)

export function BulletinsPage(data: {
  viewer: Viewer
  plans: { plan: { id: number; title: string }; months: BulletinMonth[] }[]
  canIssue: boolean
  canPublish: boolean
  flash?: Flash | null
}) {
  const { viewer } = data
  return (
    <Layout title="月度通报" viewer={viewer} section="bulletins" flash={data.flash}>
      <h1>月度通报</h1>
      {data.plans.length === 0 ? <p class="muted">没有整改方案。</p> : ''}
      {data.plans.map(({ plan, months }) => (
        <section class="card">
          <h2 safe>{plan.title}</h2>
          <Table
            columns={[
              {
                label: '月份',
                cell: (m: BulletinMonth) =>
                  m.summary ? (
                    <a href={`/bulletins/${plan.id}/${m.period}`} safe>
                      {longPeriod(m.period)}
                    </a>
                  ) : (
                    <span safe>{longPeriod(m.period)}</span>
                  ),
              },
              { label: '任务数', cell: (m) => <span>{m.summary ? String(m.summary.totals.items) : '—'}</span> },
              { label: '已销号', cell: (m) => <span>{m.summary ? String(m.summary.totals.closed) : '—'}</span> },
              { label: '完成率', cell: (m) => <span>{m.summary ? percent(m.summary.totals.completionRate) : '—'}</span> },
              { label: '逾期', cell: (m) => <span>{m.summary ? String(m.summary.totals.overdue) : '—'}</span> },
              {
                label: '状态',
                cell: (m) =>
                  m.summary === null ? (
                    data.canIssue ? (
                      <form method="post" action={`/bulletins/${plan.id}/${m.period}/issue`}>
                        <CsrfField token={viewer.csrfToken} />
                        <button type="submit" class="secondary">
                          生成通报
                        </button>
                      </form>
                    ) : (
                      <span class="muted">未生成</span>
                    )
                  ) : m.summary.publishedAt ? (
                    <span>已发布</span>
                  ) : (
                    <span>已生成，未发布</span>
                  ),
              },
            ]}
            rows={months}
            empty="方案开始后的第一个月结束时，才有月度通报。"
          />
        </section>
      ))}
    </Layout>
  )
}

export function BulletinPage({
  viewer,
  bulletin: b,
  canPublish,
  flash,
}: {
  viewer: Viewer
  bulletin: Bulletin
  canPublish: boolean
  flash?: Flash | null
}) {
  const base = `/bulletins/${b.planId}/${b.period}`
  const title = `${b.planTitle}整改工作月通报（${longPeriod(b.period)}）`
  return (
    <Layout title={title} viewer={viewer} section="bulletins" flash={flash}>
      <p>
        <a href="/bulletins">← 月度通报</a>
      </p>
      <h1 safe>{title}</h1>
      <div class="card">
        <dl class="record">
          <dt>整改任务</dt>
          <dd safe>{`${b.totals.items}项`}</dd>
          <dt>已销号</dt>
          <dd safe>{`${b.totals.closed}项（完成率 ${percent(b.totals.completionRate)}）`}</dd>
          <dt>逾期</dt>
          <dd safe>{`${b.totals.overdue}项`}</dd>
          <dt>进展缓慢</dt>
          <dd safe>{`${b.totals.lagging}项`}</dd>
          <dt>生成时间</dt>
          <dd safe>{localDateTime(b.generatedAt, 'Asia/Shanghai')}</dd>
          <dt>发布</dt>
          <dd>{b.publishedAt ? `已于 ${localDateTime(b.publishedAt, 'Asia/Shanghai')} 发布` : '未发布'}</dd>
        </dl>
        <div class="button-row no-print">
          <a class="button" href={`${base}/print`} target="_blank" rel="noopener">
            在新窗口打开及打印
          </a>
          <a class="button secondary" href={`${base}/workbook`}>
            下载工作簿
          </a>
          {canPublish && !b.publishedAt ? (
            <form method="post" action={`${base}/publish`}>
              <CsrfField token={viewer.csrfToken} />
              <button type="submit" class="secondary">
                发布
              </button>
            </form>
          ) : (
            ''
          )}
        </div>
      </div>
      <section class="card" aria-labelledby="bulletin-text">
        <h2 id="bulletin-text">通报全文</h2>
        <p class="muted no-print">下面是印发的通报原样；打印请在新窗口中打开。</p>
        <iframe class="bulletin-frame" src={`${base}/print`} title={attr(`${title}全文`)}></iframe>
      </section>
      <div class="card">
        <h2>按牵头单位</h2>
        <Table
          columns={[
            { label: '排名', cell: (u: Bulletin['byLeadUnit'][number]) => <span safe>{String(u.rank)}</span> },
            { label: '牵头单位', cell: (u) => <span safe>{u.leadUnit}</span> },
            { label: '任务数', cell: (u) => <span safe>{String(u.items)}</span> },
            { label: '已销号', cell: (u) => <span safe>{String(u.closed)}</span> },
            { label: '逾期', cell: (u) => <span safe>{String(u.overdue)}</span> },
            { label: '完成率', cell: (u) => <span safe>{percent(u.completionRate)}</span> },
          ]}
          rows={b.byLeadUnit}
          empty="无。"
        />
      </div>
    </Layout>
  )
}
