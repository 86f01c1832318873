// The public pages (信息公开) as server-rendered HTML in Chinese: no scripts, no external resources, CSS in one
// <style> element, so they satisfy the service's content security policy, read on a phone and print on A4.
// Every value is escaped with escapeHtml; the only markup inserted unescaped is what these functions build.
import { escapeHtml as esc } from '../../lib/html.ts'
import { STATUS_LABELS } from '../../domain/items.ts'
import type { PublicBulletin, PublicCaseLead, PublicItem, PublicPlan } from './public.fields.ts'
import { chineseDate, chineseMonth } from '../../lib/chinese-date.ts'

export const SITE_TITLE = '环保督察整改信息公开'

type Section = 'plans' | 'notices' | 'bulletins' | 'case-leads' | null

const NAV: { section: Exclude<Section, null>; href: string; label: string }[] = [
  { section: 'plans', href: '/public/', label: '整改方案' },
  { section: 'notices', href: '/public/notices', label: '销号公示' },
  { section: 'bulletins', href: '/public/bulletins', label: '月度通报' },
  { section: 'case-leads', href: '/public/case-leads', label: '问题线索' },
]

// ── formatting ───────────────────────────────────────────────────────────

/** 'YYYY-MM-DD' → '2018年12月31日'; anything else is shown as given. */
export function longDate(date: string | null | undefined): string {
  return date ? chineseDate(date) : '—'
}

/** 'YYYY-MM' → '2018年11月'. */
export function longPeriod(period: string): string {
  return chineseMonth(period)
}

/** The deadline the way the plan prints it: 立行立改, a date, 长期坚持, or a date and then 长期坚持. */
export function deadlineText(item: Pick<PublicItem, 'deadlineKind' | 'deadline'>): string {
  const date = item.deadline ? `${longDate(item.deadline)}前` : null
  switch (item.deadlineKind) {
    case 'immediate':
      return date ? `立行立改（${date}）` : '立行立改'
    case 'long_term':
      return date ? `${date}完成，长期坚持` : '长期坚持'
    default:
      return date ?? '—'
  }
}

function statusBadge(status: PublicItem['status']): string {
  return `<span class="status status-${esc(status)}">${esc(STATUS_LABELS[status] ?? status)}</span>`
}

/** Keeps the line breaks someone typed, without letting anything else through. */
function paragraphs(text: string): string {
  return esc(text).replace(/\r?\n/g, '<br>')
}

function noticePeriodText(item: PublicItem): string {
  const from = item.noticeFirstDay ? `${longDate(item.noticeFirstDay)}至` : '至'
  return `${from}${longDate(item.noticeLastDay)}`
}

// ── the frame ────────────────────────────────────────────────────────────

export function layout(options: { title: string; section: Section; body: string }): string {
  const nav = NAV.map(
    (n) => `<a href="${n.href}"${n.section === options.section ? ' aria-current="page"' : ''}>${esc(n.label)}</a>`,
  ).join('')
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(options.title)} - ${esc(SITE_TITLE)}</title>
<style>${STYLES}</style>
</head>
<body>
<header class="site">
<div class="wrap">
<a class="brand" href="/public/">${esc(SITE_TITLE)}</a>
<nav aria-label="栏目">${nav}</nav>
</div>
</header>
<main class="wrap">
${options.body}
</main>
<footer class="site"><div class="wrap">本栏目公开环保督察反馈问题整改情况，接受社会监督。公示期内对整改销号有异议的，可在公示页面提交。</div></footer>
</body>
</html>
`
}

// ── pages ────────────────────────────────────────────────────────────────

export function plansPage(plans: readonly PublicPlan[], noticeCount: number): string {
  const cards =
    plans.length === 0
      ? '<p class="none">暂无公开的整改方案。</p>'
      : plans
          .map(
            (p) => `<article class="card">
