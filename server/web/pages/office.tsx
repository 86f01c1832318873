// The supervision office's pages: its queues (what waits for it to decide), the result of a bulk action, the
// supervision list and a notice's page. Decisions post to the workbench's forms; the services decide.
import type { ItemSummaryView } from '../../modules/items/items.service.ts'
import type { ExtensionRow } from '../../modules/extensions/extensions.service.ts'
import type { ObjectionRow } from '../../modules/objections/objections.service.ts'
import type { SupervisionView } from '../../modules/supervision/supervision.service.ts'
import type { BulkResult } from '../../modules/bulk/bulk.service.ts'
import { attr, CsrfField, Layout, Select, Table, TextArea, type Flash, type Viewer } from '../components.tsx'
import { localDateTime, longDate } from '../format.ts'
import { itemColumns } from './items.tsx'
import { EvidenceActions, type FormState } from './item.tsx'

export interface OfficeQueues {
  closure: ItemSummaryView[]
  extensions: { extension: ExtensionRow; item: { id: number; code: string; problem: string; leadUnit: string } }[]
  objections: { objection: ObjectionRow; item: { id: number; code: string; problem: string; leadUnit: string } }[]
  replies: SupervisionView[]
  replyOverdue: SupervisionView[]
  unsupervised: ItemSummaryView[]
}

export type QueueKey = keyof OfficeQueues

/** The office's queues in the order its pages show them: where each list lives, what it is called. */
export const QUEUES: { key: QueueKey; slug: string; label: string; heading: string; empty: string }[] = [
  { key: 'closure', slug: 'closeouts', label: '销号申请待验收', heading: '销号申请待验收', empty: '没有待验收的销号申请。' },
  { key: 'extensions', slug: 'extensions', label: '延期申请待审批', heading: '延期申请待审批', empty: '没有待审批的延期申请。' },
  { key: 'objections', slug: 'objections', label: '公示异议待处理', heading: '公示异议待处理', empty: '没有待处理的公示异议。' },
  { key: 'replies', slug: 'replies', label: '督办回复待审核', heading: '督办回复待审核', empty: '没有待审核的督办回复。' },
  { key: 'replyOverdue', slug: 'replies-overdue', label: '督办回复逾期', heading: '督办回复逾期', empty: '没有逾期未回复的督办单。' },
  {
    key: 'unsupervised',
    slug: 'unsupervised',
    label: '逾期或缓慢未督办',
    heading: '逾期或进展缓慢、尚未督办',
    empty: '没有逾期或进展缓慢而尚未督办的任务。',
  },
]

export const QUEUE_SLUGS = QUEUES.map((q) => q.slug)

/** How many entries of each queue the overview (/office) shows before its link to the whole list. */
export const OVERVIEW_ROWS = 5

/** The queues as counts, each linking to its own list: the office's home and the supervisor's 工作台 show these. */
export function queueCounts(q: OfficeQueues): { key: string; label: string; count: number; href: string; urgent?: boolean }[] {
  return QUEUES.map((queue) => ({
    key: queue.slug,
    label: queue.label,
    count: q[queue.key].length,
    href: `/office/${queue.slug}`,
    urgent: true,
  }))
}

const stateFor = (state: FormState | null | undefined, form: string): FormState =>
  state && state.form === form ? state : { form, values: {}, errors: {} }

function ItemLine({ item }: { item: { id: number; code: string; problem: string; leadUnit: string } }) {
  return (
    <p>
      <a href={`/items/${item.id}`} safe>
        {item.code}
      </a>
      <span class="muted" safe>{` · ${item.leadUnit}`}</span>
      <br />
      <span safe>{item.problem.length > 120 ? `${item.problem.slice(0, 120)}…` : item.problem}</span>
    </p>
  )
}

