// Messages (消息) in the workbench: everyone's list with its unread ones marked; the deliveries to units' robots and
// mailboxes for the admin and the office, with 重试; a unit's channels for the admin.
import type { ChannelView, DeliveryView, NotificationView } from '../../modules/notifications/notifications.service.ts'
import type { DeliveryStatus } from '../../modules/notifications/notifications.repo.ts'
import type { UnitRow } from '../../modules/units/units.repo.ts'
import { attr, CsrfField, Field, Layout, Select, Table, TextField, type Flash, type Viewer } from '../components.tsx'
import { longDateTime } from '../format.ts'

export type FieldErrors = Record<string, string>
export type FieldValues = Record<string, string>

/** A message as the page shows it: the time already written in its plan's zone. */
export type MessageRow = NotificationView & { when: string }

export function MessagesPage(props: {
  viewer: Viewer
  messages: MessageRow[]
  unread: number
  /** The page shown: null for the newest, else the id the list starts below. */
  before: number | null
  nextBefore: number | null
  flash?: Flash | null
}) {
  const { viewer, messages, unread, before } = props
  return (
    <Layout title="消息" viewer={viewer} section="messages" flash={props.flash}>
      <h1>消息</h1>
      <div class="pager">
        <span>{unread > 0 ? `${unread} 条未读` : '没有未读消息'}</span>
        {unread > 0 ? (
          <form method="post" action="/messages/read-all">
            <CsrfField token={viewer.csrfToken} />
            <button type="submit" class="secondary">
              全部标为已读
            </button>
          </form>
        ) : (
          ''
        )}
      </div>
      {messages.length === 0 ? (
        <p class="card muted">{before === null ? '暂无消息。' : '没有更早的消息。'}</p>
      ) : (
        <ol class="messages">
          {messages.map((m) => (
            <MessageEntry message={m} viewer={viewer} before={before} />
          ))}
        </ol>
      )}
      {before !== null || props.nextBefore !== null ? (
        <nav class="pager" aria-label="分页">
          {before !== null ? <a href="/messages">最新消息</a> : ''}
          {props.nextBefore !== null ? <a href={`/messages?before=${props.nextBefore}`}>更早的消息</a> : ''}
        </nav>
      ) : (
        ''
      )}
    </Layout>
  )
}

function MessageEntry({ message: m, viewer, before }: { message: MessageRow; viewer: Viewer; before: number | null }) {
  const unread = m.readAt === null
  return (
    <li class={unread ? 'message unread' : 'message'} id={`message-${m.id}`}>
      <div class="message-head">
        {unread ? <span class="tag tag-unread">未读</span> : <span class="tag tag-read">已读</span>}
        <h2 class="message-title" safe>
          {m.title}
        </h2>
      </div>
      <p class="message-meta muted">
        <span safe>{m.when}</span>
        {m.itemId !== null ? (
          <>
            {' · 任务 '}
            <a href={`/items/${m.itemId}`} safe>
              {m.itemCode ?? `#${m.itemId}`}
            </a>
          </>
        ) : (
          ''
        )}
      </p>
      <p class="message-body" safe>
        {m.body}
      </p>
      {unread ? (
        <form method="post" action={`/messages/${m.id}/read`}>
          <CsrfField token={viewer.csrfToken} />
          {before !== null ? <input type="hidden" name="before" value={String(before)} /> : ''}
          <button type="submit" class="secondary" aria-label={attr(`标为已读：${m.title}`)}>
            标为已读
          </button>
        </form>
      ) : (
        ''
      )}
    </li>
  )
}

// ── deliveries (the outbox) ─────────────────────────────────────────────

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: '待发送',
  sent: '已发送',
  failed: '失败',
  dead: '已放弃',
}

export const CHANNEL_KIND_LABELS: Record<string, string> = { dingtalk: '钉钉机器人', wecom: '企业微信机器人', email: '邮箱' }