<h2><a href="/public/plans/${p.id}">${esc(p.title)}</a></h2>
<p class="meta">印发：${esc(p.issuedBy)}</p>
<p class="figures"><span>整改任务<b>${p.itemCount}</b>项</span><span>已销号<b>${p.closedCount}</b>项</span><span>公示中<b>${p.inNoticeCount}</b>项</span></p>
<p><a class="more" href="/public/plans/${p.id}">查看整改措施清单</a></p>
</article>`,
          )
          .join('\n')
  const notice = noticeCount > 0 ? `<p class="callout">目前有<b>${noticeCount}</b>项整改任务正在销号公示，<a href="/public/notices">查看公示并提出意见</a>。</p>` : ''
  return layout({ title: '整改方案', section: 'plans', body: `<h1>整改方案</h1>\n${notice}\n${cards}` })
}

export function planPage(plan: PublicPlan, items: readonly PublicItem[]): string {
  const known = new Set(plan.categories)
  const categories = [...plan.categories, ...new Set(items.map((i) => i.category).filter((c) => !known.has(c)))]
  const groups = categories
    .map((category) => ({ category, rows: items.filter((i) => i.category === category) }))
    .filter((g) => g.rows.length > 0)
  const tables = groups
    .map(
      (g) => `<section>
<h2>${esc(g.category)}<span class="count">（${g.rows.length}项）</span></h2>
<table class="checklist">
<thead><tr><th scope="col" class="c-code">编号</th><th scope="col">督察反馈问题</th><th scope="col">整改目标</th><th scope="col" class="c-unit">牵头单位</th><th scope="col" class="c-date">完成时限</th><th scope="col" class="c-status">状态</th></tr></thead>
<tbody>
${g.rows
  .map(
    (i) => `<tr>
<td class="c-code" data-label="编号"><a href="/public/items/${i.id}">${esc(i.code)}</a></td>
<td data-label="督察反馈问题">${paragraphs(i.problem)}</td>
<td data-label="整改目标">${paragraphs(i.target)}</td>
<td class="c-unit" data-label="牵头单位">${esc(i.leadUnit)}</td>
<td class="c-date" data-label="完成时限">${esc(deadlineText(i))}</td>
<td class="c-status" data-label="状态">${statusBadge(i.status)}${i.objectionsOpen ? `<br><a class="small" href="/public/items/${i.id}">公示至${esc(longDate(i.noticeLastDay))}</a>` : ''}</td>
</tr>`,
  )
  .join('\n')}
</tbody>
</table>
</section>`,
    )
    .join('\n')
  const body = `<h1>${esc(plan.title)}</h1>
<p class="meta">印发：${esc(plan.issuedBy)}</p>
<p class="figures"><span>整改任务<b>${plan.itemCount}</b>项</span><span>已销号<b>${plan.closedCount}</b>项</span><span>公示中<b>${plan.inNoticeCount}</b>项</span></p>
${items.length === 0 ? '<p class="none">该方案暂无整改任务。</p>' : tables}
<p class="print-note">本清单按整改台账实时生成。</p>`
  return layout({ title: plan.title, section: 'plans', body })
}

export interface ObjectionFormState {
  contact?: string
  content?: string
  error?: string
}

/** The plain HTML form that files an objection; it works without JavaScript. */
export function objectionForm(item: PublicItem, state: ObjectionFormState = {}): string {
  const id = item.id
  return `<form class="objection" method="post" action="/public/items/${id}/objections" accept-charset="utf-8">
<h3>对该项整改销号提出异议</h3>${state.error ? `\n<p class="error" role="alert">${esc(state.error)}</p>` : ''}
<p class="hint">公示期内，任何单位和个人均可提出异议，请写明具体事实。联系方式仅用于整改办核实情况，不予公开。</p>
<label for="contact-${id}">联系方式（电话或电子邮箱）</label>
<input id="contact-${id}" name="contact" type="text" maxlength="200" required autocomplete="tel" value="${esc(state.contact ?? '')}">
<label for="content-${id}">异议内容</label>
<textarea id="content-${id}" name="content" maxlength="4000" rows="5" required>${esc(state.content ?? '')}</textarea>
<button type="submit">提交异议</button>
</form>`
}

function noticeCard(item: PublicItem, planTitle: string | undefined): string {
  return `<article class="card notice" id="item-${item.id}">
