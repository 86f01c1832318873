import { ACTION_LABELS, type ItemAction } from '../../domain/items.ts'
import { TRANSITIONS } from '../../modules/closeout/state-machine.ts'
import type { ItemView } from '../../modules/items/items.service.ts'
import type { ItemEventRow } from '../../modules/events/events.repo.ts'
import type { EvidenceView } from '../../modules/evidence/evidence.service.ts'
import type { ExtensionRow } from '../../modules/extensions/extensions.service.ts'
import type { SupervisionView } from '../../modules/supervision/supervision.service.ts'
import type { PlanRow } from '../../modules/plans/plans.repo.ts'
import {
  attr,
  CsrfField,
  Deadline,
  Field,
  Layout,
  StatusBadge,
  TextArea,
  TextField,
  TimelineEntry,
  type Flash,
  type Viewer,
} from '../components.tsx'
import { fileSize, localDateTime, longDate, longPeriod } from '../format.ts'

/** Which forms the page offers; each is decided from the item's allowed actions and the permission module. */
export interface ItemForms {
  /** Close-out actions the person may take now (the item's allowedActions). */
  transitions: ItemAction[]
  report: boolean
  evidence: boolean
  extension: boolean
}

/** A form sent back with what was typed and what is wrong, by field. */
export interface FormState {
  form: string
  values: Record<string, string>
  errors: Record<string, string>
}

export interface ItemPageData {
  viewer: Viewer
  item: ItemView
  plan: PlanRow
  events: ItemEventRow[]
  evidence: EvidenceView[]
  extensions: ExtensionRow[]
  supervisions: SupervisionView[]
  forms: ItemForms
  period: string
  flash?: Flash | null
  state?: FormState | null
}

/** What each close-out action's text box is called; its text becomes the transition's comment. */
const COMMENT_LABELS: Record<ItemAction, string> = {
  start: '说明（可选）',
  request_closure: '自查自验情况',
  reject: '退回理由及整改要求',
  accept: '验收意见',
  uphold_objection: '成立的异议及理由',
  close: '说明（可选）',
  reopen: '重新整改的原因',
}

const EVENT_TITLES: Record<string, string> = {
  create: '列入整改清单',
  edit: '修改任务内容',
  unit_merged: '单位合并（机构改革）',
  progress_reported: '报送进展',
  evidence_added: '上传佐证材料',
  extension_requested: '申请延期',
  extension_approved: '同意延期',
  extension_rejected: '不同意延期',
  urge: '催办',
  supervision_opened: '联合督办',
  supervision_acknowledged: '签收督办单',
  supervision_replied: '回复督办单',
  supervision_sent_back: '督办回复被退回',
  supervision_resolved: '督办办结',
  objection_filed: '收到公示异议',
  objection_dismissed: '异议不成立',
  record: '记录',
}

export function eventTitle(event: ItemEventRow): string {
  const label = (ACTION_LABELS as Record<string, string>)[event.action] ?? EVENT_TITLES[event.action] ?? event.action
  const d = (event.details ?? {}) as Record<string, unknown>
  if (event.action === 'progress_reported' && typeof d.period === 'string') {
    return `${label}（${longPeriod(d.period)}${typeof d.percent === 'number' ? `，完成${Math.round(d.percent)}%` : ''}）`
  }
  if (event.action === 'extension_requested' && typeof d.newDeadline === 'string') return `${label}（至${longDate(d.newDeadline)}）`
  if (event.action.startsWith('supervision_') && typeof d.number === 'string') return `${label}（${d.number}）`
  return label
}

function stateFor(state: FormState | null | undefined, form: string): FormState {
  return state && state.form === form ? state : { form, values: {}, errors: {} }
}