export function DeliveriesPage(props: {
  viewer: Viewer
  deliveries: DeliveryView[]
  status: DeliveryStatus | null
  before: number | null
  nextBefore: number | null
  timezone: string
  flash?: Flash | null
}) {
  const { viewer, status, timezone } = props
  const query = (s: DeliveryStatus | null) => (s ? `?status=${s}` : '')
  const filters: [DeliveryStatus | null, string][] = [
    [null, '全部'],
    ...(Object.entries(DELIVERY_STATUS_LABELS) as [DeliveryStatus, string][]),
  ]
  return (
    <Layout title="消息发送" viewer={viewer} section="deliveries" flash={props.flash}>
      <h1>消息发送</h1>
      <p class="muted">各单位的钉钉、企业微信机器人和邮箱收到的消息。发送失败的会自动重试，多次失败后放弃；可在此手动重试。</p>
      <nav class="subnav" aria-label="按状态筛选">
        {filters.map(([s, label]) => (
          <a href={`/deliveries${query(s)}`} aria-current={s === status ? 'page' : undefined} safe>
            {label}
          </a>
        ))}
      </nav>
      <Table
        columns={[
          {
            label: '渠道',
            class: 'channel',
            cell: (d: DeliveryView) => (
              <>
                <span safe>{CHANNEL_KIND_LABELS[d.channel.kind] ?? d.channel.kind}</span>
                {d.channel.removed ? <span class="tag">已删除</span> : ''}
                <br />
                <span class="muted target" safe>
                  {d.channel.target}
                </span>
              </>
            ),
          },
          { label: '接收单位', class: 'unit', cell: (d: DeliveryView) => <span safe>{d.channel.unitName}</span> },
          {
            label: '消息',
            class: 'message-cell',
            cell: (d: DeliveryView) => (
              <>
                <span safe>{d.notification.title}</span>
                {d.notification.itemId !== null ? (
                  <>
                    {' '}
                    <a class="nowrap" href={`/items/${d.notification.itemId}`}>
                      查看任务
                    </a>
                  </>
                ) : (
                  ''
                )}
              </>
            ),
          },
          {
            label: '状态',
            cell: (d: DeliveryView) => (
              <span class={`status delivery-${d.status}`} safe>
                {DELIVERY_STATUS_LABELS[d.status]}
              </span>
            ),
          },
          { label: '尝试次数', class: 'number', cell: (d: DeliveryView) => <span safe>{String(d.attempts)}</span> },
          {
            label: '最近错误',
            class: 'error-cell',
            cell: (d: DeliveryView) => (d.lastError ? <span safe>{d.lastError}</span> : <span class="muted">—</span>),
          },
          {
            label: '下次尝试',
            class: 'date',
            cell: (d: DeliveryView) => (
              <span safe>
                {d.nextAttemptAt
                  ? longDateTime(d.nextAttemptAt, timezone)
                  : d.sentAt
                    ? `已于 ${longDateTime(d.sentAt, timezone)} 发送`
                    : '—'}
              </span>
            ),
          },
          {
            label: '操作',
            cell: (d: DeliveryView) =>
              d.status === 'failed' || d.status === 'dead' ? (
                <form method="post" action={`/deliveries/${d.id}/retry`}>
                  <CsrfField token={viewer.csrfToken} />
                  {status ? <input type="hidden" name="status" value={status} /> : ''}
                  <button type="submit" class="secondary" aria-label={attr(`重试：${d.notification.title}`)}>
                    重试
                  </button>
                </form>
              ) : (
                <span class="muted">—</span>
              ),
          },
        ]}
        rows={props.deliveries}
        empty={status ? `没有${DELIVERY_STATUS_LABELS[status]}的消息。` : '尚未向任何渠道发送消息。'}
      />
      {props.before !== null || props.nextBefore !== null ? (
        <nav class="pager" aria-label="分页">
          {props.before !== null ? <a href={`/deliveries${query(status)}`}>最新</a> : ''}
          {props.nextBefore !== null ? (
            <a href={`/deliveries?${status ? `status=${status}&` : ''}before=${props.nextBefore}`}>更早的记录</a>
          ) : (
            ''
          )}
        </nav>
      ) : (
        ''
      )}
    </Layout>
  )
}

