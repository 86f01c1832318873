// The admin's pages: units (create, rename, merge), accounts (create, disable, passwords, API tokens), the checklist
// import with its preview, and the admin trail. Everything an admin changes goes through the services, each change
// an audited event.
import type { AccountAdminRow } from '../../modules/accounts/accounts.repo.ts'
import type { AdminEventRow } from '../../modules/admin-events/admin-events.repo.ts'
import type { ImportPreview } from '../../modules/checklist/checklist.service.ts'
import type { UnitRow } from '../../modules/units/units.repo.ts'
import type { Role } from '../../domain/actors.ts'
import { attr, CsrfField, Layout, ROLE_LABELS, Select, Table, TextArea, TextField, type Flash, type Viewer } from '../components.tsx'
import { longDate } from '../format.ts'
import { CalendarWarning } from '../calendar-warning.tsx'

export type FieldErrors = Record<string, string>
export type FieldValues = Record<string, string>

function dateTime(iso: string): string {
  // The admin trail shows Beijing time, as every page of the service does for instants.
  const d = new Date(new Date(iso).getTime() + 8 * 3_600_000)
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)}`
}

function AdminNav({ current }: { current: string }) {
  const links = [
    ['/admin', '概览'],
    ['/admin/units', '单位'],
    ['/admin/accounts', '账号'],
    ['/admin/plans', '整改方案'],
    ['/admin/import', '导入清单'],
    ['/admin/calendar', '工作日历'],
    ['/admin/audit', '操作记录'],
  ] as const
  return (
    <nav class="subnav" aria-label="系统管理">
      {links.map(([href, label]) => (
        <a href={href} aria-current={href === current ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  )
}

export function AdminHomePage({
  viewer,
  units,
  accounts,
  events,
  flash,
  calendarWarning,
}: {
  viewer: Viewer
  units: UnitRow[]
  accounts: AccountAdminRow[]
  events: AdminEventRow[]
  flash?: Flash | null
  calendarWarning?: string | null
}) {
  const active = units.filter((u) => u.mergedIntoId === null)
  return (
    <Layout title="系统管理" viewer={viewer} section="admin" flash={flash}>
      <h1>系统管理</h1>
      <AdminNav current="/admin" />
      <CalendarWarning text={calendarWarning ?? null} />
      <ul class="counts">
        <li>
          <a href="/admin/units">
            <span class="n" safe>
              {String(active.length)}
            </span>
            <span>单位</span>
          </a>
        </li>
        <li>
          <a href="/admin/accounts">
            <span class="n" safe>
              {String(accounts.filter((a) => a.disabledAt === null).length)}
            </span>
            <span>在用账号</span>
          </a>
        </li>
        <li>
          <a href="/admin/import">
            <span class="n">↑</span>
            <span>导入整改清单</span>
          </a>
        </li>
      </ul>
      <section class="card">
        <h2>最近的操作</h2>
        <AuditTable events={events} />
        <p>
          <a href="/admin/audit">全部操作记录</a>
        </p>
      </section>
    </Layout>
  )
}

function unitState(unit: UnitRow, byId: Map<number, UnitRow>): string {
  if (unit.mergedIntoId === null) return '在用'
  return `已并入“${byId.get(unit.mergedIntoId)?.name ?? `#${unit.mergedIntoId}`}”`
}

export function UnitsPage({
  viewer,
  units,
  values,
  errors,
  flash,
}: {
  viewer: Viewer
  units: UnitRow[]
  values?: FieldValues
  errors?: FieldErrors
  flash?: Flash | null
}) {
  const byId = new Map(units.map((u) => [u.id, u]))
  return (
    <Layout title="单位管理" viewer={viewer} section="admin" flash={flash}>
      <h1>单位管理</h1>
      <AdminNav current="/admin/units" />
      <form class="card inline-form" method="post" action="/admin/units">
        <CsrfField token={viewer.csrfToken} />
        <TextField label="新单位名称" name="name" value={values?.name} error={errors?.name} required maxlength={100} />
        <button type="submit">新增单位</button>
      </form>
      <Table
        columns={[
          {
            label: '单位',
            cell: (u: UnitRow) => (
              <a href={`/admin/units/${u.id}`} safe>
                {u.name}
              </a>
            ),
          },
          { label: '状态', cell: (u: UnitRow) => <span safe>{unitState(u, byId)}</span> },
          { label: '建立日期', cell: (u: UnitRow) => <span safe>{dateTime(u.createdAt).slice(0, 10)}</span> },
        ]}
        rows={units}
        empty="尚无单位。"
      />
    </Layout>
  )
}

export function UnitPage(props: {
  viewer: Viewer
  unit: UnitRow
  units: UnitRow[]
  usage: { leadItems: number; responsibleItems: number; accounts: number }
  events: AdminEventRow[]
  values?: FieldValues
  errors?: FieldErrors
  flash?: Flash | null
}) {
  const { viewer, unit, units, usage } = props
  const byId = new Map(units.map((u) => [u.id, u]))
  const targets = units.filter((u) => u.id !== unit.id && u.mergedIntoId === null)
  const merged = unit.mergedIntoId !== null
  return (
    <Layout title={unit.name} viewer={viewer} section="admin" flash={props.flash}>
      <h1 safe>{unit.name}</h1>
      <AdminNav current="/admin/units" />
      <div class="card">
        <dl class="record">
          <dt>状态</dt>
          <dd safe>{unitState(unit, byId)}</dd>
          <dt>牵头任务</dt>
          <dd safe>{`${usage.leadItems} 项`}</dd>
          <dt>参与任务</dt>
          <dd safe>{`${usage.responsibleItems} 项`}</dd>
          <dt>账号</dt>
          <dd safe>{`${usage.accounts} 个`}</dd>
        </dl>
        <p>
          <a href={`/items?unitId=${unit.id}`}>查看该单位的整改任务</a>
          {' · '}
          <a href={`/admin/units/${unit.id}/channels`}>消息渠道（钉钉、企业微信、邮箱）</a>
        </p>
      </div>
      {merged ? (
        <p class="card muted">该单位已合并，不能再更名或合并；其任务、账号已移交给存续单位，历史记录保留原名称。</p>
      ) : (
        <div class="actions-grid">
          <form class="card" method="post" action={`/admin/units/${unit.id}/rename`}>
            <h2>更名</h2>
            <p class="muted">更名后，各页面、清单和导出均显示新名称；已印发的月通报和督办单保留印发时的名称。</p>
            <CsrfField token={viewer.csrfToken} />
            <TextField
              label="新名称"
              name="name"
              value={props.values?.name ?? unit.name}
              error={props.errors?.name}
              required
              maxlength={100}
            />
            <button type="submit">更名</button>
          </form>
          <form class="card" method="post" action={`/admin/units/${unit.id}/merge`}>
            <h2>并入其他单位（机构改革）</h2>
            <p class="muted">该单位牵头和参与的任务、账号及督办将移交给存续单位，每项任务记入一条合并记录；该单位标记为已合并，不删除。</p>
            <CsrfField token={viewer.csrfToken} />
            <Select
              label="并入（存续单位）"
              name="intoUnitId"
              value={props.values?.intoUnitId}
              options={[{ value: '', label: '请选择' }, ...targets.map((u) => ({ value: String(u.id), label: u.name }))]}
              error={props.errors?.intoUnitId}
            />
            <label class="check">
              <input type="checkbox" name="confirm" value="yes" /> 确认合并（不可撤销）
            </label>
            {props.errors?.confirm ? (
              <span class="error" safe>
                {props.errors.confirm}
              </span>
            ) : (
              ''
            )}
            <button type="submit">合并</button>
          </form>
        </div>
      )}
      <section class="card">
        <h2>该单位的操作记录</h2>
        <AuditTable events={props.events} />
      </section>
    </Layout>
  )
}

const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((r) => ({ value: r, label: ROLE_LABELS[r] }))

function unitOptions(units: UnitRow[]) {
  return [
    { value: '', label: '（不属于单位）' },
    ...units.filter((u) => u.mergedIntoId === null).map((u) => ({ value: String(u.id), label: u.name })),
  ]
}

function accountState(a: AccountAdminRow): string {
  return a.disabledAt ? '已停用' : '在用'
}

export function AccountsPage({
  viewer,
  accounts,
  units,
  values,
  errors,
  flash,
}: {
  viewer: Viewer
  accounts: AccountAdminRow[]
  units: UnitRow[]
  values?: FieldValues
  errors?: FieldErrors
  flash?: Flash | null
}) {
  return (
    <Layout title="账号管理" viewer={viewer} section="admin" flash={flash}>
      <h1>账号管理</h1>
      <AdminNav current="/admin/accounts" />
      <form class="card" method="post" action="/admin/accounts">
        <h2>新建账号</h2>
        <CsrfField token={viewer.csrfToken} />
        <div class="form-grid">
          <TextField
            label="用户名"
            name="login"
            value={values?.login}
            error={errors?.login}
            required
            maxlength={64}
            autocomplete="off"
            hint="登录时使用，2至64个字母、数字或 . _ @ -"
          />
          <TextField label="姓名" name="name" value={values?.name} error={errors?.name} required maxlength={100} />
          <TextField
            label="密码"
            name="password"
            type="password"
            value=""
            error={errors?.password}
            required
            autocomplete="new-password"
            hint="初始密码，至少10个字符，请告知本人并提醒修改"
          />
          <Select label="角色" name="role" value={values?.role ?? 'unit'} options={ROLE_OPTIONS} error={errors?.role} />
          <Select label="单位" name="unitId" value={values?.unitId} options={unitOptions(units)} error={errors?.unitId} />
        </div>
        <button type="submit">新建账号</button>
      </form>
      <Table
        columns={[
          {
            label: '姓名',
            cell: (a: AccountAdminRow) => (
              <a href={`/admin/accounts/${a.id}`} safe>
                {a.name}
              </a>
            ),
          },
          { label: '用户名', cell: (a: AccountAdminRow) => <span safe>{a.login ?? '（仅接口令牌）'}</span> },
          { label: '角色', cell: (a: AccountAdminRow) => <span safe>{ROLE_LABELS[a.role]}</span> },
          { label: '单位', cell: (a: AccountAdminRow) => <span safe>{a.unitName ?? '—'}</span> },
          { label: '状态', cell: (a: AccountAdminRow) => <span safe>{accountState(a)}</span> },
        ]}
        rows={accounts}
        empty="尚无账号。"
      />
    </Layout>
  )
}

export function AccountPage(props: {
  viewer: Viewer
  account: AccountAdminRow
  events: AdminEventRow[]
  token?: string | undefined
  errors?: FieldErrors
  flash?: Flash | null
}) {
  const { viewer, account } = props
  const self = account.id === viewer.account.id
  return (
    <Layout title={account.name} viewer={viewer} section="admin" flash={props.flash}>
      <h1 safe>{`账号：${account.name}`}</h1>
      <AdminNav current="/admin/accounts" />
      {props.token ? (
        <div class="card token" role="status">
          <h2>新的接口令牌</h2>
          <p>请立即复制并交给使用方；离开本页后无法再次查看。原令牌已失效。</p>
          <code class="token-value" safe>
            {props.token}
          </code>
        </div>
      ) : (
        ''
      )}
      <div class="card">
        <dl class="record">
          <dt>用户名</dt>
          <dd safe>{account.login ?? '（仅接口令牌，不能登录工作台）'}</dd>
          <dt>角色</dt>
          <dd safe>{ROLE_LABELS[account.role]}</dd>
          <dt>单位</dt>
          <dd safe>{account.unitName ?? '—'}</dd>
          <dt>状态</dt>
          <dd safe>{accountState(account)}</dd>
          <dt>接口令牌</dt>
          <dd>{account.tokenRevokedAt ? `已于${longDate(dateTime(account.tokenRevokedAt).slice(0, 10))}吊销` : '有效'}</dd>
        </dl>
      </div>
      <div class="actions-grid">
        {account.login ? (
          <form class="card" method="post" action={`/admin/accounts/${account.id}/password`}>
            <h2>重置密码</h2>
            <p class="muted">重置后该账号在所有设备上的登录即退出。</p>
            <CsrfField token={viewer.csrfToken} />
            <TextField
              label="新密码"
              name="password"
              type="password"
              value=""
              error={props.errors?.password}
              required
              autocomplete="new-password"
            />
            <button type="submit">重置密码</button>
          </form>
        ) : (
          ''
        )}
        <div class="card">
          <h2>接口令牌</h2>
          <p class="muted">供程序调用接口使用。签发新令牌后原令牌立即失效。</p>
          <form method="post" action={`/admin/accounts/${account.id}/token`}>
            <CsrfField token={viewer.csrfToken} />
            <button type="submit">签发新令牌</button>
          </form>
          {account.tokenRevokedAt ? (
            ''
          ) : (
            <form method="post" action={`/admin/accounts/${account.id}/token/revoke`}>
              <CsrfField token={viewer.csrfToken} />
              <button type="submit" class="danger">
                吊销令牌
              </button>
            </form>
          )}
        </div>
        {self ? (
          ''
        ) : (
          <form class="card" method="post" action={`/admin/accounts/${account.id}/${account.disabledAt ? 'enable' : 'disable'}`}>
            <h2>{account.disabledAt ? '启用账号' : '停用账号'}</h2>
            <p class="muted">
              {account.disabledAt ? '启用后可再次登录和使用令牌。' : '停用后该账号立即不能登录，令牌也不能使用；记录保留。'}
            </p>
            <CsrfField token={viewer.csrfToken} />
            <button type="submit" class={account.disabledAt ? undefined : 'danger'}>
              {account.disabledAt ? '启用' : '停用'}
            </button>
          </form>
        )}
      </div>
      <section class="card">
        <h2>该账号的操作记录</h2>
        <AuditTable events={props.events} />
      </section>
    </Layout>
  )
}

export interface PlanOption {
  id: number
  title: string
}

export function ImportPage(props: {
  viewer: Viewer
  plans: PlanOption[]
  values?: FieldValues
  error?: string | undefined
  preview?: { token: string; fileName: string; result: ImportPreview } | undefined
  flash?: Flash | null
}) {
  const { viewer, preview } = props
  return (
    <Layout title="导入整改清单" viewer={viewer} section="admin" flash={props.flash}>
      <h1>导入整改清单</h1>
      <AdminNav current="/admin/import" />
      {preview ? <ImportPreviewView viewer={viewer} {...preview} /> : ''}
      <form class="card" method="post" action="/admin/import" enctype="multipart/form-data">
        <h2>{preview ? '重新选择文件' : '第一步：上传清单，查看预览'}</h2>
        <p class="muted">上传后先显示每一行将如何导入及全部错误，确认后才保存。</p>
        <CsrfField token={viewer.csrfToken} />
        <Select
          label="整改方案"
          name="planId"
          value={props.values?.planId}
          options={props.plans.map((p) => ({ value: String(p.id), label: p.title }))}
        />
        <Select
          label="导入方式"
          name="mode"
          value={props.values?.mode ?? 'create'}
          options={[
            { value: 'create', label: '新增（编号已存在的视为错误）' },
            { value: 'update', label: '更新（编号已存在的按表格修改）' },
          ]}
        />
        <label class="check">
          <input type="checkbox" name="createUnits" value="true" checked={props.values?.createUnits === 'true'} />{' '}
          表格中不存在的单位自动新增
        </label>
        <div class={props.error ? 'field has-error' : 'field'}>
          <label for="f-file">清单文件（.xlsx）</label>
          <input
            type="file"
            id="f-file"
            name="file"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            required
          />
          {props.error ? (
            <span class="error" role="alert" safe>
              {props.error}
            </span>
          ) : (
            ''
          )}
        </div>
        <button type="submit">导入</button>
      </form>
    </Layout>
  )
}

const OUTCOME_LABELS: Record<string, string> = { created: '新增', updated: '更新', unchanged: '无变化' }

function ImportPreviewView({
  viewer,
  token,
  fileName,
  result,
}: {
  viewer: Viewer
  token: string
  fileName: string
  result: ImportPreview
}) {
  return (
    <section class="card" id="preview">
      <h2 safe>{`预览：${fileName}`}</h2>
      {result.ok ? (
        <p
          safe
        >{`共 ${result.rows.length} 行：新增 ${result.created} 项，更新 ${result.updated} 项，无变化 ${result.unchanged} 项${result.createdUnits.length > 0 ? `；将新增单位：${result.createdUnits.join('、')}` : ''}。尚未保存。`}</p>
      ) : (
        <div class="flash flash-error" role="alert" safe>
          {`发现 ${result.errors.length} 处错误，未保存任何内容。请修改表格后重新上传。`}
        </div>
      )}
      {result.errors.length > 0 ? (
        <Table
          columns={[
            { label: '行', cell: (e) => <span safe>{e.row === null ? '—' : String(e.row)}</span> },
            { label: '列', cell: (e) => <span safe>{e.column ?? '—'}</span> },
            { label: '错误', cell: (e) => <span safe>{e.message}</span> },
          ]}
          rows={result.errors}
          empty=""
        />
      ) : (
        ''
      )}
      <Table
        columns={[
          { label: '行', cell: (r) => <span safe>{String(r.row)}</span> },
          { label: '编号', cell: (r) => <span safe>{r.code}</span> },
          { label: '任务类别', cell: (r) => <span safe>{r.category}</span> },
          {
            label: '问题',
            cell: (r) => (
              <span class="problem" safe>
                {r.problem}
              </span>
            ),
            class: 'problem',
          },
          { label: '牵头单位', cell: (r) => <span safe>{r.leadUnit}</span> },
          { label: '责任单位', cell: (r) => <span safe>{r.responsibleUnits.join('、')}</span> },
          { label: '完成时限', cell: (r) => <span safe>{r.deadlineText || (r.deadline ?? '')}</span> },
          { label: '导入结果', cell: (r) => <span>{r.outcome ? (OUTCOME_LABELS[r.outcome] ?? r.outcome) : '—'}</span> },
        ]}
        rows={result.rows}
        empty="表格中没有任务行。"
      />
      {result.ok ? (
        <form method="post" action="/admin/import/confirm">
          <CsrfField token={viewer.csrfToken} />
          <input type="hidden" name="token" value={attr(token)} />
          <button type="submit">确认导入</button>
        </form>
      ) : (
        ''
      )}
    </section>
  )
}

export function AuditTable({ events }: { events: AdminEventRow[] }) {
  return (
    <Table
      columns={[
        { label: '时间', cell: (e: AdminEventRow) => <span safe>{dateTime(e.at)}</span> },
        { label: '操作人', cell: (e: AdminEventRow) => <span safe>{e.actorName}</span> },
        { label: '内容', cell: (e: AdminEventRow) => <span safe>{e.summary}</span> },
      ]}
      rows={events}
      empty="暂无记录。"
    />
  )
}

export function AuditPage({ viewer, events, nextBefore }: { viewer: Viewer; events: AdminEventRow[]; nextBefore: number | null }) {
  return (
    <Layout title="操作记录" viewer={viewer} section="admin">
      <h1>操作记录</h1>
      <AdminNav current="/admin/audit" />
      <p class="muted">系统管理员对单位、账号、整改清单等所做的每一项更改。</p>
      <AuditTable events={events} />
      {nextBefore !== null ? (
        <p class="pager">
          <a href={`/admin/audit?before=${nextBefore}`}>更早的记录</a>
        </p>
      ) : (
        ''
      )}
    </Layout>
  )
}

export interface CalendarOverrideView {
  date: string
  kind: 'holiday' | 'workday'
  note: string | null
}

export interface IcsPreview {
  fileName: string
  holidays: number
  workdays: number
  /** The year's days, consecutive days of one kind and name together. */
  runs: { from: string; to: string; days: number; kind: 'holiday' | 'workday'; note: string }[]
  ignored: { summary: string; reason: string }[]
  /** Days the file marks in other years, not taken. */
  otherYears: number
  /** The days as the pasted list, posted by 确认保存. */
  lines: string
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']
const withWeekday = (date: string) => `${date}（周${WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]}）`

type IcsRun = IcsPreview['runs'][number]

function IcsPreviewView({ viewer, year, preview }: { viewer: Viewer; year: number; preview: IcsPreview }) {
  return (
    <section class="card" id="ics-preview">
      <h2 safe>{`预览：${preview.fileName}`}</h2>
      <p safe>
        {`${year}年：放假${preview.holidays}天，调休上班${preview.workdays}天。${preview.otherYears > 0 ? `文件中其他年份的${preview.otherYears}天不在本次录入之列。` : ''}尚未保存。`}
      </p>
      <Table
        columns={[
          {
            label: '日期',
            cell: (r: IcsRun) => <span safe>{r.from === r.to ? withWeekday(r.from) : `${withWeekday(r.from)}至${withWeekday(r.to)}`}</span>,
          },
          { label: '天数', cell: (r: IcsRun) => <span safe>{`${r.days}天`}</span>, class: 'nowrap' },
          { label: '类型', cell: (r: IcsRun) => <span>{r.kind === 'holiday' ? '放假' : '调休上班'}</span>, class: 'nowrap' },
          { label: '名称', cell: (r: IcsRun) => <span safe>{r.note}</span> },
        ]}
        rows={preview.runs}
        empty=""
      />
      {preview.ignored.length > 0 ? (
        <>
          <h3>未导入的日程</h3>
          <Table
            columns={[
              { label: '日程', cell: (e: IcsPreview['ignored'][number]) => <span safe>{e.summary || '（无标题）'}</span> },
              { label: '原因', cell: (e: IcsPreview['ignored'][number]) => <span safe>{e.reason}</span> },
            ]}
            rows={preview.ignored}
            empty=""
          />
        </>
      ) : (
        ''
      )}
      <form method="post" action="/admin/calendar">
        <CsrfField token={viewer.csrfToken} />
        <input type="hidden" name="year" value={String(year)} />
        <input type="hidden" name="lines" value={attr(preview.lines)} />
        <button type="submit">确认保存</button>
      </form>
    </section>
  )
}

export function CalendarPage(props: {
  viewer: Viewer
  officialYears: { first: number; last: number }
  overrideYears: number[]
  year: number
  overrides: CalendarOverrideView[]
  text?: string
  error?: string | undefined
  icsError?: string | undefined
  icsPreview?: IcsPreview | undefined
  flash?: Flash | null
}) {
  const { viewer } = props
  return (
    <Layout title="工作日历" viewer={viewer} section="admin" flash={props.flash}>
      <h1>工作日历</h1>
      <AdminNav current="/admin/calendar" />
      <div class="card">
        <p safe>{`内置的国家法定节假日数据覆盖 ${props.officialYears.first}—${props.officialYears.last} 年。`}</p>
        <p>{props.overrideYears.length > 0 ? `已录入调整的年份：${props.overrideYears.join('、')}。` : '尚未录入任何调整。'}</p>
        <p class="muted">公示期等按工作日计算的期限依此日历；数据未覆盖的年份仅按周末计算。</p>
      </div>
      {props.icsPreview ? <IcsPreviewView viewer={viewer} year={props.year} preview={props.icsPreview} /> : ''}
      <form class="card" method="post" action="/admin/calendar">
        <h2 safe>{`录入 ${props.year} 年的节假日和调休上班日`}</h2>
        <CsrfField token={viewer.csrfToken} />
        <input type="hidden" name="year" value={String(props.year)} />
        <div class={props.error ? 'field has-error' : 'field'}>
          <label for="f-lines">节假日和调休上班日（每行一条）</label>
          <textarea id="f-lines" name="lines" rows="8" aria-describedby="f-lines-hint" safe>
            {props.text ?? ''}
          </textarea>
          <span class="hint" id="f-lines-hint">
            格式：日期或日期范围、“休”或“班”、可选说明，例如“2027-01-01~2027-01-03 休 元旦”“2027-02-07 班 春节调休”。全部正确才保存。
          </span>
          {props.error ? (
            <span class="error" role="alert" safe>
              {props.error}
            </span>
          ) : (
            ''
          )}
        </div>
        <button type="submit">保存</button>
      </form>
      <form class="card" method="post" action="/admin/calendar/ics" enctype="multipart/form-data">
        <h2 safe>{`或上传 ${props.year} 年的日历文件（.ics）`}</h2>
        <p class="muted">
          可上传政府网站或日历软件导出的节假日日历：全天日程记为放假，名称含“班”（如“补班”“上班”）的记为调休上班。上传后先显示预览，确认后才保存。
        </p>
        <CsrfField token={viewer.csrfToken} />
        <input type="hidden" name="year" value={String(props.year)} />
        <div class={props.icsError ? 'field has-error' : 'field'}>
          <label for="f-ics">日历文件（.ics）</label>
          <input
            type="file"
            id="f-ics"
            name="file"
            accept=".ics,text/calendar"
            required
            aria-invalid={props.icsError ? 'true' : undefined}
            aria-describedby={props.icsError ? 'f-ics-error' : undefined}
          />
          {props.icsError ? (
            <span class="error" id="f-ics-error" role="alert" safe>
              {props.icsError}
            </span>
          ) : (
            ''
          )}
        </div>
        <button type="submit">上传并预览</button>
      </form>
      <section class="card">
        <h2 safe>{`${props.year} 年已录入的调整`}</h2>
        <Table
          columns={[
            { label: '日期', cell: (o: CalendarOverrideView) => <span safe>{o.date}</span> },
            { label: '类型', cell: (o: CalendarOverrideView) => <span>{o.kind === 'holiday' ? '放假' : '调休上班'}</span> },
            { label: '说明', cell: (o: CalendarOverrideView) => <span safe>{o.note ?? ''}</span> },
          ]}
          rows={props.overrides}
          empty="无。"
        />
      </section>
    </Layout>
  )
}

export interface PlanListRow {
  id: number
  title: string
  issuedBy: string
  timezone: string
  categories: string[]
  noticeWorkingDays: number
  jointSupervisionAfterDays: number
  reminderDays: number
  reportDueDay: number
}

/** A plan's settings as the form shows them (what a new plan starts with, or an existing plan's). */
export function planFormValues(plan?: PlanListRow): FieldValues {
  return plan
    ? {
        title: plan.title,
        issuedBy: plan.issuedBy,
        timezone: plan.timezone,
        categories: plan.categories.join('\n'),
        noticeWorkingDays: String(plan.noticeWorkingDays),
        jointSupervisionAfterDays: String(plan.jointSupervisionAfterDays),
        reminderDays: String(plan.reminderDays),
        reportDueDay: String(plan.reportDueDay),
      }
    : {
        timezone: 'Asia/Shanghai',
        noticeWorkingDays: '5',
        jointSupervisionAfterDays: '15',
        reminderDays: '3',
        reportDueDay: '25',
      }
}

/** Every setting of a plan, for the new-plan form and the edit form alike. */
function PlanFields({ values, errors }: { values: FieldValues; errors?: FieldErrors | undefined }) {
  const number = (label: string, name: string, hint: string) => (
    <TextField label={label} name={name} type="number" value={values[name]} error={errors?.[name]} hint={hint} required />
  )
  return (
    <>
      <div class="form-grid">
        <TextField label="方案名称" name="title" value={values.title} error={errors?.title} required maxlength={300} />
        <TextField label="印发单位" name="issuedBy" value={values.issuedBy} error={errors?.issuedBy} required maxlength={300} />
        <TextField
          label="时区"
          name="timezone"
          value={values.timezone}
          error={errors?.timezone}
          maxlength={64}
          hint="日期按此时区计算，一般为 Asia/Shanghai"
        />
        {number('公示期（工作日）', 'noticeWorkingDays', '1至60')}
        {number('逾期多少天联合督办', 'jointSupervisionAfterDays', '1至365天')}
        {number('截止前提醒（工作日）', 'reminderDays', '完成时限前几个工作日提醒牵头单位，1至30')}
        {number('月报截止日', 'reportDueDay', '每月几日前报送进展，1至28')}
      </div>
      <TextArea
        label="任务领域（每行一个）"
        name="categories"
        value={values.categories}
        error={errors?.categories}
        rows={5}
        hint="按顺序列出；仍有任务的领域不能删除或更名"
      />
    </>
  )
}

export function PlansPage({
  viewer,
  plans,
  values,
  errors,
  flash,
}: {
  viewer: Viewer
  plans: PlanListRow[]
  values?: FieldValues
  errors?: FieldErrors
  flash?: Flash | null
}) {
  return (
    <Layout title="整改方案" viewer={viewer} section="admin" flash={flash}>
      <h1>整改方案</h1>
      <AdminNav current="/admin/plans" />
      <Table
        columns={[
          {
            label: '方案',
            cell: (p: PlanListRow) => (
              <a href={`/admin/plans/${p.id}`} safe>
                {p.title}
              </a>
            ),
          },
          { label: '印发单位', cell: (p: PlanListRow) => <span safe>{p.issuedBy}</span> },
          { label: '任务领域', cell: (p: PlanListRow) => <span safe>{p.categories.join('、')}</span> },
          { label: '公示期', cell: (p: PlanListRow) => <span safe>{`${p.noticeWorkingDays}个工作日`}</span>, class: 'nowrap' },
          { label: '联合督办', cell: (p: PlanListRow) => <span safe>{`逾期${p.jointSupervisionAfterDays}天`}</span>, class: 'nowrap' },
          { label: '截止前提醒', cell: (p: PlanListRow) => <span safe>{`${p.reminderDays}个工作日`}</span>, class: 'nowrap' },
          { label: '月报截止', cell: (p: PlanListRow) => <span safe>{`每月${p.reportDueDay}日`}</span>, class: 'nowrap' },
          { label: '时区', cell: (p: PlanListRow) => <span safe>{p.timezone}</span> },
          {
            label: '操作',
            cell: (p: PlanListRow) => (
              <a href={`/admin/plans/${p.id}`} aria-label={attr(`修改“${p.title}”`)}>
                修改
              </a>
            ),
          },
        ]}
        rows={plans}
        empty="尚无整改方案。"
      />
      <form class="card" method="post" action="/admin/plans">
        <h2>新建整改方案</h2>
        <CsrfField token={viewer.csrfToken} />
        <PlanFields values={values ?? planFormValues()} errors={errors} />
        <button type="submit">新建方案</button>
      </form>
    </Layout>
  )
}

export function PlanPage(props: {
  viewer: Viewer
  plan: PlanListRow
  events: AdminEventRow[]
  values?: FieldValues | undefined
  errors?: FieldErrors | undefined
  flash?: Flash | null
}) {
  const { viewer, plan } = props
  return (
    <Layout title={`修改整改方案：${plan.title}`} viewer={viewer} section="admin" flash={props.flash}>
      <h1 safe>{plan.title}</h1>
      <AdminNav current="/admin/plans" />
      <p>
        <a href="/admin/plans">返回整改方案列表</a> · <a href={`/dashboard?planId=${plan.id}`}>查看该方案的驾驶舱</a>
      </p>
      <form class="card" method="post" action={`/admin/plans/${plan.id}`}>
        <h2>修改方案设置</h2>
        <p class="muted">保存后，提醒、公示期和督办按新设置计算；已印发的月通报保留印发时的内容。每项修改记入操作记录。</p>
        <CsrfField token={viewer.csrfToken} />
        <PlanFields values={props.values ?? planFormValues(plan)} errors={props.errors} />
        <button type="submit">保存修改</button>
      </form>
      <section class="card">
        <h2>该方案的操作记录</h2>
        <AuditTable events={props.events} />
      </section>
    </Layout>
  )
}
