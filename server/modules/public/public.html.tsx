// The public pages (信息公开) as server-rendered HTML in Chinese: no scripts, no external resources, the style
// embedded from public.css, so they satisfy the service's content security policy, read on a phone and print on
// A4. Rendered by the service's one renderer (@kitajs/html): text goes in with `safe`, checked by xss-scan.
import { Html, type PropsWithChildren } from '@kitajs/html'
import { readFileSync } from 'node:fs'
import { STATUS_LABELS } from '../../domain/items.ts'
import { attr } from '../../web/components.tsx'
import { deadlineText, longDate, longPeriod } from '../../web/format.ts'
import type { PublicBulletin, PublicCaseLead, PublicItem, PublicPlan } from './public.fields.ts'

export { deadlineText, longDate, longPeriod }

export const SITE_TITLE = '环保督察整改信息公开'

// `safe…`: a file of ours; style content is raw text in HTML and must not be entity-escaped.
const safeStyles = readFileSync(new URL('./public.css', import.meta.url), 'utf8')

type Section = 'plans' | 'notices' | 'bulletins' | 'case-leads' | null

const NAV: { section: Exclude<Section, null>; href: string; label: string }[] = [
  { section: 'plans', href: '/public/', label: '整改方案' },
  { section: 'notices', href: '/public/notices', label: '销号公示' },
  { section: 'bulletins', href: '/public/bulletins', label: '月度通报' },
  { section: 'case-leads', href: '/public/case-leads', label: '问题线索' },
]

function StatusBadge({ status }: { status: PublicItem['status'] }) {
  return (
    <span class={`status status-${status}`} safe>
      {STATUS_LABELS[status] ?? status}
    </span>
  )
}

/** Keeps the line breaks someone typed, without letting anything else through. */
function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text.split(/\r?\n/).map((line, i) => (
        <>
          {i > 0 ? <br /> : ''}
          {Html.escapeHtml(line)}
        </>
      ))}
    </>
  )
}

function noticePeriodText(item: PublicItem): string {
  const from = item.noticeFirstDay ? `${longDate(item.noticeFirstDay)}至` : '至'
  return `${from}${longDate(item.noticeLastDay)}`
}

// ── the frame ────────────────────────────────────────────────────────────

function Layout({ title, section, children }: PropsWithChildren<{ title: string; section: Section }>) {
  return (
    <>
      {'<!doctype html>\n'}
      <html lang="zh-CN">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          <title safe>{`${title} - ${SITE_TITLE}`}</title>
          <style>{safeStyles}</style>
        </head>
        <body>
          <header class="site">
            <div class="wrap">
              <a class="brand" href="/public/">
                {SITE_TITLE}
              </a>
              <nav aria-label="栏目">
                {NAV.map((n) => (
                  <a href={n.href} aria-current={n.section === section ? 'page' : undefined} safe>
                    {n.label}
                  </a>
                ))}
              </nav>
            </div>
          </header>
          <main class="wrap">{children}</main>
          <footer class="site">
            <div class="wrap">本栏目公开环保督察反馈问题整改情况，接受社会监督。公示期内对整改销号有异议的，可在公示页面提交。</div>
          </footer>
        </body>
      </html>
    </>
  )
}

const page = (element: JSX.Element): string => element as string

function Figures({ plan }: { plan: Pick<PublicPlan, 'itemCount' | 'closedCount' | 'inNoticeCount'> }) {
  return (
    <p class="figures">
      <span>
        整改任务<b>{plan.itemCount}</b>项
      </span>
      <span>
        已销号<b>{plan.closedCount}</b>项
      </span>
      <span>
        公示中<b>{plan.inNoticeCount}</b>项
      </span>
    </p>
  )
}

// ── pages ────────────────────────────────────────────────────────────────

export function plansPage(plans: readonly PublicPlan[], noticeCount: number): string {
  return page(
    <Layout title="整改方案" section="plans">
      <h1>整改方案</h1>
      {noticeCount > 0 ? (
        <p class="callout">
          目前有<b>{noticeCount}</b>项整改任务正在销号公示，<a href="/public/notices">查看公示并提出意见</a>。
        </p>
      ) : (
        ''
      )}
      {plans.length === 0 ? (
        <p class="none">暂无公开的整改方案。</p>
      ) : (
        plans.map((p) => (
          <article class="card">
            <h2>
              <a href={`/public/plans/${p.id}`} safe>
                {p.title}
              </a>
            </h2>
            <p class="meta" safe>{`印发：${p.issuedBy}`}</p>
            <Figures plan={p} />
            <p>
              <a class="more" href={`/public/plans/${p.id}`}>
                查看整改措施清单
              </a>
            </p>
          </article>
        ))
      )}
    </Layout>,
  )
}