// ── a unit's channels (the admin) ───────────────────────────────────────

/** Which form a refusal belongs to: `add`, or the id of the channel being changed. */
export interface ChannelFormState {
  form: 'add' | number
  values: FieldValues
  errors: FieldErrors
}

const KIND_OPTIONS = [
  { value: 'dingtalk', label: '钉钉群机器人' },
  { value: 'wecom', label: '企业微信群机器人' },
  { value: 'email', label: '邮箱' },
]

export function ChannelsPage(props: {
  viewer: Viewer
  unit: UnitRow
  mergedInto: UnitRow | null
  channels: ChannelView[]
  emailConfigured: boolean
  maxChannels: number
  state?: ChannelFormState | undefined
  flash?: Flash | null
}) {
  const { viewer, unit, channels, state } = props
  const addState = state?.form === 'add' ? state : undefined
  return (
    <Layout title={`${unit.name} - 消息渠道`} viewer={viewer} section="admin" flash={props.flash}>
      <p class="muted">
        <a href="/admin/units">单位</a>
        {' › '}
        <a href={`/admin/units/${unit.id}`} safe>
          {unit.name}
        </a>
      </p>
      <h1 safe>{`${unit.name}：消息渠道`}</h1>
      <p class="muted">
        该单位的消息除在工作台“消息”中显示外，还会发送到以下渠道：钉钉或企业微信群机器人（Webhook），以及邮箱。机器人地址中的令牌和加签密钥保存后不再显示。
      </p>
      {props.emailConfigured ? (
        ''
      ) : (
        <p class="flash flash-error" role="status">
          未配置邮件发送服务（SMTP_URL），邮箱渠道暂不会发出邮件。
        </p>
      )}
      {props.mergedInto ? (
        <p class="card muted">
          {'该单位已并入'}
          <a href={`/admin/units/${props.mergedInto.id}/channels`} safe>
            {props.mergedInto.name}
          </a>
          {'，其消息和渠道已移交存续单位。'}
        </p>
      ) : (
        <>
          <Table
            columns={[
              { label: '类型', cell: (c: ChannelView) => <span safe>{CHANNEL_KIND_LABELS[c.kind] ?? c.kind}</span> },
              {
                label: '地址',
                class: 'target',
                cell: (c: ChannelView) => <span safe>{c.kind === 'email' ? c.address : c.url}</span>,
              },
              { label: '状态', cell: (c: ChannelView) => <span safe>{channelState(c)}</span> },
              {
                label: '操作',
                cell: (c: ChannelView) => (
                  <form method="post" action={`/admin/units/${unit.id}/channels/${c.id}/remove`}>
                    <CsrfField token={viewer.csrfToken} />
                    <button
                      type="submit"
                      class="secondary"
                      aria-label={attr(`删除：${CHANNEL_KIND_LABELS[c.kind]} ${c.kind === 'email' ? c.address : c.url}`)}
                    >
                      删除
                    </button>
                  </form>
                ),
              },
            ]}
            rows={channels}
            empty="尚未设置消息渠道：该单位的消息只在工作台中显示。"
          />
          {channels.length > 0 ? <h2>修改渠道</h2> : ''}
          {channels.map((c, i) => (
            <ChangeChannelForm viewer={viewer} unitId={unit.id} channel={c} n={i + 1} state={state?.form === c.id ? state : undefined} />
          ))}
          {channels.length < props.maxChannels ? (
            <form class="card" method="post" action={`/admin/units/${unit.id}/channels`}>
              <h2>新增渠道</h2>
              <CsrfField token={viewer.csrfToken} />
              <div class="form-grid">
                <Select
                  label="类型"
                  name="kind"
                  value={addState?.values.kind ?? 'dingtalk'}
                  options={KIND_OPTIONS}
                  error={addState?.errors.kind}
                />
                <TextField
                  label="机器人 Webhook 地址"
                  name="url"
                  value={addState?.values.url}
                  error={addState?.errors.url}
                  maxlength={2000}
                  autocomplete="off"
                  hint="钉钉或企业微信群机器人的地址，以 http:// 或 https:// 开头"
                />
                <TextField
                  label="加签密钥（钉钉，可选）"
                  name="secret"
                  type="password"
                  value=""
                  error={addState?.errors.secret}
                  maxlength={200}
                  autocomplete="new-password"
                  hint="钉钉机器人安全设置中的“加签”密钥，以 SEC 开头"
                />
                <TextField
                  label="邮箱地址"
                  name="address"
                  value={addState?.values.address}
                  error={addState?.errors.address}
                  maxlength={254}
                  autocomplete="off"
                  hint="类型为邮箱时填写"
                />
              </div>
              <button type="submit">添加渠道</button>
            </form>
          ) : (
            <p class="card muted" safe>{`每个单位最多设置${props.maxChannels}个渠道。`}</p>
          )}
        </>
      )}
    </Layout>
  )
}

