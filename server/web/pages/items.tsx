import { STATUS_LABELS, STATUSES, type ItemStatus } from '../../domain/items.ts'
import type { ItemSummaryView } from '../../modules/items/items.service.ts'
import {
  attr,
  CsrfField,
  Deadline,
  Layout,
  Select,
  StatusBadge,
  Table,
  TextArea,
  TextField,
  type Column,
  type Flash,
  type Viewer,
} from '../components.tsx'

/** The list's filters as the URL carries them (strings, '' when unset). */
export interface ListFilters {
  q: string
  planId: string
  status: string
  leadUnitId: string
  unitId: string
  category: string
  overdue: string
  lagging: string
}

export const EMPTY_FILTERS: ListFilters = {
  q: '',
  planId: '',
  status: '',
  leadUnitId: '',
  unitId: '',
  category: '',
  overdue: '',
  lagging: '',
}

/** The query string that reproduces a view of the list (filters, page). */
export function listQuery(filters: ListFilters, page?: number): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(filters)) if (v !== '') params.set(k, v)
  if (page !== undefined && page > 1) params.set('page', String(page))
  const s = params.toString()
  return s ? `?${s}` : ''
}

/** The columns an item list shows; the code links to the item's page. */
export function itemColumns(): Column<ItemSummaryView>[] {
  return [
    {
      label: '编号',
      class: 'code',
      cell: (i) => (
        <a href={`/items/${i.id}`} safe>
          {i.code}
        </a>
      ),
    },
    {
      label: '督察反馈问题',
      class: 'problem',
      cell: (i) => <span safe>{i.problem.length > 80 ? `${i.problem.slice(0, 80)}…` : i.problem}</span>,
    },
    { label: '牵头单位', cell: (i) => <span safe>{i.leadUnit.name}</span> },
    { label: '完成时限', class: 'deadline', cell: (i) => <Deadline item={i} /> },
    {
      label: '状态',
      cell: (i) => (
        <>
          <StatusBadge status={i.status} />
          {i.overdue ? <span class="tag tag-overdue" safe>{`逾期${i.daysOverdue}天`}</span> : ''}
          {i.lagging ? <span class="tag tag-lagging">进展缓慢</span> : ''}
        </>
      ),
    },
  ]
}

export interface ItemsPageData {
  viewer: Viewer
  filters: ListFilters
  items: ItemSummaryView[]
  total: number
  page: number
  pageCount: number
  plans: { id: number; title: string; categories: string[] }[]
  units: { id: number; name: string }[]
  /** The plan the export would cover, or null when the person must pick one. */
  exportPlanId: number | null
  /** The bulk actions the person may take on selected items (the supervision office), or null for none. */
  bulk?: { urge: boolean; supervise: boolean } | null
  flash?: Flash | null
}