${planTitle ? `<p class="meta">${esc(planTitle)}</p>` : ''}
<h2><a href="/public/items/${item.id}">${esc(item.code)}　${esc(item.category)}</a></h2>
<dl>
<dt>督察反馈问题</dt><dd>${paragraphs(item.problem)}</dd>
<dt>整改目标</dt><dd>${paragraphs(item.target)}</dd>
<dt>牵头单位</dt><dd>${esc(item.leadUnit)}</dd>
<dt>公示期</dt><dd>${esc(noticePeriodText(item))}<span class="deadline">（${esc(longDate(item.noticeLastDay))}24时截止）</span></dd>
</dl>
${objectionForm(item)}
</article>`
}

export function noticesPage(items: readonly PublicItem[], planTitles: ReadonlyMap<number, string>): string {
  const body = `<h1>销号公示</h1>
<p class="lead">以下整改任务已通过验收，现予公示。公示期内如有异议，请在对应任务下提交。</p>
${items.length === 0 ? '<p class="none">目前没有正在公示的整改任务。</p>' : items.map((i) => noticeCard(i, planTitles.get(i.planId))).join('\n')}`
  return layout({ title: '销号公示', section: 'notices', body })
}

export function itemPage(item: PublicItem, planTitle: string, form: ObjectionFormState = {}): string {
  let notice = ''
  if (item.status === 'in_public_notice') {
    notice = item.objectionsOpen
      ? `<section class="card notice"><h2>销号公示</h2><p>公示期：${esc(noticePeriodText(item))}（${esc(longDate(item.noticeLastDay))}24时截止）</p>\n${objectionForm(item, form)}</section>`
      : `<section class="card notice"><h2>销号公示</h2><p>公示期（${esc(noticePeriodText(item))}）已结束，正在办理销号。</p></section>`
  }
  const body = `<p class="crumbs"><a href="/public/plans/${item.planId}">${esc(planTitle)}</a></p>
<h1>整改任务 ${esc(item.code)}</h1>
<dl class="item">
<dt>任务领域</dt><dd>${esc(item.category)}</dd>
<dt>督察反馈问题</dt><dd>${paragraphs(item.problem)}</dd>
<dt>整改目标</dt><dd>${paragraphs(item.target)}</dd>
<dt>牵头单位</dt><dd>${esc(item.leadUnit)}</dd>
<dt>完成时限</dt><dd>${esc(deadlineText(item))}</dd>
<dt>整改状态</dt><dd>${statusBadge(item.status)}</dd>
</dl>
${notice}`
  return layout({ title: `整改任务 ${item.code}`, section: 'plans', body })
}

export function objectionFiledPage(item: PublicItem, objectionId: number): string {
  const body = `<section class="card done" role="status">
<h1>异议已提交</h1>
<p>您对整改任务 ${esc(item.code)} 的异议已收到（受理编号：${objectionId}）。整改办将在公示期结束前核实处理，必要时通过您留下的联系方式与您联系。</p>
<p><a href="/public/items/${item.id}">返回该整改任务</a>　<a href="/public/notices">返回销号公示</a></p>
</section>`
  return layout({ title: '异议已提交', section: 'notices', body })
}

export function bulletinsPage(bulletins: readonly PublicBulletin[]): string {
  const rows = bulletins
    .map(
      (b) => `<li><a href="/public/plans/${b.planId}/bulletins/${esc(b.period)}">${esc(b.planTitle)}整改工作月通报（${esc(longPeriod(b.period))}）</a></li>`,
    )
    .join('\n')
  const body = `<h1>月度通报</h1>