function channelState(c: ChannelView): string {
  if (c.kind === 'email') return c.configured ? '启用' : '未配置邮件发送服务，暂不发送'
  if (c.kind === 'dingtalk') return c.hasSecret ? '启用（已设置加签密钥）' : '启用（未加签）'
  return '启用'
}

function ChangeChannelForm({
  viewer,
  unitId,
  channel: c,
  n,
  state,
}: {
  viewer: Viewer
  unitId: number
  channel: ChannelView
  n: number
  state: ChannelFormState | undefined
}) {
  const label = CHANNEL_KIND_LABELS[c.kind] ?? c.kind
  return (
    <form class="card" method="post" action={`/admin/units/${unitId}/channels/${c.id}`} id={`channel-${c.id}`}>
      <h3 safe>{`${n}. ${label}`}</h3>
      {c.kind === 'email' ? '' : <p class="muted target" safe>{`现为 ${c.url}`}</p>}
      <CsrfField token={viewer.csrfToken} />
      <div class="form-grid channel-grid">
        {c.kind === 'email' ? (
          <TextField
            label="邮箱地址"
            name="address"
            id={`address-${c.id}`}
            value={state?.values.address ?? c.address}
            error={state?.errors.address}
            maxlength={254}
            autocomplete="off"
          />
        ) : (
          <TextField
            label="新的 Webhook 地址"
            name="url"
            id={`url-${c.id}`}
            value={state?.values.url}
            error={state?.errors.url}
            maxlength={2000}
            autocomplete="off"
            hint="留空则不变"
          />
        )}
        {c.kind === 'dingtalk' ? (
          <Field label="加签密钥" name="secret" id={`secret-${c.id}`} error={state?.errors.secret}>
            <input
              type="password"
              id={`f-secret-${c.id}`}
              name="secret"
              value=""
              maxlength={200}
              autocomplete="new-password"
              aria-describedby={`f-secret-${c.id}-hint`}
            />
            <span class="hint" id={`f-secret-${c.id}-hint`}>
              {c.hasSecret ? '已设置（不显示）；留空则保留原密钥' : '未设置；填写后启用加签'}
            </span>
            {c.hasSecret ? (
              <label class="check">
                <input type="checkbox" name="clearSecret" value="yes" /> 不再加签（删除密钥）
              </label>
            ) : (
              ''
            )}
          </Field>
        ) : (
          ''
        )}
      </div>
      <button type="submit" aria-label={`保存第${n}个渠道（${label}）`}>
        保存
      </button>
    </form>
  )
}