/** A decision: facts, a comment, and the two buttons that send it one way or the other. */
function DecisionForm(props: {
  viewer: Viewer
  action: string
  form: string
  back: string
  state: FormState | null | undefined
  label: string
  buttons: [{ value: string; label: string }, { value: string; label: string }]
}) {
  const s = stateFor(props.state, props.form)
  return (
    <form class="stack" method="post" action={props.action}>
      <CsrfField token={props.viewer.csrfToken} />
      <BackField back={props.back} />
      <TextArea
        label={props.label}
        name={props.form}
        value={s.values.comment}
        error={s.errors.comment ?? s.errors._form}
        required
        maxlength={2000}
        rows={2}
      />
      <div class="button-row">
        <button type="submit" name="decision" value={props.buttons[0].value} safe>
          {props.buttons[0].label}
        </button>
        <button type="submit" class="secondary" name="decision" value={props.buttons[1].value} safe>
          {props.buttons[1].label}
        </button>
      </div>
    </form>
  )
}

/** Where a decision form returns to: the queue's own list, or the overview (''). */
function BackField({ back }: { back: string }) {
  return back === '' ? '' : <input type="hidden" name="back" value={attr(back)} />
}

/** A queue's entries one after another, or its line saying nothing waits. */
function entriesOr<Row>(rows: Row[], empty: string, entry: (row: Row) => JSX.Element) {
  return rows.length === 0 ? (
    <p class="muted" safe>
      {empty}
    </p>
  ) : (
    <>{rows.map(entry)}</>
  )
}

/** One queue's entries (the rows given: a page of it, or the overview's first few), with their forms. */
export function QueueEntries<K extends QueueKey>({
  queue,
  rows,
  viewer,
  state,
  timezone,
  back,
}: {
  queue: K
  rows: OfficeQueues[K]
  viewer: Viewer
  state?: FormState | null | undefined
  timezone: string
  /** The queue's slug (with `?page=N` past its first page) when the entries are on its own list, '' on the overview. */
  back: string
}) {
  const empty = QUEUES.find((q) => q.key === queue)!.empty
  switch (queue) {
    case 'closure':
      return (
        <>
          <p class="muted">打开任务查看自查自验情况和佐证材料，在任务页填写验收意见后「验收通过」或「退回整改」。</p>
          <Table
            columns={[
              ...itemColumns(),
              {
                label: '审核',
                cell: (i: ItemSummaryView) => (
                  <a class="button" href={`/items/${i.id}`} aria-label={attr(`审核 ${i.code}`)}>
                    审核
                  </a>
                ),
              },
            ]}
            rows={rows as OfficeQueues['closure']}
            empty={empty}
          />
        </>
      )
    case 'extensions':
      return entriesOr(rows as OfficeQueues['extensions'], empty, ({ extension: e, item }) => (
        <div class="queue-entry" id={`extension-${e.id}`}>
          <ItemLine item={item} />
          <dl class="record">
            <dt>原完成时限</dt>
            <dd safe>{longDate(e.oldDeadline)}</dd>
            <dt>申请延至</dt>
            <dd>
              <strong safe>{longDate(e.newDeadline)}</strong>
            </dd>
            <dt>延期理由</dt>
            <dd class="text" safe>
              {e.reason}
            </dd>
            <dt>目前进展</dt>
            <dd class="text" safe>
              {e.progress}
            </dd>
            <dt>申请时间</dt>
            <dd safe>{localDateTime(e.requestedAt, timezone)}</dd>
          </dl>
          <DecisionForm
            viewer={viewer}
            action={`/extensions/${e.id}/decision`}
            form={`extension-${e.id}`}
            back={back}
            state={state}
            label="审批意见"
            buttons={[
              { value: 'approve', label: '同意延期' },
              { value: 'reject', label: '不同意延期' },
            ]}
          />
        </div>
      ))
    case 'objections':
      return entriesOr(rows as OfficeQueues['objections'], empty, ({ objection: o, item }) => (
        <div class="queue-entry" id={`objection-${o.id}`}>
          <ItemLine item={item} />
          <dl class="record">
            <dt>异议内容</dt>
            <dd class="text" safe>
              {o.content}
            </dd>
            <dt>联系方式</dt>
            <dd safe>{o.contact}</dd>
            <dt>提出时间</dt>
            <dd safe>{localDateTime(o.filedAt, timezone)}</dd>
          </dl>
          <DecisionForm
            viewer={viewer}
            action={`/objections/${o.id}/decision`}
            form={`objection-${o.id}`}
            back={back}
            state={state}
            label="处理意见"
            buttons={[
              { value: 'uphold', label: '异议成立' },
              { value: 'dismiss', label: '异议不成立' },
            ]}
          />
        </div>
      ))
    case 'replies':
      return entriesOr(rows as OfficeQueues['replies'], empty, (s) => (
        <div class="queue-entry" id={`supervision-${s.id}`}>
          <p>
            <a href={`/supervisions/${s.id}`} safe>{`${s.number} · ${s.item.code}`}</a>
            <span class="muted" safe>{` · ${s.leadUnit.name}`}</span>
            {s.replyOverdue ? <span class="tag tag-overdue">逾期回复</span> : ''}
          </p>
          <dl class="record">
            <dt>督办事由</dt>
            <dd class="text" safe>
              {s.reason}
            </dd>
            <dt>回复</dt>
            <dd class="text" safe>
              {s.reply?.text ?? ''}
            </dd>
            {s.reply && s.reply.evidence.length > 0 ? (
              <>
                <dt>佐证材料</dt>
                <dd>
                  {s.reply.evidence.map((e) => (
                    <p>
                      <span class="file-name" safe>
                        {e.fileName}
                      </span>
                      <EvidenceActions evidence={e} />
                    </p>
                  ))}
                </dd>
              </>
            ) : (
              ''
            )}
          </dl>
          <SupervisionDecision viewer={viewer} supervision={s} state={state} back={back} />
        </div>
      ))
    case 'replyOverdue':
      return <SupervisionTable rows={rows as OfficeQueues['replyOverdue']} empty={empty} />
    default:
      return (
        <>
          {(rows as OfficeQueues['unsupervised']).length > 0 ? (
            <p>
              <a href="/items?overdue=true">在任务列表中选择逾期任务批量催办或督办</a>
            </p>
          ) : (
            ''
          )}
          <Table columns={itemColumns()} rows={rows as OfficeQueues['unsupervised']} empty={empty} />
        </>
      )
  }
}

