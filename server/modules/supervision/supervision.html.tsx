// The supervision notice (督办单) as a printable A4 page, rendered by the service's one renderer (@kitajs/html:
// text goes in with `safe`, checked by xss-scan). Its style is a file of its own, embedded so a saved copy keeps it.
import type { PropsWithChildren } from '@kitajs/html'
import { readFileSync } from 'node:fs'
import { localDate } from '../../lib/time.ts'
import { chineseDate } from '../escalation/rules.ts'
import { REPLY_STATUS_LABELS } from './lifecycle.ts'
import type { SupervisionView } from './supervision.types.ts'

// `safe…`: a file of ours, not text anyone typed; style content is raw text in HTML and must not be entity-escaped.
const safeStyle = readFileSync(new URL('./supervision-notice.css', import.meta.url), 'utf8')

const DEADLINE_KIND_LABELS = { immediate: '立行立改', date: '限期完成', long_term: '长期坚持' } as const

/** An instant as the plan's office reads it: date and time in the plan's zone. */
function instantLabel(instant: string | null, timeZone: string): string {
  if (instant === null) return ''
  const local = new Date(instant)
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(local)
  return `${chineseDate(localDate(local, timeZone))} ${time}`
}

function deadlineLabel(view: SupervisionView): string {
  const { deadlineKind, deadline } = view.item
  if (deadline === null) return DEADLINE_KIND_LABELS[deadlineKind]
  return deadlineKind === 'date' ? `${chineseDate(deadline)}前` : `${DEADLINE_KIND_LABELS[deadlineKind]}（${chineseDate(deadline)}）`
}

/** A row of the notice: its label, and either plain text (escaped) or what `children` renders. */
function Row({ label, text, children }: PropsWithChildren<{ label: string; text?: string }>) {
  return (
    <tr>
      <th safe>{label}</th>
      {text !== undefined ? <td safe>{text}</td> : <td>{children}</td>}
    </tr>
  )
}

/** The page for one notice; `plan` names the plan it belongs to. */
export function renderSupervisionNotice(view: SupervisionView, plan: { title: string; timezone: string }): string {
  const opener = view.rule === 'manual' ? `${view.ruleLabel}（${view.openedBy?.name ?? ''}）` : view.ruleLabel
  const responsible = view.responsibleUnits.map((u) => u.name).join('、') || '无'
  const page = (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <title safe>{`${view.number} 联合督办单`}</title>
        <style>{safeStyle}</style>
      </head>
      <body>
        <main>
          <h1>联合督办单</h1>
          <p class="number" safe>
            {view.number}
          </p>
          <p class="plan" safe>
            {plan.title}
          </p>
          <table>
            <Row label="任务编号" text={view.item.code} />
            <Row label="督察反馈问题" text={view.item.problem} />
            <Row label="整改目标" text={view.item.target} />
            <Row label="牵头单位" text={view.leadUnit.name} />
            <Row label="责任单位" text={responsible} />
            <Row label="完成时限" text={deadlineLabel(view)} />
            <Row label="督办事由" text={view.reason} />
            <Row label="督办依据" text={opener} />
            <Row label="签发日期" text={chineseDate(view.issuedOn)} />
            <Row label="回复期限" text={`${chineseDate(view.replyDueOn)}前（${REPLY_STATUS_LABELS[view.replyStatus]}）`} />
            <Row label="签收情况">
              {view.acknowledgedAt !== null ? (
                <span safe>{`${view.acknowledgedBy ?? ''} 于 ${instantLabel(view.acknowledgedAt, plan.timezone)} 签收`}</span>
              ) : (
                <span class="blank">未签收</span>
              )}
            </Row>
            <Row label="整改落实情况">
              {view.reply ? (
                <>
                  <p safe>{view.reply.text}</p>
                  <p class="meta">
                    <span safe>{`${view.reply.by} 于 ${instantLabel(view.reply.at, plan.timezone)} 回复`}</span>
                    {view.replyOverdue ? (
                      <>
                        （<strong>逾期回复</strong>）
                      </>
                    ) : (
                      ''
                    )}
                  </p>
                  {view.reply.evidence.length > 0 ? (
                    <p class="meta" safe>
                      {`佐证材料：${view.reply.evidence.map((f) => f.fileName).join('、')}`}
                    </p>
                  ) : (
                    ''
                  )}
                </>
              ) : (
                <p class="blank">（牵头单位签收后填写整改落实情况）</p>
              )}
            </Row>
            <Row label="办结意见">
              {view.resolvedAt !== null ? (
                <>
                  <p safe>{view.resolutionComment ?? ''}</p>
                  <p class="meta" safe>
                    {`${view.resolvedBy ?? ''} 于 ${instantLabel(view.resolvedAt, plan.timezone)} 办结`}
                  </p>
                </>
              ) : (
                <p class="blank">（督查人员审核后填写）</p>
              )}
            </Row>
            {/* The signature block is the table's last row: printing keeps a row with the one above it, never a block
              after a table, so the issuing office and date cannot fall alone onto a page of their own. */}
            <tr class="sign">
              <td colspan="2">
                <p>整改工作领导小组办公室</p>
                <p safe>{chineseDate(view.issuedOn)}</p>
              </td>
            </tr>
          </table>
          <p class="status" safe>
            {`当前状态：${view.statusLabel}`}
          </p>
        </main>
      </body>
    </html>
  )
  return `<!DOCTYPE html>\n${page as string}`
}
