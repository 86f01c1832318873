// What every workbench page module shares: reading a form's fields, the Chinese texts of refusals and of the
// messages a redirect announces, and answering with a page. The route modules import this, never each other's
// routes, so the page modules form no import cycle.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppError } from '../errors.ts'
import type { Flash, Viewer } from './components.tsx'
import { sessionOf } from './web-auth.ts'

/** A form's fields: one string each, or several for a name sent more than once (checkboxes). */
export type FormFields = Record<string, string | string[]>

export function parseForm(body: string): FormFields {
  const fields: FormFields = Object.create(null)
  for (const [name, value] of new URLSearchParams(body)) {
    const had = fields[name]
    fields[name] = had === undefined ? value : [...[had].flat(), value]
  }
  return fields
}

export function field(form: unknown, name: string): string {
  const value = (form as FormFields | undefined)?.[name]
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? '') : ''
}

export function fieldAll(form: unknown, name: string): string[] {
  const value = (form as FormFields | undefined)?.[name]
  return value === undefined ? [] : [value].flat()
}

/** What a person reads when a service refuses, by the refusal's code; the API's English stays in the API. */
export const MESSAGES: Record<string, string> = {
  COMMENT_REQUIRED: '请填写此项说明',
  EVIDENCE_REQUIRED: '申请销号前，须至少上传一份佐证材料',
  ILLEGAL_TRANSITION: '该任务当前的状态不允许此操作，请刷新页面查看最新状态',
  VERSION_CONFLICT: '该任务已被他人更新，请核对最新内容后重新提交',
  ACTION_NOT_PERMITTED: '您无权进行此操作',
  NOT_ITEM_UNIT: '只有该任务的牵头单位或责任单位可以进行此操作',
  NOT_LEAD_UNIT: '只有该任务的牵头单位可以进行此操作',
  TEXT_REQUIRED: '请填写内容',
  PERIOD_IN_FUTURE: '该月份尚未开始',
  EXTENSION_TOO_LATE: '完成时限已过，不能再申请延期',
  EXTENSION_NOT_LATER: '新的完成时限须晚于当前时限',
  EXTENSION_PENDING: '已有延期申请等待审批',
  NO_DEADLINE: '该任务没有具体的完成时限，无需申请延期',
  ITEM_NOT_RECTIFYING: '该任务当前不在整改中，不能申请延期',
  UNSUPPORTED_FILE_TYPE: '佐证材料须为 PDF、JPEG、PNG、DOCX 或 XLSX 文件',
  FILE_TOO_LARGE: '文件超过大小限制',
  EMPTY_FILE: '文件为空',
  EVIDENCE_NOT_ON_ITEM: '所选佐证材料不属于该任务',
  SUPERVISION_ILLEGAL_TRANSITION: '该督办单当前的状态不允许此操作，请刷新页面',
  SUPERVISION_CHANGED: '该督办单已被他人更新，请刷新页面',
  ITEM_NOT_FOUND: '未找到该整改任务',
  PLAN_NOT_FOUND: '未找到该整改方案',
  EVIDENCE_NOT_FOUND: '未找到该佐证材料',
  SUPERVISION_NOT_FOUND: '未找到该督办单',
  VERIFIER_NOT_INDEPENDENT: '验收人员属于该任务的牵头或责任单位，须由其他督查人员验收',
  NOTICE_NOT_ENDED: '公示期尚未结束',
  OBJECTION_PENDING: '公示期内的异议尚待处理',
  // the office's pages
  EXTENSION_ALREADY_DECIDED: '该延期申请已审批，请刷新页面',
  EXTENSION_NOT_FOUND: '未找到该延期申请',
  OBJECTION_ALREADY_DECIDED: '该异议已处理，请刷新页面',
  OBJECTION_NOT_FOUND: '未找到该异议',
  NOTE_REQUIRED: '请填写催办内容',
  REASON_REQUIRED: '请填写督办事由',
  NO_ITEMS: '请至少选择一项任务',
  TOO_MANY_ITEMS: '一次最多处理1000项任务，请缩小筛选范围',
  PERIOD_NOT_ENDED: '该月份尚未结束，月末后才能生成通报',
  PERIOD_BEFORE_PLAN: '该月份早于整改方案的开始月份',
  INVALID_PERIOD: '月份有误',
  BULLETIN_NOT_FOUND: '该月通报尚未生成',
  SUPERVISION_ALREADY_OPEN: '该任务已在联合督办中',
  ITEM_NOT_OPEN: '该任务已不在整改中',
  // messages, deliveries and channels
  NOTIFICATION_NOT_FOUND: '未找到该消息',
  DELIVERY_NOT_FOUND: '未找到该发送记录',
  DELIVERY_ALREADY_SENT: '该消息已发送成功，无需重试',
  CHANNEL_NOT_FOUND: '该渠道已不存在，请刷新页面',
  UNIT_NOT_FOUND: '未找到该单位',
  UNIT_MERGED: '该单位已合并，请设置存续单位的渠道',
  TOO_MANY_CHANNELS: '每个单位最多设置10个渠道',
}

export function messageOf(err: AppError): string {
  return (
    MESSAGES[err.code] ??
    (err.statusCode === 404 ? '未找到' : err.statusCode === 403 ? '您无权进行此操作' : '操作未能完成，请检查填写的内容')
  )
}

/** The message a redirect announces, by key: only these texts can appear, whatever the URL says. */
const FLASHES: Record<string, string> = {
  started: '已开始整改',
  transition: '已提交',
  report: '进展已报送',
  evidence: '佐证材料已上传',
  extension: '延期申请已提交，等待整改办审批',
  acknowledged: '督办单已签收',
  replied: '督办单已回复',
  monthly: '本月进展已报送',
  password: '密码已修改，其他设备上的登录已退出',
  'signed-out': '您已安全退出',
  // the office's pages
  'extension-approved': '已同意延期，完成时限已更新',
  'extension-rejected': '已不同意延期',
  'objection-upheld': '异议成立，该任务已退回整改',
  'objection-dismissed': '异议不成立',
  'supervision-resolved': '督办单已办结',
  'supervision-sent-back': '督办回复已退回，等待重新回复',
  'bulletin-issued': '月度通报已生成',
  'bulletin-published': '月度通报已发布',
}

export function flashFrom(query: unknown): Flash | null {
  const key = (query as Record<string, unknown> | undefined)?.msg
  if (typeof key !== 'string' || !Object.hasOwn(FLASHES, key)) return null
  const n = Number((query as Record<string, unknown>).n)
  const count = Number.isInteger(n) && n > 0 && n < 10_000 ? `（${n}项）` : ''
  return { kind: 'ok', text: `${FLASHES[key]}${count}` }
}

export function sendHtml(reply: FastifyReply, statusCode: number, html: JSX.Element) {
  return reply.code(statusCode).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
}

/** The person looking at the page; `unread` when the page has counted the messages already. */
export function viewerOf(request: FastifyRequest, unread?: number): Viewer {
  const session = sessionOf(request)
  return { account: session.account, csrfToken: session.csrfToken, unread: unread ?? request.webUnreadCount?.() ?? null }
}