/** The overview (督办工作): every queue's count, and each queue's first entries with a link to its whole list. */
export function OfficePage({
  viewer,
  queues,
  state,
  flash,
  timezone,
}: {
  viewer: Viewer
  queues: OfficeQueues
  state?: FormState | null
  flash?: Flash | null
  timezone: string
}) {
  const counts = queueCounts(queues)
  return (
    <Layout title="督办工作" viewer={viewer} section="office" flash={flash}>
      <h1>督办工作</h1>
      <ul class="counts">
        {counts.map((c) => (
          <li>
            <a href={c.href}>
              <span class={c.urgent && c.count > 0 ? 'n hot' : 'n'} safe>
                {String(c.count)}
              </span>
              <span safe>{c.label}</span>
            </a>
          </li>
        ))}
      </ul>
      {QUEUES.map((q) => {
        const all = queues[q.key]
        return (
          <section class="card" id={q.slug}>
            <h2 safe>{`${q.heading}（${all.length}）`}</h2>
            <QueueEntries
              queue={q.key}
              rows={all.slice(0, OVERVIEW_ROWS) as never}
              viewer={viewer}
              state={state}
              timezone={timezone}
              back=""
            />
            {all.length > 0 ? (
              <p class="queue-more">
                <a href={`/office/${q.slug}`} safe>
                  {all.length > OVERVIEW_ROWS ? `查看全部${all.length}项` : `单独打开「${q.label}」列表`}
                </a>
              </p>
            ) : (
              ''
            )}
          </section>
        )
      })}
    </Layout>
  )
}

