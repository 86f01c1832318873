import { Readable } from 'node:stream'
import type { Services } from '../server/services.ts'
import { addMonths, localDate, localPeriod, type Clock } from '../server/lib/time.ts'
import type { AccountActor } from '../server/modules/auth/permissions.ts'
import type { ItemAction } from '../server/domain/items.ts'

const TZ = 'Asia/Shanghai'

/** A small but real PDF, so the demo's evidence downloads and opens. */
function demoPdf(title: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'utf8')
}

/**
 * Plays the first months of the demo plan through the same services the API uses, with the clock moved to each
 * step, so the demo shows items in every status with the history that got them there: reports, evidence (one file
 * reused on two items), closures, a rejection, an extension approved and one pending, an objection in notice,
 * a rebound, lagging and overdue items, urges, joint supervisions open and resolved.
 */
export async function playDemoHistory(
  services: Services,
  clock: Clock & { set(to: Date | string): void },
  planId: number,
  unitIds: Map<string, number>,
  officeUnit: string,
  now: Date,
) {
  const byCode = new Map(services.items.list(systemReader(), { planId, limit: 200 }).items.map((i) => [i.code, i]))
  const staff = new Map<string, AccountActor>()
  const staffOf = (unit: string): AccountActor => {
    let actor = staff.get(unit)
    if (!actor) {
      const { account } = services.accounts.create({ name: `${unit}经办人`, role: 'unit', unitId: unitIds.get(unit)! })
      actor = { kind: 'account', accountId: account.id, name: account.name, role: 'unit', unitId: account.unitId }
      staff.set(unit, actor)
    }
    return actor
  }
  const { account: sup } = services.accounts.create({ name: '督查室 王敏', role: 'supervisor', unitId: unitIds.get(officeUnit)! })
  const supervisor: AccountActor = { kind: 'account', accountId: sup.id, name: sup.name, role: 'supervisor', unitId: sup.unitId }

  const item = (code: string) => {
    const found = byCode.get(code)
    if (!found) throw new Error(`demo item ${code} missing`)
    return found
  }
  const leadOf = (code: string) => staffOf(item(code).leadUnit.name)
  const version = (code: string) => services.items.get(supervisor, item(code).id).version
  const act = (actor: AccountActor, code: string, action: ItemAction, comment?: string) =>
    services.closeout.transition(actor, item(code).id, { action, expectedVersion: version(code), comment })
  const evidence = (code: string, title: string, bytes = demoPdf(title)) =>
    services.evidence.upload(leadOf(code), item(code).id, { stream: Readable.from([bytes]), fileName: `${title}.pdf` }, bytes.length)
  const report = (code: string, period: string, text: string, percent?: number) =>
    services.progress.file(leadOf(code), item(code).id, { period, text, percent })

  const start = new Date(services.plans.get(planId).createdAt)
  // The plan started 80 days to a year before `now` (demoYearShift): early steps count from the start,
  // the last few count back from today so that a notice is running and a request awaits review.
  const at = (days: number) => new Date(start.getTime() + days * 86_400_000)
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000)
  const firstMonth = localPeriod(start, TZ)

  // Week one: the lead units start work on all but four items.
  clock.set(at(2))
  const notStarted = new Set(['1-8', '2-13', '3-1', '3-9'])
  for (const code of byCode.keys()) if (!notStarted.has(code)) act(leadOf(code), code, 'start')

  // Monthly reports for the first two months; three units file none (their items become lagging).
  const silent = new Set(['2-5', '2-15', '3-10', ...notStarted])
  for (const [offset, month] of [
    [25, firstMonth],
    [55, addMonths(firstMonth, 1)],
  ] as const) {
    clock.set(at(offset))
    for (const code of byCode.keys()) {
      if (silent.has(code)) continue
      report(
        code,
        month,
        `${month}：按整改措施推进，已完成阶段任务，下月继续推进。`,
        Math.min(90, (offset / 55) * 50 + (code.length % 3) * 10),
      )
    }
  }

  // Immediate items close first; 1-5 and 1-7 file the same inspection record (flagged as reuse).
  const shared = demoPdf('全区环境执法检查记录汇总')
  for (const [code, day] of [
    ['1-5', 20],
    ['1-7', 21],
    ['2-19', 22],
    ['2-10', 23],
  ] as const) {
    clock.set(at(day))
    await evidence(code, `${code} 整改完成情况报告`, code === '1-5' || code === '1-7' ? shared : undefined)
    act(leadOf(code), code, 'request_closure', '已完成自查自验，问题整改到位，佐证材料已上传。')
    clock.set(at(day + 2))
    act(supervisor, code, 'accept', '经整改办现场核查验收，整改到位，同意进入公示。')
  }
  clock.set(at(40))
  services.closeout.closeEndedNotices(clock.now())

  // A close-out request rejected for thin evidence.
  clock.set(at(60))
  await evidence('2-11', '2-11 河道清淤照片')
  act(leadOf('2-11'), '2-11', 'request_closure', '河道清淤已完成。')
  clock.set(at(64))
  act(supervisor, '2-11', 'reject', '佐证材料不足：请补充水质监测报告和长效管护机制文件。')

  // A rebound: the 回头看 finds the problem back.
  clock.set(at(68))
  act(supervisor, '2-10', 'reopen', '“回头看”发现部分点位问题反弹，重新整改。')

  // Extensions: one approved, one pending.
  clock.set(at(72))
  const approved = services.extensions.request(leadOf('1-11'), item('1-11').id, {
    newDeadline: addMonthsToDate(item('1-11').deadline!, 3),
    reason: '冬季施工受限，部分点位需待来年春季施工。',
    progress: '已完成排查建档，整改完成约60%。',
  })
  clock.set(at(75))
  services.extensions.decide(supervisor, approved.id, { decision: 'approve', comment: '理由充分，同意延期三个月。' })

  // Recent days: one item in notice with an objection, one awaiting review, one extension pending.
  clock.set(daysAgo(4))
  await evidence('3-6', '3-6 餐饮油烟净化设施安装台账')
  act(leadOf('3-6'), '3-6', 'request_closure', '全部餐饮单位已安装油烟净化设施并定期清洗。')
  clock.set(daysAgo(2))
  act(supervisor, '3-6', 'accept', '经抽查验收，整改到位，同意公示。')
  clock.set(daysAgo(1))
  services.objections.file(item('3-6').id, { contact: '138****0000', content: '某路口两家烧烤店夜间仍有油烟直排。' })
  await evidence('2-3', '2-3 燃煤锅炉拆除验收单')
  act(leadOf('2-3'), '2-3', 'request_closure', '辖区燃煤锅炉已全部拆除或清洁能源改造。')
  const pendingExtensionItem = services.items.get(supervisor, item('2-15').id)
  if (pendingExtensionItem.deadline && localDateIn(clock.now()) <= pendingExtensionItem.deadline) {
    services.extensions.request(leadOf('2-15'), item('2-15').id, {
      newDeadline: addMonthsToDate(pendingExtensionItem.deadline, 2),
      reason: '秸秆综合利用设备采购周期较长。',
      progress: '已完成招标，设备待交付。',
    })
  }

  // Joint supervision (联合督办). Earlier in the history: after its rejected close-out, 2-11 was put under joint
  // supervision by hand, answered with its evidence and resolved.
  clock.set(at(65))
  const handOpened = services.supervision.open(supervisor, item('2-11').id, {
    reason: '销号申请因佐证材料不足被退回，整改落实不到位，经研究列入联合督办，请牵头单位限期补齐整改措施并书面回复。',
  })
  clock.set(at(66))
  services.supervision.acknowledge(leadOf('2-11'), handOpened.id, { comment: '已签收，立即组织落实。' })
  clock.set(at(71))
  services.supervision.reply(leadOf('2-11'), handOpened.id, {
    text: '已委托第三方开展水质监测，制定河道长效管护方案，相关材料已上传。',
    evidenceIds: services.evidence.list(supervisor, item('2-11').id).map((e) => e.id),
  })
  clock.set(at(74))
  services.supervision.resolve(supervisor, handOpened.id, { comment: '回复材料齐全，整改措施可行，同意办结，纳入月调度持续跟踪。' })

  // Yesterday's daily sweep: overdue items are urged (催办); overdue 15 days or lagging ones go to joint
  // supervision. One lead unit has acknowledged its notice since and not yet replied.
  clock.set(new Date(daysAgo(1).getTime() + 3 * 3_600_000))
  const sweep = services.escalation.sweep(clock.now())
  const firstEscalated = sweep.escalated[0]
  if (firstEscalated) {
    clock.set(new Date(daysAgo(1).getTime() + 5 * 3_600_000))
    services.supervision.acknowledge(leadOf(firstEscalated.code), firstEscalated.supervisionId, { comment: '已签收。' })
  }
  clock.set(now)
}

function localDateIn(instant: Date): string {
  return localDate(instant, TZ)
}

function systemReader(): AccountActor {
  return { kind: 'account', accountId: 0, name: 'demo', role: 'admin', unitId: null }
}

function addMonthsToDate(date: string, months: number): string {
  const period = addMonths(date.slice(0, 7), months)
  const [y, m] = period.split('-').map(Number) as [number, number]
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return `${period}-${String(Math.min(Number(date.slice(8)), last)).padStart(2, '0')}`
}