${bulletins.length === 0 ? '<p class="none">暂无公开发布的月度通报。</p>' : `<ul class="list">\n${rows}\n</ul>`}`
  return layout({ title: '月度通报', section: 'bulletins', body })
}

export function caseLeadsPage(leads: readonly PublicCaseLead[]): string {
  const cards = leads
    .map(
      (l) => `<article class="card">
<p class="meta">${esc(l.planTitle)}</p>
<h2>线索编号：${esc(l.number)}</h2>
<dl>
<dt>问题线索</dt><dd>${paragraphs(l.summary)}</dd>
<dt>承办单位</dt><dd>${esc(l.handlingUnit)}</dd>
<dt>接收日期</dt><dd>${esc(longDate(l.receivedOn))}</dd>
<dt>办结日期</dt><dd>${esc(longDate(l.handledOn))}</dd>
<dt>处理结果</dt><dd>${paragraphs(l.outcome.summary)}</dd>
</dl>
${
  l.outcome.measures.length === 0
    ? ''
    : `<table class="measures"><thead><tr><th scope="col" class="c-kind">问责方式</th><th scope="col">问责对象</th><th scope="col">处理情况</th></tr></thead><tbody>
${l.outcome.measures.map((m) => `<tr><td class="c-kind" data-label="问责方式">${esc(m.kind)}</td><td data-label="问责对象">${esc(m.subject)}</td><td data-label="处理情况">${esc(m.detail ?? '—')}</td></tr>`).join('\n')}
</tbody></table>`
}
<p class="meta">公开日期：${esc(longDate(l.disclosedOn))}</p>
</article>`,
    )
    .join('\n')
  const body = `<h1>问题线索办理情况</h1>
<p class="lead">督察组移交的问题线索，依纪依法调查处理后向社会公开。</p>
${leads.length === 0 ? '<p class="none">暂无已公开的问题线索。</p>' : cards}`
  return layout({ title: '问题线索', section: 'case-leads', body })
}

export function errorPage(title: string, message: string, back?: { href: string; label: string }): string {
  const body = `<section class="card problem" role="alert">