/** One queue on its own page, a page at a time, with its forms (they return here). */
export function QueuePage({
  viewer,
  queue,
  rows,
  total,
  page,
  pageCount,
  state,
  flash,
  timezone,
}: {
  viewer: Viewer
  queue: (typeof QUEUES)[number]
  rows: OfficeQueues[QueueKey]
  total: number
  page: number
  pageCount: number
  state?: FormState | null
  flash?: Flash | null
  timezone: string
}) {
  const here = `/office/${queue.slug}`
  return (
    <Layout title={queue.heading} viewer={viewer} section="office" flash={flash}>
      <p class="no-print">
        <a href="/office">← 督办工作</a>
      </p>
      <h1 safe>{`${queue.heading}（${total}）`}</h1>
      <nav class="subnav" aria-label="督办工作分类">
        {QUEUES.map((q) => (
          <a href={`/office/${q.slug}`} aria-current={q.slug === queue.slug ? 'page' : undefined} safe>
            {q.label}
          </a>
        ))}
      </nav>
      <section class="card" id={queue.slug}>
        <QueueEntries
          queue={queue.key}
          rows={rows as never}
          viewer={viewer}
          state={state}
          timezone={timezone}
          back={page > 1 ? `${queue.slug}?page=${page}` : queue.slug}
        />
      </section>
      {pageCount > 1 ? (
        <nav class="pager" aria-label="分页">
          {page > 1 ? <a href={`${here}?page=${page - 1}`}>上一页</a> : ''}
          <span safe>{`第 ${page} / ${pageCount} 页，共 ${total} 项`}</span>
          {page < pageCount ? <a href={`${here}?page=${page + 1}`}>下一页</a> : ''}
        </nav>
      ) : (
        ''
      )}
    </Layout>
  )
}

/** 办结 or 退回: the office's decision on a reply. */
export function SupervisionDecision({
  viewer,
  supervision: s,
  state,
  fromPage,
  back = '',
}: {
  viewer: Viewer
  supervision: SupervisionView
  state?: FormState | null | undefined
  fromPage?: boolean
  /** The queue's slug when the form is on the queue's own page. */
  back?: string
}) {
  const st = stateFor(state, `supervision-${s.id}`)
  return (
    <form class="stack" method="post" action={`/supervisions/${s.id}/decision`}>
      <CsrfField token={viewer.csrfToken} />
      {fromPage ? <input type="hidden" name="back" value="supervision" /> : <BackField back={back} />}
      <TextArea
        label="审核意见"
        name={`supervision-${s.id}`}
        value={st.values.comment}
        error={st.errors.comment ?? st.errors._form}
        required
        maxlength={2000}
        rows={2}
      />
      <div class="button-row">
        <button type="submit" name="decision" value="resolve">
          办结
        </button>
        {s.allowedActions.includes('send_back') ? (
          <button type="submit" class="secondary" name="decision" value="send_back">
            退回重新回复
          </button>
        ) : (
          ''
        )}
      </div>
    </form>
  )
}

export function SupervisionTable({ rows, empty }: { rows: SupervisionView[]; empty: string }) {
  return (
    <Table
      columns={[
        {
          label: '督办单',
          class: 'code',
          cell: (s: SupervisionView) => (
            <a href={`/supervisions/${s.id}`} safe>
              {s.number}
            </a>
          ),
        },
        {
          label: '任务',
          cell: (s) => (
            <a href={`/items/${s.itemId}`} safe>
              {s.item.code}
            </a>
          ),
        },
        { label: '牵头单位', cell: (s) => <span safe>{s.leadUnit.name}</span> },
        { label: '督办事由', class: 'problem', cell: (s) => <span safe>{s.reason}</span> },
        { label: '签发日期', class: 'date', cell: (s) => <span safe>{longDate(s.issuedOn)}</span> },
        { label: '回复期限', class: 'date', cell: (s) => <span safe>{longDate(s.replyDueOn)}</span> },
        {
          label: '状态',
          cell: (s) => (
            <>
              <span safe>{s.statusLabel}</span>
              {s.replyStatus === 'overdue' || s.replyOverdue ? <span class="tag tag-overdue">回复逾期</span> : ''}
            </>
          ),
        },
      ]}
      rows={rows}
      empty={empty}
    />
  )
}