export function ItemPage(data: ItemPageData) {
  const { viewer, item, plan, forms } = data
  const tz = plan.timezone
  const evidenceById = new Map(data.evidence.map((e) => [e.id, e]))
  const openSupervisions = data.supervisions.filter((s) => s.status !== 'resolved')
  const pendingExtension = data.extensions.find((e) => e.status === 'pending')
  const formError = (form: string) => (data.state?.form === form ? data.state.errors._form : undefined)
  return (
    <Layout title={`${item.code} ${item.problem.slice(0, 20)}`} viewer={viewer} section="items" flash={data.flash}>
      <p class="no-print">
        <a href="/items">← 整改任务</a>
      </p>
      <div class="card">
        <h1>
          <span safe>{`${item.code}　${item.problem.length > 60 ? `${item.problem.slice(0, 60)}…` : item.problem}`}</span>
        </h1>
        <p>
          <StatusBadge status={item.status} />
          {item.overdue ? <span class="tag tag-overdue" safe>{`逾期${item.daysOverdue}天`}</span> : ''}
          {item.lagging ? <span class="tag tag-lagging">进展缓慢</span> : ''}
          {item.rebound ? <span class="tag tag-overdue">反弹</span> : ''}
          {item.evidenceReused ? <span class="tag tag-lagging">佐证材料与其他任务重复</span> : ''}
        </p>
        <dl class="record">
          <dt>整改方案</dt>
          <dd safe>{plan.title}</dd>
          <dt>任务领域</dt>
          <dd safe>{item.category || '—'}</dd>
          <dt>督察反馈问题</dt>
          <dd safe>{item.problem}</dd>
          <dt>整改目标</dt>
          <dd safe>{item.target}</dd>
          <dt>整改措施</dt>
          <dd safe>{item.measures}</dd>
          <dt>牵头单位</dt>
          <dd safe>{item.leadUnit.name}</dd>
          <dt>责任单位</dt>
          <dd safe>{item.responsibleUnits.map((u) => u.name).join('、') || '—'}</dd>
          <dt>完成时限</dt>
          <dd>
            <Deadline item={item} />
          </dd>
          {item.note ? (
            <>
              <dt>备注</dt>
              <dd safe>{item.note}</dd>
            </>
          ) : (
            ''
          )}
          {item.noticeEndsAt ? (
            <>
              <dt>公示截止</dt>
              <dd safe>{localDateTime(item.noticeEndsAt, tz)}</dd>
            </>
          ) : (
            ''
          )}
          {item.closedAt ? (
            <>
              <dt>销号时间</dt>
              <dd safe>{localDateTime(item.closedAt, tz)}</dd>
            </>
          ) : (
            ''
          )}
          <dt>佐证材料</dt>
          <dd safe>{`${item.evidenceCount}份`}</dd>
        </dl>
      </div>

      {openSupervisions.length > 0 ? (
        <div class="card">
          <h2>联合督办</h2>
          {openSupervisions.map((s) => (
            <SupervisionBlock
              supervision={s}
              viewer={viewer}
              evidence={data.evidence}
              state={stateFor(data.state, `supervision-${s.id}`)}
            />
          ))}
        </div>
      ) : (
        ''
      )}

      <div class="actions-grid no-print">
        {forms.transitions.map((action) => {
          const state = stateFor(data.state, `transition-${action}`)
          const rule = TRANSITIONS[action]
          return (
            <div class="card">
              <h2 safe>{ACTION_LABELS[action]}</h2>
              {action === 'request_closure' ? <p class="muted">申请销号须已上传佐证材料；自查自验情况将作为申请说明记入档案。</p> : ''}
              <form class="stack" method="post" action={`/items/${item.id}/transitions`}>
                <CsrfField token={viewer.csrfToken} />
                <input type="hidden" name="action" value={action} />
                <input type="hidden" name="expectedVersion" value={String(item.version)} />
                <TextArea
                  label={COMMENT_LABELS[action]}
                  name={`comment-${action}`}
                  value={state.values.comment}
                  error={state.errors.comment ?? state.errors._form}
                  required={rule.commentRequired}
                  maxlength={4000}
                />
                <div>
                  <button type="submit" safe>
                    {ACTION_LABELS[action]}
                  </button>
                </div>
              </form>
            </div>
          )
        })}

        {forms.report ? (
          <div class="card">
            <h2>报送进展</h2>
            <form class="stack" method="post" action={`/items/${item.id}/reports`}>
              <CsrfField token={viewer.csrfToken} />
              <p class="muted" safe>{`报送月份：${longPeriod(data.period)}`}</p>
              <TextArea
                label="本月整改进展"
                name="text"
                value={stateFor(data.state, 'report').values.text}
                error={stateFor(data.state, 'report').errors.text ?? formError('report')}
                required
                maxlength={4000}
              />
              <TextField
                label="完成比例（%，可选）"
                name="percent"
                type="number"
                value={stateFor(data.state, 'report').values.percent}
                error={stateFor(data.state, 'report').errors.percent}
              />
              <div>
                <button type="submit">报送进展</button>
              </div>
            </form>
          </div>
        ) : (
          ''
        )}

        {forms.evidence ? (
          <div class="card">
            <h2>上传佐证材料</h2>
            <form class="stack" method="post" action={`/items/${item.id}/evidence`} enctype="multipart/form-data">
              <CsrfField token={viewer.csrfToken} />
              <Field
                label="选择文件（可多选）"
                name="files"
                error={stateFor(data.state, 'evidence').errors.files}
                hint="PDF、JPEG、PNG、DOCX 或 XLSX，每个文件不超过20MB"
              >
                <input type="file" id="f-files" name="files" multiple required accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx" />
              </Field>
              <div>
                <button type="submit">上传佐证材料</button>
              </div>
            </form>
          </div>
        ) : (
          ''
        )}

        {forms.extension && !pendingExtension ? (
          <div class="card">
            <h2>申请延期</h2>
            <form class="stack" method="post" action={`/items/${item.id}/extensions`}>
              <CsrfField token={viewer.csrfToken} />
              <TextField
                label="申请延期至"
                name="newDeadline"
                type="date"
                value={stateFor(data.state, 'extension').values.newDeadline}
                error={stateFor(data.state, 'extension').errors.newDeadline ?? formError('extension')}
                required
              />
              <TextArea
                label="延期理由"
                name="reason"
                value={stateFor(data.state, 'extension').values.reason}
                error={stateFor(data.state, 'extension').errors.reason}
                required
                maxlength={2000}
              />
              <TextArea
                label="目前进展"
                name="progress"
                value={stateFor(data.state, 'extension').values.progress}
                error={stateFor(data.state, 'extension').errors.progress}
                required
                maxlength={4000}
              />
              <div>
                <button type="submit">申请延期</button>
              </div>
            </form>
          </div>
        ) : (
          ''
        )}
        {pendingExtension ? (
          <div class="card">
            <h2>延期申请</h2>
            <p safe>{`已申请延期至${longDate(pendingExtension.newDeadline)}，等待整改办审批。`}</p>
          </div>
        ) : (
          ''
        )}
      </div>

      <div class="card">
        <h2>佐证材料</h2>
        {data.evidence.length === 0 ? (
          <p class="muted">尚未上传佐证材料。</p>
        ) : (
          <ul class="evidence-list">
            {data.evidence.map((e) => (
              <li>
                {e.mediaType.startsWith('image/') ? (
                  <a class="evidence-preview" href={`/evidence/${e.id}/view`} target="_blank" rel="noopener">
                    <img src={`/evidence/${e.id}/view`} alt={attr(`${e.fileName}（预览）`)} loading="lazy" />
                  </a>
                ) : (
                  ''
                )}
                <div>
                  <span class="file-name" safe>
                    {e.fileName}
                  </span>
                  <EvidenceActions evidence={e} />
                  <span
                    class="muted"
                    safe
                  >{`${fileSize(e.sizeBytes)} · ${e.uploaderUnit ?? e.uploadedBy} · ${localDateTime(e.uploadedAt, tz)}`}</span>
                  {e.reused ? <span class="tag tag-lagging">与其他任务重复</span> : ''}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>

      <div class="card">
        <h2>办理记录</h2>
        <ol class="timeline">
          {[...data.events].reverse().map((event) => {
            const d = (event.details ?? {}) as Record<string, unknown>
            const file = typeof d.evidenceId === 'number' ? evidenceById.get(d.evidenceId) : undefined
            const supervisionId = typeof d.supervisionId === 'number' ? d.supervisionId : undefined
            return (
              <TimelineEntry
                at={localDateTime(event.at, tz)}
                title={eventTitle(event)}
                actor={event.actorUnitName ? `${event.actorName}（${event.actorUnitName}）` : event.actorName}
                text={event.comment}
              >
                {file ? (
                  <p>
                    <span class="file-name" safe>
                      {file.fileName}
                    </span>
                    <EvidenceActions evidence={file} />
                  </p>
                ) : (
                  ''
                )}
                {event.action === 'supervision_opened' && supervisionId !== undefined ? (
                  <p>
                    <a href={`/supervisions/${supervisionId}/notice`}>查看督办单</a>
                  </p>
                ) : (
                  ''
                )}
              </TimelineEntry>
            )
          })}
        </ol>
      </div>
    </Layout>
  )
}

/** Whether a browser shows a file of this type by itself (its PDF viewer, an image): those open with 查看. */
export function opensInBrowser(mediaType: string): boolean {
  return mediaType === 'application/pdf' || mediaType.startsWith('image/')
}

/** 查看 (in a new tab, for a PDF or an image) and 下载, beside a file's name; the link text names the file for screen readers. */
export function EvidenceActions({ evidence: e }: { evidence: { id: number; fileName: string; mediaType: string } }) {
  return (
    <span class="file-actions">
      {opensInBrowser(e.mediaType) ? (
        <a href={`/evidence/${e.id}/view`} target="_blank" rel="noopener" aria-label={attr(`查看 ${e.fileName}`)}>
          查看
        </a>
      ) : (
        ''
      )}
      <a href={`/evidence/${e.id}`} aria-label={attr(`下载 ${e.fileName}`)}>
        下载
      </a>
    </span>
  )
}

function SupervisionBlock({
  supervision: s,
  viewer,
  evidence,
  state,
}: {
  supervision: SupervisionView
  viewer: Viewer
  evidence: EvidenceView[]
  state: FormState
}) {
  return (
    <div>
      <h3>
        <a href={`/supervisions/${s.id}/notice`} safe>
          {s.number}
        </a>
        <span class="muted" safe>{`　${s.statusLabel} · 回复期限${longDate(s.replyDueOn)}`}</span>
      </h3>
      <p class="text" safe>{`督办事由：${s.reason}`}</p>
      {s.reply ? <p class="text" safe>{`已回复：${s.reply.text}`}</p> : ''}
      {state.errors._form ? (
        <p class="flash flash-error" safe>
          {state.errors._form}
        </p>
      ) : (
        ''
      )}
      {s.allowedActions.includes('acknowledge') ? (
        <form class="stack" method="post" action={`/supervisions/${s.id}/acknowledge`}>
          <CsrfField token={viewer.csrfToken} />
          <TextField label="签收说明（可选）" name={`ack-${s.id}`} value={state.values.comment} maxlength={2000} />
          <div>
            <button type="submit">签收</button>
          </div>
        </form>
      ) : (
        ''
      )}
      {s.allowedActions.includes('reply') ? (
        <form class="stack" method="post" action={`/supervisions/${s.id}/reply`}>
          <CsrfField token={viewer.csrfToken} />
          <TextArea label="回复内容" name={`reply-${s.id}`} value={state.values.text} error={state.errors.text} required maxlength={4000} />
          {evidence.length > 0 ? (
            <fieldset>
              <legend>附佐证材料（可选）</legend>
              {evidence.map((e) => (
                <div class="check">
                  <input type="checkbox" id={`ev-${s.id}-${e.id}`} name="evidenceIds" value={String(e.id)} />
                  <label for={`ev-${s.id}-${e.id}`} safe>
                    {e.fileName}
                  </label>
                </div>
              ))}
            </fieldset>
          ) : (
            ''
          )}
          <div>
            <button type="submit">回复</button>
          </div>
        </form>
      ) : (
        ''
      )}
    </div>
  )
}