export function ItemsPage(data: ItemsPageData) {
  const { filters } = data
  const categories = [...new Set(data.plans.flatMap((p) => p.categories))]
  const unitOptions = [{ value: '', label: '全部' }, ...data.units.map((u) => ({ value: String(u.id), label: u.name }))]
  return (
    <Layout title="整改任务" viewer={data.viewer} section="items" flash={data.flash}>
      <h1>整改任务</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form is announced by every screen reader; <search> is not yet */}
      <form class="card filters no-print" method="get" action="/items" role="search">
        <TextField label="关键词" name="q" type="search" value={filters.q} maxlength={100} />
        {data.plans.length > 1 ? (
          <Select
            label="整改方案"
            name="planId"
            value={filters.planId}
            options={[{ value: '', label: '全部' }, ...data.plans.map((p) => ({ value: String(p.id), label: p.title }))]}
          />
        ) : (
          ''
        )}
        <Select
          label="状态"
          name="status"
          value={filters.status}
          options={[{ value: '', label: '全部' }, ...STATUSES.map((s: ItemStatus) => ({ value: s, label: STATUS_LABELS[s] }))]}
        />
        <Select
          label="任务领域"
          name="category"
          value={filters.category}
          options={[{ value: '', label: '全部' }, ...categories.map((c) => ({ value: c, label: c }))]}
        />
        <Select label="牵头单位" name="leadUnitId" value={filters.leadUnitId} options={unitOptions} />
        <Select label="涉及单位" name="unitId" value={filters.unitId} options={unitOptions} />
        <Select
          label="是否逾期"
          name="overdue"
          value={filters.overdue}
          options={[
            { value: '', label: '不限' },
            { value: 'true', label: '已逾期' },
            { value: 'false', label: '未逾期' },
          ]}
        />
        <Select
          label="进展缓慢"
          name="lagging"
          value={filters.lagging}
          options={[
            { value: '', label: '不限' },
            { value: 'true', label: '是' },
            { value: 'false', label: '否' },
          ]}
        />
        <div class="actions">
          <button type="submit">筛选</button>
          <a class="button secondary" href="/items">
            清除
          </a>
        </div>
      </form>
      <div class="pager">
        <span safe>{`共 ${data.total} 项，按完成时限排序`}</span>
        {data.exportPlanId !== null ? (
          <a class="button secondary no-print" href={`/items/export${listQuery({ ...filters, planId: String(data.exportPlanId) })}`}>
            导出
          </a>
        ) : (
          <span class="muted">选择一个整改方案后可导出</span>
        )}
      </div>
      <Table columns={data.bulk ? [selectColumn(), ...itemColumns()] : itemColumns()} rows={data.items} empty="没有符合条件的整改任务。" />
      {data.bulk && data.items.length > 0 ? <BulkForm viewer={data.viewer} filters={filters} total={data.total} bulk={data.bulk} /> : ''}
      {data.pageCount > 1 ? (
        <nav class="pager" aria-label="分页">
          {data.page > 1 ? <a href={`/items${listQuery(filters, data.page - 1)}`}>上一页</a> : ''}
          <span safe>{`第 ${data.page} / ${data.pageCount} 页`}</span>
          {data.page < data.pageCount ? <a href={`/items${listQuery(filters, data.page + 1)}`}>下一页</a> : ''}
        </nav>
      ) : (
        ''
      )}
    </Layout>
  )
}

/** A checkbox per row, belonging to the bulk form below the table (`form=`), so the table stays as it is. */
function selectColumn(): Column<ItemSummaryView> {
  return {
    label: '选择',
    class: 'select',
    cell: (i) => <input type="checkbox" name="itemIds" value={String(i.id)} form="bulk-form" aria-label={attr(`选择 ${i.code}`)} />,
  }
}

/** 催办 with a note, 联合督办 with a reason, or 导出, on the rows ticked or on everything the filter matches. */
function BulkForm({
  viewer,
  filters,
  total,
  bulk,
}: {
  viewer: Viewer
  filters: ListFilters
  total: number
  bulk: { urge: boolean; supervise: boolean }
}) {
  return (
    <form id="bulk-form" class="card bulk no-print" method="post" action="/items/bulk">
      <h2>批量操作</h2>
      <CsrfField token={viewer.csrfToken} />
      <input type="hidden" name="filter" value={attr(listQuery(filters))} />
      <fieldset class="choices">
        <legend>对象</legend>
        <label>
          <input type="radio" name="scope" value="selected" checked /> 勾选的任务
        </label>
        <label>
          <input type="radio" name="scope" value="all" /> <span safe>{`全部符合筛选条件的任务（${total}项）`}</span>
        </label>
      </fieldset>
      <TextArea label="催办内容或督办事由（导出时不用填）" name="note" maxlength={2000} rows={2} />
      <div class="button-row">
        {bulk.urge ? (
          <button type="submit" name="action" value="urge">
            催办
          </button>
        ) : (
          ''
        )}
        {bulk.supervise ? (
          <button type="submit" name="action" value="supervise">
            联合督办
          </button>
        ) : (
          ''
        )}
        <button type="submit" class="secondary" name="action" value="export">
          导出
        </button>
      </div>
    </form>
  )
}