const ACTION_WORDS: Record<BulkResult['action'], string> = { urge: '催办', supervise: '联合督办' }

export function BulkResultPage({ viewer, result, back }: { viewer: Viewer; result: BulkResult; back: string }) {
  const word = ACTION_WORDS[result.action]
  const refused = result.outcomes.filter((o) => !o.ok)
  return (
    <Layout
      title={`批量${word}结果`}
      viewer={viewer}
      section="items"
      flash={{
        kind: refused.length > 0 ? 'error' : 'ok',
        text: `已${word}${result.succeeded}项${refused.length > 0 ? `，${refused.length}项未能${word}` : ''}`,
      }}
    >
      <h1 safe>{`批量${word}结果`}</h1>
      <Table
        columns={[
          {
            label: '编号',
            class: 'code',
            cell: (o: BulkResult['outcomes'][number]) =>
              o.code ? (
                <a href={`/items/${o.itemId}`} safe>
                  {o.code}
                </a>
              ) : (
                <span safe>{`#${o.itemId}`}</span>
              ),
          },
          {
            label: '结果',
            cell: (o) =>
              o.ok ? (
                <span safe>{'number' in o && o.number ? `已${word}（${o.number}）` : `已${word}`}</span>
              ) : (
                <span class="error-text" safe>{`未能${word}`}</span>
              ),
          },
          { label: '原因', cell: (o) => (o.ok ? <span>—</span> : <span safe>{`${o.error.reason}（${o.error.code}）`}</span>) },
        ]}
        rows={result.outcomes}
        empty="没有任务。"
      />
      <p>
        <a class="button secondary" href={back}>
          返回任务列表
        </a>
      </p>
    </Layout>
  )
}

export interface SupervisionFilterValues {
  state: string
  leadUnitId: string
  year: string
}

export function SupervisionsPage(data: {
  viewer: Viewer
  filters: SupervisionFilterValues
  rows: SupervisionView[]
  units: { id: number; name: string }[]
  years: number[]
}) {
  const { filters } = data
  return (
    <Layout title="联合督办" viewer={data.viewer} section="supervisions">
      <h1>联合督办</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form is announced by every screen reader; <search> is not yet */}
      <form class="card filters no-print" method="get" action="/supervisions" role="search">
        <Select
          label="状态"
          name="state"
          value={filters.state}
          options={[
            { value: '', label: '全部' },
            { value: 'open', label: '未办结' },
            { value: 'reply-overdue', label: '回复逾期' },
            { value: 'resolved', label: '已办结' },
          ]}
        />
        <Select
          label="牵头单位"
          name="leadUnitId"
          value={filters.leadUnitId}
          options={[{ value: '', label: '全部' }, ...data.units.map((u) => ({ value: String(u.id), label: u.name }))]}
        />
        <Select
          label="年度"
          name="year"
          value={filters.year}
          options={[{ value: '', label: '全部' }, ...data.years.map((y) => ({ value: String(y), label: `${y}年` }))]}
        />
        <div class="actions">
          <button type="submit">筛选</button>
          <a class="button secondary" href="/supervisions">
            清除
          </a>
        </div>
      </form>
      <p safe>{`共 ${data.rows.length} 份督办单`}</p>
      <SupervisionTable rows={data.rows} empty="没有符合条件的督办单。" />
    </Layout>
  )
}