export function planPage(plan: PublicPlan, items: readonly PublicItem[]): string {
  const known = new Set(plan.categories)
  const categories = [...plan.categories, ...new Set(items.map((i) => i.category).filter((c) => !known.has(c)))]
  const groups = categories
    .map((category) => ({ category, rows: items.filter((i) => i.category === category) }))
    .filter((g) => g.rows.length > 0)
  return page(
    <Layout title={plan.title} section="plans">
      <h1 safe>{plan.title}</h1>
      <p class="meta" safe>{`印发：${plan.issuedBy}`}</p>
      <Figures plan={plan} />
      {items.length === 0 ? (
        <p class="none">该方案暂无整改任务。</p>
      ) : (
        groups.map((g) => (
          <section>
            <h2>
              <span safe>{g.category}</span>
              <span class="count" safe>{`（${g.rows.length}项）`}</span>
            </h2>
            <table class="checklist">
              <thead>
                <tr>
                  <th scope="col" class="c-code">
                    编号
                  </th>
                  <th scope="col">督察反馈问题</th>
                  <th scope="col">整改目标</th>
                  <th scope="col" class="c-unit">
                    牵头单位
                  </th>
                  <th scope="col" class="c-date">
                    完成时限
                  </th>
                  <th scope="col" class="c-status">
                    状态
                  </th>
                </tr>
              </thead>
              <tbody>
                {g.rows.map((i) => (
                  <tr>
                    <td class="c-code" data-label="编号">
                      <a href={`/public/items/${i.id}`} safe>
                        {i.code}
                      </a>
                    </td>
                    <td data-label="督察反馈问题">
                      <Paragraphs text={i.problem} />
                    </td>
                    <td data-label="整改目标">
                      <Paragraphs text={i.target} />
                    </td>
                    <td class="c-unit" data-label="牵头单位" safe>
                      {i.leadUnit}
                    </td>
                    <td class="c-date" data-label="完成时限" safe>
                      {deadlineText(i)}
                    </td>
                    <td class="c-status" data-label="状态">
                      <StatusBadge status={i.status} />
                      {i.objectionsOpen ? (
                        <>
                          <br />
                          <a class="small" href={`/public/items/${i.id}`} safe>
                            {`公示至${longDate(i.noticeLastDay)}`}
                          </a>
                        </>
                      ) : (
                        ''
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))
      )}
      <p class="print-note">本清单按整改台账实时生成。</p>
    </Layout>,
  )
}

export interface ObjectionFormState {
  contact?: string
  content?: string
  error?: string
}

/** The plain HTML form that files an objection; it works without JavaScript. */
function ObjectionForm({ item, state = {} }: { item: PublicItem; state?: ObjectionFormState }) {
  const id = item.id
  return (
    <form class="objection" method="post" action={`/public/items/${id}/objections`} accept-charset="utf-8">
      <h3>对该项整改销号提出异议</h3>
      {state.error ? (
        <p class="error" role="alert" safe>
          {state.error}
        </p>
      ) : (
        ''
      )}
      <p class="hint">公示期内，任何单位和个人均可提出异议，请写明具体事实。联系方式仅用于整改办核实情况，不予公开。</p>
      <label for={`contact-${id}`}>联系方式（电话或电子邮箱）</label>
      <input id={`contact-${id}`} name="contact" type="text" maxlength="200" required autocomplete="tel" value={attr(state.contact)} />
      <label for={`content-${id}`}>异议内容</label>
      <textarea id={`content-${id}`} name="content" maxlength="4000" rows="5" required safe>
        {state.content ?? ''}
      </textarea>
      <button type="submit">提交异议</button>
    </form>
  )
}

function NoticeCard({ item, planTitle }: { item: PublicItem; planTitle: string | undefined }) {
  return (
    <article class="card notice" id={`item-${item.id}`}>
      {planTitle ? (
        <p class="meta" safe>
          {planTitle}
        </p>
      ) : (
        ''
      )}
      <h2>
        <a href={`/public/items/${item.id}`} safe>
          {`${item.code}　${item.category}`}
        </a>
      </h2>
      <dl>
        <dt>督察反馈问题</dt>
        <dd>
          <Paragraphs text={item.problem} />
        </dd>
        <dt>整改目标</dt>
        <dd>
          <Paragraphs text={item.target} />
        </dd>
        <dt>牵头单位</dt>
        <dd safe>{item.leadUnit}</dd>
        <dt>公示期</dt>
        <dd>
          <span safe>{noticePeriodText(item)}</span>
          <span class="deadline" safe>{`（${longDate(item.noticeLastDay)}24时截止）`}</span>
        </dd>
      </dl>
      <ObjectionForm item={item} />
    </article>
  )
}

export function noticesPage(items: readonly PublicItem[], planTitles: ReadonlyMap<number, string>): string {
  return page(
    <Layout title="销号公示" section="notices">
      <h1>销号公示</h1>
      <p class="lead">以下整改任务已通过验收，现予公示。公示期内如有异议，请在对应任务下提交。</p>
      {items.length === 0 ? (
        <p class="none">目前没有正在公示的整改任务。</p>
      ) : (
        items.map((i) => <NoticeCard item={i} planTitle={planTitles.get(i.planId)} />)
      )}
    </Layout>,
  )
}

export function itemPage(item: PublicItem, planTitle: string, form: ObjectionFormState = {}): string {
  return page(
    <Layout title={`整改任务 ${item.code}`} section="plans">
      <p class="crumbs">
        <a href={`/public/plans/${item.planId}`} safe>
          {planTitle}
        </a>
      </p>
      <h1 safe>{`整改任务 ${item.code}`}</h1>
      <dl class="item">
        <dt>任务领域</dt>
        <dd safe>{item.category}</dd>
        <dt>督察反馈问题</dt>
        <dd>
          <Paragraphs text={item.problem} />
        </dd>
        <dt>整改目标</dt>
        <dd>
          <Paragraphs text={item.target} />
        </dd>
        <dt>牵头单位</dt>
        <dd safe>{item.leadUnit}</dd>
        <dt>完成时限</dt>
        <dd safe>{deadlineText(item)}</dd>
        <dt>整改状态</dt>
        <dd>
          <StatusBadge status={item.status} />
        </dd>
      </dl>
      {item.status !== 'in_public_notice' ? (
        ''
      ) : item.objectionsOpen ? (
        <section class="card notice">
          <h2>销号公示</h2>
          <p safe>{`公示期：${noticePeriodText(item)}（${longDate(item.noticeLastDay)}24时截止）`}</p>
          <ObjectionForm item={item} state={form} />
        </section>
      ) : (
        <section class="card notice">
          <h2>销号公示</h2>
          <p safe>{`公示期（${noticePeriodText(item)}）已结束，正在办理销号。`}</p>
        </section>
      )}
    </Layout>,
  )
}

export function objectionFiledPage(item: PublicItem, objectionId: number): string {
  return page(
    <Layout title="异议已提交" section="notices">
      <section class="card done" role="status">
        <h1>异议已提交</h1>
        <p
          safe
        >{`您对整改任务 ${item.code} 的异议已收到（受理编号：${objectionId}）。整改办将在公示期结束前核实处理，必要时通过您留下的联系方式与您联系。`}</p>
        <p>
          <a href={`/public/items/${item.id}`}>返回该整改任务</a>　<a href="/public/notices">返回销号公示</a>
        </p>
      </section>
    </Layout>,
  )
}

export function bulletinsPage(bulletins: readonly PublicBulletin[]): string {
  return page(
    <Layout title="月度通报" section="bulletins">
      <h1>月度通报</h1>
      {bulletins.length === 0 ? (
        <p class="none">暂无公开发布的月度通报。</p>
      ) : (
        <ul class="list">
          {bulletins.map((b) => (
            <li>
              <a href={`/public/plans/${b.planId}/bulletins/${encodeURIComponent(b.period)}`} safe>
                {`${b.planTitle}整改工作月通报（${longPeriod(b.period)}）`}
              </a>
            </li>
          ))}
        </ul>
      )}
    </Layout>,
  )
}

export function caseLeadsPage(leads: readonly PublicCaseLead[]): string {
  return page(
    <Layout title="问题线索" section="case-leads">
      <h1>问题线索办理情况</h1>
      <p class="lead">督察组移交的问题线索，依纪依法调查处理后向社会公开。</p>
      {leads.length === 0 ? (
        <p class="none">暂无已公开的问题线索。</p>
      ) : (
        leads.map((l) => (
          <article class="card">
            <p class="meta" safe>
              {l.planTitle}
            </p>
            <h2 safe>{`线索编号：${l.number}`}</h2>
            <dl>
              <dt>问题线索</dt>
              <dd>
                <Paragraphs text={l.summary} />
              </dd>
              <dt>承办单位</dt>
              <dd safe>{l.handlingUnit}</dd>
              <dt>接收日期</dt>
              <dd safe>{longDate(l.receivedOn)}</dd>
              <dt>办结日期</dt>
              <dd safe>{longDate(l.handledOn)}</dd>
              <dt>处理结果</dt>
              <dd>
                <Paragraphs text={l.outcome.summary} />
              </dd>
            </dl>
            {l.outcome.measures.length === 0 ? (
              ''
            ) : (
              <table class="measures">
                <thead>
                  <tr>
                    <th scope="col" class="c-kind">
                      问责方式
                    </th>
                    <th scope="col">问责对象</th>
                    <th scope="col">处理情况</th>
                  </tr>
                </thead>
                <tbody>
                  {l.outcome.measures.map((m) => (
                    <tr>
                      <td class="c-kind" data-label="问责方式">
                        {m.kind}
                      </td>
                      <td data-label="问责对象" safe>
                        {m.subject}
                      </td>
                      <td data-label="处理情况" safe>
                        {m.detail ?? '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p class="meta" safe>{`公开日期：${longDate(l.disclosedOn)}`}</p>
          </article>
        ))
      )}
    </Layout>,
  )
}

export function errorPage(title: string, message: string, back?: { href: string; label: string }): string {
  return page(
    <Layout title={title} section={null}>
      <section class="card problem" role="alert">
        <h1 safe>{title}</h1>
        <p safe>{message}</p>
        <p>
          {back ? (
            <a href={back.href} safe>
              {back.label}
            </a>
          ) : (
            ''
          )}
          <a href="/public/">返回首页</a>
        </p>
      </section>
    </Layout>,
  )
}
