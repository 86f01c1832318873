// The supervision notice (督办单) as a printable A4 page. Every value from the database goes through escapeHtml.
import { escapeHtml as e } from '../../lib/html.ts'
import { localDate } from '../../lib/time.ts'
import { chineseDate } from '../../lib/chinese-date.ts'
import { REPLY_STATUS_LABELS } from './lifecycle.ts'
import type { SupervisionView } from './supervision.types.ts'

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

function row(label: string, valueHtml: string): string {
  return `<tr><th>${e(label)}</th><td>${valueHtml}</td></tr>`
}

/** The page for one notice; `plan` names the plan it belongs to. */
export function renderSupervisionNotice(view: SupervisionView, plan: { title: string; timezone: string }): string {
  const opener = view.rule === 'manual' ? `${view.ruleLabel}（${view.openedBy?.name ?? ''}）` : view.ruleLabel
  const responsible = view.responsibleUnits.map((u) => u.name).join('、') || '无'
  const replyHtml = view.reply
    ? `<p>${e(view.reply.text)}</p>` +
      `<p class="meta">${e(view.reply.by)} 于 ${e(instantLabel(view.reply.at, plan.timezone))} 回复${view.replyOverdue ? '（<strong>逾期回复</strong>）' : ''}</p>` +
      (view.reply.evidence.length > 0 ? `<p class="meta">佐证材料：${view.reply.evidence.map((f) => e(f.fileName)).join('、')}</p>` : '')
    : '<p class="blank">（牵头单位签收后填写整改落实情况）</p>'
  const resolutionHtml =
    view.resolvedAt !== null
      ? `<p>${e(view.resolutionComment)}</p><p class="meta">${e(view.resolvedBy)} 于 ${e(instantLabel(view.resolvedAt, plan.timezone))} 办结</p>`
      : '<p class="blank">（督查人员审核后填写）</p>'

  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${e(view.number)} 联合督办单</title>
<style>
  @page { size: A4; margin: 20mm 18mm; }
  * { box-sizing: border-box; }
  body { font-family: "FangSong", "STFangsong", "SimSun", "Songti SC", serif; font-size: 14pt; color: #000; margin: 0 auto; max-width: 174mm; line-height: 1.6; }
  h1 { font-family: "SimHei", "Heiti SC", sans-serif; text-align: center; font-size: 22pt; letter-spacing: 0.3em; margin: 0 0 4mm; color: #c00; }
  .number { text-align: center; margin: 0 0 2mm; }
  .plan { text-align: center; font-size: 11pt; margin: 0 0 6mm; border-bottom: 2px solid #c00; padding-bottom: 3mm; }
  table { width: 100%; border-collapse: collapse; page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  th, td { border: 1px solid #000; padding: 2mm 3mm; vertical-align: top; text-align: left; }
  th { width: 28mm; font-weight: bold; white-space: nowrap; }
  td p { margin: 0 0 1mm; }
  .meta { font-size: 11pt; color: #333; }
  .blank { color: #777; min-height: 20mm; }
  .status { font-size: 11pt; text-align: right; margin: 2mm 0 0; }
  .sign { margin-top: 10mm; text-align: right; }
  @media print { .status { display: none; } }
</style>
</head>
<body>
<h1>联合督办单</h1>
<p class="number">${e(view.number)}</p>
<p class="plan">${e(plan.title)}</p>
<table>
${row('任务编号', e(view.item.code))}
${row('督察反馈问题', e(view.item.problem))}
${row('整改目标', e(view.item.target))}
${row('牵头单位', e(view.leadUnit.name))}
${row('责任单位', e(responsible))}
${row('完成时限', e(deadlineLabel(view)))}
${row('督办事由', e(view.reason))}
${row('督办依据', e(opener))}
${row('签发日期', e(chineseDate(view.issuedOn)))}
${row('回复期限', `${e(chineseDate(view.replyDueOn))}前（${e(REPLY_STATUS_LABELS[view.replyStatus])}）`)}
${row('签收情况', view.acknowledgedAt !== null ? `${e(view.acknowledgedBy)} 于 ${e(instantLabel(view.acknowledgedAt, plan.timezone))} 签收` : '<span class="blank">未签收</span>')}
${row('整改落实情况', replyHtml)}
${row('办结意见', resolutionHtml)}
</table>
<p class="status">当前状态：${e(view.statusLabel)}</p>
<div class="sign">
<p>整改工作领导小组办公室</p>
<p>${e(chineseDate(view.issuedOn))}</p>
</div>
</body>
</html>
`
}