const STEP_WORDS: Record<string, string> = {
  supervision_opened: '签发',
  supervision_acknowledged: '签收',
  supervision_replied: '回复',
  supervision_sent_back: '退回重新回复',
  supervision_resolved: '办结',
}

export function SupervisionPage({
  viewer,
  supervision: s,
  timezone,
  canDecide,
  state,
  flash,
}: {
  viewer: Viewer
  supervision: SupervisionView
  timezone: string
  canDecide: boolean
  state?: FormState | null
  flash?: Flash | null
}) {
  const reached = {
    issued: true,
    acknowledged: s.acknowledgedAt !== null,
    replied: s.reply !== null,
    resolved: s.status === 'resolved',
  }
  const steps: [keyof typeof reached, string][] = [
    ['issued', '签发'],
    ['acknowledged', '签收'],
    ['replied', '回复'],
    ['resolved', '办结'],
  ]
  return (
    <Layout title={s.number} viewer={viewer} section="supervisions" flash={flash}>
      <h1 safe>{`${s.number}`}</h1>
      <ol class="steps" aria-label="督办进度">
        {steps.map(([key, label]) => (
          <li class={reached[key] ? 'done' : ''}>
            <span safe>{label}</span>
          </li>
        ))}
      </ol>
      <div class="card">
        <dl class="record">
          <dt>任务</dt>
          <dd>
            <a href={`/items/${s.itemId}`} safe>
              {s.item.code}
            </a>
          </dd>
          <dt>督察反馈问题</dt>
          <dd class="text" safe>
            {s.item.problem}
          </dd>
          <dt>牵头单位</dt>
          <dd safe>{s.leadUnit.name}</dd>
          <dt>督办依据</dt>
          <dd safe>{s.ruleLabel}</dd>
          <dt>督办事由</dt>
          <dd class="text" safe>
            {s.reason}
          </dd>
          <dt>签发日期</dt>
          <dd safe>{longDate(s.issuedOn)}</dd>
          <dt>回复期限</dt>
          <dd safe>{longDate(s.replyDueOn)}</dd>
          <dt>状态</dt>
          <dd safe>{s.statusLabel}</dd>
          {s.reply ? (
            <>
              <dt>回复</dt>
              <dd class="text" safe>
                {s.reply.text}
              </dd>
            </>
          ) : (
            ''
          )}
          {s.reply && s.reply.evidence.length > 0 ? (
            <>
              <dt>佐证材料</dt>
              <dd>
                {s.reply.evidence.map((e) => (
                  <p>
                    <span class="file-name" safe>
                      {e.fileName}
                    </span>
                    <EvidenceActions evidence={e} />
                  </p>
                ))}
              </dd>
            </>
          ) : (
            ''
          )}
          {s.resolutionComment ? (
            <>
              <dt>办结意见</dt>
              <dd class="text" safe>
                {s.resolutionComment}
              </dd>
            </>
          ) : (
            ''
          )}
        </dl>
        <p class="no-print">
          <a class="button secondary" href={`/supervisions/${s.id}/notice`}>
            打印督办单
          </a>
        </p>
      </div>
      {canDecide ? (
        <div class="card no-print">
          <h2>{s.status === 'replied' ? '审核回复' : '办结督办'}</h2>
          <SupervisionDecision viewer={viewer} supervision={s} state={state} fromPage />
        </div>
      ) : (
        ''
      )}
      <div class="card">
        <h2>办理过程</h2>
        <ol class="timeline">
          {(s.steps ?? []).map((step) => (
            <li>
              <div class="when" safe>
                {localDateTime(step.at, timezone)}
              </div>
              <div>
                <span class="what" safe>
                  {STEP_WORDS[step.action] ?? step.action}
                </span>
                <span class="muted" safe>{` · ${step.actor}`}</span>
              </div>
              {step.comment ? (
                <p class="text" safe>
                  {step.comment}
                </p>
              ) : (
                ''
              )}
            </li>
          ))}
        </ol>
      </div>
    </Layout>
  )
}