<h1>${esc(title)}</h1>
<p>${esc(message)}</p>
<p>${back ? `<a href="${esc(back.href)}">${esc(back.label)}</a>　` : ''}<a href="/public/">返回首页</a></p>
</section>`
  return layout({ title, section: null, body })
}

// Phone first: one column of cards; from 48em the checklist is a table. Print drops navigation and forms.
const STYLES = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;color:#1f2329;background:#f4f5f7;font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;font-size:16px;line-height:1.65}
a{color:#0b57d0}
.wrap{max-width:72rem;margin:0 auto;padding:0 1rem}
header.site{background:#b3261e;color:#fff}
header.site .wrap{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.25rem 1rem;padding-top:.6rem;padding-bottom:.6rem}
header.site a{color:#fff;text-decoration:none}
.brand{font-weight:700;font-size:1.1rem;letter-spacing:.04em}
nav{display:flex;flex-wrap:wrap;gap:.25rem}
nav a{padding:.3rem .6rem;border-radius:.3rem}
nav a[aria-current=page]{background:rgba(255,255,255,.22);font-weight:700}
main.wrap{padding-top:1rem;padding-bottom:2rem}
h1{font-size:1.45rem;line-height:1.35;margin:.4rem 0 .6rem}
h2{font-size:1.15rem;line-height:1.4;margin:1.2rem 0 .5rem}
h3{font-size:1rem;margin:.2rem 0 .4rem}
.card h2{margin-top:0}
.count{font-weight:400;font-size:.95rem;color:#5c6370}
.meta{color:#5c6370;font-size:.9rem;margin:.1rem 0 .3rem}
.lead,.none{color:#4a4f57}
.crumbs{margin:.2rem 0;font-size:.9rem}
.figures{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;margin:.3rem 0 .8rem}
.figures b{font-size:1.2rem;color:#b3261e;margin:0 .15rem}
.callout{background:#fff8e1;border:1px solid #f0c36d;border-radius:.4rem;padding:.6rem .8rem}
.card{background:#fff;border:1px solid #dde1e6;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
.card.done{border-color:#3b873e;background:#f1f8f1}
.card.problem{border-color:#b3261e;background:#fdf3f2}
.more{font-weight:700}
dl{margin:.3rem 0;display:grid;grid-template-columns:1fr;gap:.1rem}
dt{color:#5c6370;font-size:.88rem;margin-top:.4rem}
dd{margin:0;overflow-wrap:anywhere}
.deadline{color:#b3261e;font-weight:700}
.status{display:inline-block;padding:0 .45rem;border-radius:.25rem;font-size:.88rem;white-space:nowrap;background:#e4e8ee}
.status-in_progress{background:#e3effd;color:#0b4f9e}
.status-closure_requested{background:#efe7fb;color:#5b2e9e}
.status-in_public_notice{background:#fff1d6;color:#8a5300}
.status-closed{background:#e3f3e4;color:#24682a}
.small{font-size:.85rem}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{border:1px solid #c9ced6;padding:.45rem .55rem;vertical-align:top;text-align:left;overflow-wrap:anywhere}
th{background:#eceff3;font-weight:700;white-space:nowrap}
.c-code,.c-status,.c-kind{white-space:nowrap}
form.objection{margin-top:.8rem;padding-top:.8rem;border-top:1px dashed #c9ced6}
form.objection label{display:block;font-weight:700;margin:.6rem 0 .2rem}
form.objection input,form.objection textarea{display:block;width:100%;font:inherit;padding:.5rem;border:1px solid #9aa1ab;border-radius:.3rem;background:#fff}
form.objection textarea{resize:vertical}
form.objection button{margin-top:.8rem;font:inherit;font-weight:700;color:#fff;background:#b3261e;border:0;border-radius:.3rem;padding:.6rem 1.4rem;min-height:2.75rem;cursor:pointer}
.hint{font-size:.88rem;color:#5c6370;margin:.2rem 0}
.error{color:#b3261e;font-weight:700}
ul.list{padding-left:1.2rem}
ul.list li{margin:.4rem 0}
footer.site{color:#5c6370;font-size:.85rem;border-top:1px solid #dde1e6;padding:1rem 0 2rem}
.print-note{display:none}
@media screen and (max-width:47.99em){
  table.checklist,table.checklist tbody,table.checklist tr,table.checklist td{display:block;width:100%}
  table.checklist{background:transparent}
  table.checklist thead{display:none}
  table.checklist tr{background:#fff;border:1px solid #dde1e6;border-radius:.5rem;margin:0 0 .8rem;padding:.5rem .8rem}
  table.checklist td{border:0;padding:.2rem 0;white-space:normal}
  table.checklist td::before{content:attr(data-label);display:block;color:#5c6370;font-size:.82rem}
  table.checklist td.c-code::before,table.checklist td.c-status::before{display:inline;margin-right:.5rem}
  table.checklist td.c-code{font-weight:700;font-size:1.05rem}
}
@media print,(min-width:48em){
  dl{grid-template-columns:8rem 1fr;column-gap:1rem}
  dt{margin-top:0}
  .c-code{width:5rem}.c-unit{width:9rem}.c-date{width:10rem}.c-status{width:8rem}
}
@media print{
  @page{size:A4;margin:15mm 12mm}
  body{background:#fff;font-size:10.5pt}
  header.site{background:none;color:#000;border-bottom:2pt solid #b3261e}
  header.site a{color:#000}
  nav,form.objection,footer.site{display:none}
  .wrap{max-width:none;padding:0}
  a{color:inherit;text-decoration:none}
  .card{border:0;padding:0;break-inside:avoid}
  thead{display:table-header-group}
  tr{break-inside:avoid}
  .print-note{display:block;font-size:9pt;color:#5c6370}
}
`
