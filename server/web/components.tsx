// The workbench's building blocks: the layout with its navigation, messages, form fields with their labels and
// errors, tables and timeline entries. Rendered by @kitajs/html: text goes in with `safe` (escaped), and
// `npm test` runs its xss-scan, which fails on any text that would go in unescaped.
import { escapeHtml, type PropsWithChildren } from '@kitajs/html'
import { roleMay, type Permission } from '../modules/auth/permissions.ts'
import { STATUS_LABELS, type ItemStatus } from '../domain/items.ts'
import type { Role } from '../domain/actors.ts'
import type { AccountRow } from '../modules/accounts/accounts.repo.ts'
import { deadlineParts } from './format.ts'

export const SITE_NAME = '整改销号工作台'

export const ROLE_LABELS: Record<Role, string> = {
  admin: '系统管理员',
  supervisor: '整改办（督查室）',
  leader: '领导小组',
  unit: '责任单位',
}

export type Section =
  | 'home'
  | 'messages'
  | 'items'
  | 'monthly'
  | 'office'
  | 'supervisions'
  | 'bulletins'
  | 'deliveries'
  | 'password'
  | 'admin'
  | 'dashboard'
  | null

/** What a page knows about the person looking at it. */
export interface Viewer {
  account: AccountRow
  csrfToken: string
  /** How many of the person's messages are unread, for the navigation (null: not counted on this page). */
  unread?: number | null | undefined
}

const NAV: { section: Exclude<Section, null>; href: string; label: string; permission: Permission }[] = [
  { section: 'home', href: '/', label: '工作台', permission: 'workbench:use' },
  { section: 'messages', href: '/messages', label: '消息', permission: 'notifications:read' },
  { section: 'items', href: '/items', label: '整改任务', permission: 'items:list' },
  { section: 'monthly', href: '/monthly', label: '月调度', permission: 'reports:create' },
  { section: 'office', href: '/office', label: '督办工作', permission: 'extensions:decide' },
  { section: 'supervisions', href: '/supervisions', label: '联合督办', permission: 'supervisions:read' },
  { section: 'bulletins', href: '/bulletins', label: '月度通报', permission: 'bulletins:read' },
  { section: 'dashboard', href: '/dashboard', label: '领导驾驶舱', permission: 'dashboard:read' },
  { section: 'deliveries', href: '/deliveries', label: '消息发送', permission: 'deliveries:read' },
  { section: 'admin', href: '/admin', label: '系统管理', permission: 'admin:use' },
  { section: 'password', href: '/account/password', label: '修改密码', permission: 'workbench:use' },
]

export function Document({ title, children }: PropsWithChildren<{ title: string }>) {
  return (
    <>
      {'<!doctype html>'}
      <html lang="zh-CN">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${title} - ${SITE_NAME}`}</title>
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/assets/workbench.css" />
        </head>
        <body>{children}</body>
      </html>
    </>
  )
}

/** A page of the workbench: the header with what the person's role may open, a message, the content. */
export function Layout({
  title,
  viewer,
  section,
  flash,
  children,
}: PropsWithChildren<{ title: string; viewer: Viewer; section: Section; flash?: Flash | null | undefined }>) {
  const { account } = viewer
  return (
    <Document title={title}>
      <header class="site-header">
        <div class="inner">
          <a class="site-title" href="/">
            {SITE_NAME}
          </a>
          <nav class="site-nav" aria-label="主导航">
            {NAV.filter((n) => roleMay(account.role, n.permission)).map((n) =>
              n.section === 'messages' ? (
                <a href={n.href} aria-current={n.section === section ? 'page' : undefined}>
                  <span safe>{n.label}</span>
                  <UnreadCount n={viewer.unread} />
                </a>
              ) : (
                <a href={n.href} aria-current={n.section === section ? 'page' : undefined} safe>
                  {n.label}
                </a>
              ),
            )}
          </nav>
          <div class="who">
            <span safe>{`${account.name}（${account.unitName ?? ROLE_LABELS[account.role]}）`}</span>
            <form method="post" action="/logout">
              <CsrfField token={viewer.csrfToken} />
              <button type="submit">退出</button>
            </form>
          </div>
        </div>
      </header>
      <main>
        {flash ? <FlashMessage flash={flash} /> : ''}
        {children}
      </main>
      <footer class="site-footer">整改销号工作台 · 环保督察反馈问题整改清单销号管理</footer>
    </Document>
  )
}

/** The unread count beside 消息: seen as "(3)", heard as "(3条未读)"; nothing when all is read. */
function UnreadCount({ n }: { n: number | null | undefined }) {
  if (!n) return ''
  return (
    <span class="nav-count">
      {' ('}
      <span safe>{n > 999 ? '999+' : String(n)}</span>
      <span class="visually-hidden">条未读</span>
      {')'}
    </span>
  )
}

export interface Flash {
  kind: 'ok' | 'error'
  text: string
}

export function FlashMessage({ flash }: { flash: Flash }) {
  return (
    <div class={`flash flash-${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'} safe>
      {flash.text}
    </div>
  )
}

/**
 * A value for an attribute that carries text someone typed. @kitajs/html escapes `"` in attribute values but not
 * `&` (so `&amp;` typed into a field would come back as `&`) nor `<`: escaping the text fully first keeps it
 * exactly as entered, and no page carries a raw `<` anywhere (test/web/escaping.test.ts holds it to both).
 */
export function attr(value: string | null | undefined): string {
  return escapeHtml(value ?? '')
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />
}

/**
 * A labelled form control with its hint and its error beside it. `children` is the control, id `f-<name>` (or `f-<id>`
 * where one page has several forms with the same field).
 */
export function Field({
  label,
  name,
  id,
  error,
  hint,
  children,
}: PropsWithChildren<{ label: string; name: string; id?: string | undefined; error?: string | undefined; hint?: string | undefined }>) {
  const key = id ?? name
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={`f-${key}`} safe>
        {label}
      </label>
      {children}
      {hint ? (
        <span class="hint" id={`f-${key}-hint`} safe>
          {hint}
        </span>
      ) : (
        ''
      )}
      {error ? (
        <span class="error" id={`f-${key}-error`} safe>
          {error}
        </span>
      ) : (
        ''
      )}
    </div>
  )
}

export function TextField(props: {
  label: string
  name: string
  /** When one page has several forms with this field: the control's id is `f-<id>`. */
  id?: string | undefined
  value?: string | undefined
  error?: string | undefined
  hint?: string | undefined
  type?: string
  required?: boolean
  autocomplete?: string
  maxlength?: number
}) {
  return (
    <Field label={props.label} name={props.name} id={props.id} error={props.error} hint={props.hint}>
      <input
        type={props.type ?? 'text'}
        id={`f-${props.id ?? props.name}`}
        name={props.name}
        value={attr(props.value)}
        required={props.required}
        autocomplete={props.autocomplete}
        maxlength={props.maxlength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `f-${props.id ?? props.name}-error` : undefined}
      />
    </Field>
  )
}

export function TextArea(props: {
  label: string
  name: string
  value?: string | undefined
  error?: string | undefined
  hint?: string | undefined
  required?: boolean
  maxlength?: number
  rows?: number
}) {
  return (
    <Field label={props.label} name={props.name} error={props.error} hint={props.hint}>
      <textarea
        id={`f-${props.name}`}
        name={props.name}
        required={props.required}
        maxlength={props.maxlength}
        rows={String(props.rows ?? 4)}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `f-${props.name}-error` : undefined}
        safe
      >
        {props.value ?? ''}
      </textarea>
    </Field>
  )
}

export function Select(props: {
  label: string
  name: string
  value?: string | undefined
  options: { value: string; label: string }[]
  error?: string | undefined
}) {
  return (
    <Field label={props.label} name={props.name} error={props.error}>
      <select id={`f-${props.name}`} name={props.name}>
        {props.options.map((o) => (
          <option value={attr(o.value)} selected={o.value === (props.value ?? '')} safe>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  )
}

export function StatusBadge({ status }: { status: ItemStatus }) {
  return (
    <span class={`status status-${status}`} safe>
      {STATUS_LABELS[status]}
    </span>
  )
}

/** An item's deadline as format.deadlineParts words it; the bracketed date it means is never broken over two lines. */
export function Deadline({ item }: { item: Parameters<typeof deadlineParts>[0] }) {
  const { text, meaning } = deadlineParts(item)
  return (
    <>
      <span safe>{text}</span>
      {meaning === null ? '' : <span class="nowrap" safe>{`（${meaning}）`}</span>}
    </>
  )
}

/** A column of a table: its heading, and how a row shows in it (already rendered). */
export interface Column<R> {
  label: string
  cell: (row: R) => JSX.Element
  class?: string
}

/** A table that becomes a list of cards on a phone (each cell says which column it is). */
export function Table<R>({ columns, rows, empty }: { columns: Column<R>[]; rows: R[]; empty: string }) {
  if (rows.length === 0) {
    return (
      <p class="muted" safe>
        {empty}
      </p>
    )
  }
  return (
    <div class="table-wrap">
      <table class="responsive">
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" safe>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              {columns.map((c) => (
                <td class={c.class} data-label={c.label}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** One entry of an item's timeline: when, what, who, and what was written with it. */
export function TimelineEntry({
  at,
  title,
  actor,
  text,
  children,
}: PropsWithChildren<{ at: string; title: string; actor?: string | null | undefined; text?: string | null | undefined }>) {
  return (
    <li>
      <div class="when" safe>
        {at}
      </div>
      <div>
        <span class="what" safe>
          {title}
        </span>
        {actor ? <span class="muted" safe>{` · ${actor}`}</span> : ''}
      </div>
      {text ? (
        <p class="text" safe>
          {text}
        </p>
      ) : (
        ''
      )}
      {children ?? ''}
    </li>
  )
}
