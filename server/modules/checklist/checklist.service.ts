// Importing a checklist spreadsheet into a plan, and exporting a plan's checklist as one.
//
// Import is all or nothing: the file is read and checked in full (every error collected, with its row and column),
// and only a file without errors is written, in one transaction. Items are created and updated through the items
// service, so each gets the same checks and the same audit events ('create', 'edit') as through the API.
import { chineseMonth } from '../../lib/chinese-date.ts'
import { inArray } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { progressReports } from '../../../db/schema/index.ts'
import { AppError, notFound } from '../../errors.ts'
import { localDate, type Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import type { AccountActor } from '../auth/permissions.ts'
import { STATUS_LABELS, type DeadlineKind } from '../../domain/items.ts'
import { formatDeadlinePhrase, wordingAgainst } from '../import/deadline-phrase.ts'
import { ItemCreateBody } from '../items/items.schemas.ts'
import type { ItemContent, ItemListFilters, ItemView, ItemsService } from '../items/items.service.ts'
import type { PlansRepo } from '../plans/plans.repo.ts'
import type { UnitsRepo } from '../units/units.repo.ts'
import { normalizeUnitName, type UnitsService } from '../units/units.service.ts'
import { readChecklistWorkbook, type ChecklistSheet, type FieldLimits, type SheetError, type SheetGrid } from './checklist.sheet.ts'
import type { ExportRow, ExportSection } from './checklist.workbook.ts'
import { lazy } from '../../lib/lazy.ts'
import { inspectXlsx, XlsxRejected } from './checklist.zip.ts'

// Loaded on first use: exceljs is large (see lib/lazy.ts).
const workbooks = lazy(() => import('./checklist.workbook.ts'))

export interface ImportLimits {
  /** Largest upload, in bytes (IMPORT_MAX_BYTES). */
  maxBytes: number
  /** Most rows below the header (IMPORT_MAX_ROWS). */
  maxRows: number
}

export interface ImportOptions {
  /** Create units the sheet names that do not exist yet, instead of refusing the file. */
  createUnits?: boolean | undefined
  /** 'create' (default) refuses codes the plan already has; 'update' edits those items instead. */
  mode?: 'create' | 'update' | undefined
}

export type ImportOutcome = 'created' | 'updated' | 'unchanged'

export interface ImportResult {
  created: number
  updated: number
  unchanged: number
  createdUnits: { id: number; name: string }[]
  items: { row: number; code: string; id: number; outcome: ImportOutcome }[]
}

/** One row as the import reads it and would write it. */
export interface ImportPreviewRow {
  row: number
  code: string
  /** The plan's task area the row goes into ('' for a plan without task areas, or when it cannot be told: see errors). */
  category: string
  problem: string
  target: string
  measures: string
  leadUnit: string
  responsibleUnits: string[]
  /** null when the 完成时限 could not be read (an error names it). */
  deadlineKind: DeadlineKind | null
  deadline: string | null
  deadlineText: string
  note: string
  /** What the import would do with the row; null when the file has errors (nothing would be written). */
  outcome: ImportOutcome | null
}

/** What an import would do, worked out by the import itself in a transaction that is rolled back. */
export interface ImportPreview {
  /** True when importing the file would succeed: errors is empty. */
  ok: boolean
  created: number
  updated: number
  unchanged: number
  /** The units the import would create (createUnits=true). */
  createdUnits: string[]
  rows: ImportPreviewRow[]
  errors: SheetError[]
}

/** The outcome of the import's one pass over a sheet: what it wrote (or would write) and every error. */
interface ImportRun {
  rows: ImportPreviewRow[]
  errors: SheetError[]
  result: ImportResult | null
}

/** Thrown out of a dry run's transaction so that everything it wrote is rolled back. */
class DryRunRollback extends Error {
  constructor(readonly run: ImportRun) {
    super('dry run')
  }
}

// The items API's own bounds, so that an import cannot store what the API would refuse.
const maxLengthOf = (field: 'code' | 'problem' | 'target' | 'measures', fallback: number): number =>
  (ItemCreateBody.properties[field] as { maxLength?: number }).maxLength ?? fallback
const FIELD_LIMITS: FieldLimits = {
  code: maxLengthOf('code', 32),
  problem: maxLengthOf('problem', 4000),
  target: maxLengthOf('target', 4000),
  measures: maxLengthOf('measures', 8000),
  // POST /units takes names of at most 100 characters.
  unitName: 100,
  note: (ItemCreateBody.properties.note as { maxLength?: number }).maxLength ?? 2000,
  deadlineText: (ItemCreateBody.properties.deadlineText as { maxLength?: number }).maxLength ?? 200,
}

// An .xlsx is XML deflated several times over; past ten times the upload limit it is a bomb, not a checklist.
const UNPACKED_FACTOR = 10
// The pre-check counts every row with a value; title rows and the header come on top of IMPORT_MAX_ROWS.
const ROWS_ABOVE_ITEMS = 100

// Which column an items-service refusal concerns, so that a late error still points at a cell.
const COLUMN_OF_CODE: Record<string, string> = {
  DUPLICATE_ITEM_CODE: '序号',
  VALIDATION_FAILED: '序号',
  VERSION_CONFLICT: '序号',
  INVALID_DEADLINE: '完成时限',
  UNIT_NOT_FOUND: '牵头单位',
  LEAD_UNIT_ALSO_RESPONSIBLE: '责任单位',
  DUPLICATE_RESPONSIBLE_UNIT: '责任单位',
}

const CN_NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九']

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (task areas never run past 99). */
function chineseNumber(n: number): string {
  if (n < 10) return CN_NUMERALS[n] ?? String(n)
  if (n >= 100) return String(n)
  const tens = Math.floor(n / 10)
  return `${tens === 1 ? '' : CN_NUMERALS[tens]}十${CN_NUMERALS[n % 10]}`
}

/** 'row 5', 'rows 5, 7–9, 12': rows in order, runs of consecutive rows shortened. */
function rowList(rows: readonly number[]): string {
  const sorted = [...new Set(rows)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length; i++) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    parts.push(j > i ? `${sorted[i]}–${sorted[j]}` : `${sorted[i]}`)
    i = j
  }
  return `${sorted.length === 1 ? 'row' : 'rows'} ${parts.join(', ')}`
}

/** A heading and a plan category match when they are the same text apart from whitespace. */
function sameCategory(a: string, b: string): boolean {
  const compact = (s: string) => s.normalize('NFKC').replace(/\s+/gu, '')
  return compact(a) === compact(b)
}

/** The phrase an exported item's 完成时限 shows; reading it back gives the same kind and date. */
export function exportDeadlinePhrase(kind: DeadlineKind, deadline: string | null): string {
  try {
    if (kind === 'long_term') return formatDeadlinePhrase({ deadlineKind: 'long_term', deadline, immediate: false, longTerm: true })
    if (deadline === null) return '立行立改'
    // An immediate item with a date reads back as a dated one: that is what "立行立改，…前" means to the parser.
    return formatDeadlinePhrase({ deadlineKind: 'date', deadline, immediate: kind === 'immediate', longTerm: false })
  } catch (err) {
    // A date the phrase grammar does not cover (before 2000, say): write it plainly rather than fail the export.
    if (err instanceof RangeError && deadline !== null) return kind === 'long_term' ? `${deadline}前，长期坚持` : deadline
    throw err
  }
}

/**
 * The 完成时限 an exported item shows: the checklist's own wording while it still says the item's kind and date
 * (reading it back gives the same deadline), else the canonical phrase for them.
 */
export function deadlineWording(item: { deadlineKind: DeadlineKind; deadline: string | null; deadlineText: string }): string {
  if (wordingAgainst(item.deadlineText, item) === 'says') return item.deadlineText
  return exportDeadlinePhrase(item.deadlineKind, item.deadline)
}

/** 最近进展 as printed: the report's month beside its text ('2026年11月：已完成…'). */
function progressLine(report: { period: string; text: string } | undefined): string {
  if (!report) return ''
  return `${chineseMonth(report.period)}：${report.text}`
}

export function importFailed(errors: readonly SheetError[]): AppError {
  const sorted = [...errors].sort((a, b) => (a.row ?? 0) - (b.row ?? 0))
  const shown = sorted
    .slice(0, 3)
    .map((e) => [e.row !== null ? `row ${e.row}` : null, e.column, e.message].filter((p) => p !== null).join(', '))
    .join('; ')
  const more = sorted.length > 3 ? `; and ${sorted.length - 3} more` : ''
  return new AppError(
    422,
    'IMPORT_FAILED',
    `Nothing was imported: the checklist has ${sorted.length} error${sorted.length === 1 ? '' : 's'} (${shown}${more})`,
    { errors: sorted },
  )
}

interface Deps {
  db: Db
  items: ItemsService
  units: UnitsService
  unitsRepo: UnitsRepo
  plansRepo: PlansRepo
  transact: Transact
  clock: Clock
  limits: ImportLimits
}

export function createChecklistService({ db, items, units, unitsRepo, plansRepo, transact, clock, limits }: Deps) {
  function requirePlan(planId: number) {
    const plan = plansRepo.findById(planId)
    if (!plan) throw notFound(`Plan ${planId}`, 'PLAN_NOT_FOUND')
    return plan
  }

  /** The items of a plan by code, read inside the import's transaction. */
  function itemsByCode(planId: number): Map<string, { id: number; version: number }> {
    const rows = items.codesInPlan(planId)
    return new Map(rows.map((r) => [r.code, { id: r.id, version: r.version }]))
  }

  /** Each item's latest report: the latest month, and of that month the latest filed (a correction). */
  function latestProgress(itemIds: readonly number[]): Map<number, { period: string; text: string }> {
    const latest = new Map<number, { period: string; id: number; text: string }>()
    for (let i = 0; i < itemIds.length; i += 500) {
      const rows = db
        .select({ itemId: progressReports.itemId, id: progressReports.id, period: progressReports.period, text: progressReports.text })
        .from(progressReports)
        .where(inArray(progressReports.itemId, itemIds.slice(i, i + 500)))
        .all()
      for (const r of rows) {
        const seen = latest.get(r.itemId)
        if (!seen || r.period > seen.period || (r.period === seen.period && r.id > seen.id)) latest.set(r.itemId, r)
      }
    }
    return new Map([...latest].map(([itemId, r]) => [itemId, { period: r.period, text: r.text }]))
  }

  /** The plan's task area for each row, and the errors that keep rows from having one (one per cause, not per row). */
  function categoriesOf(plan: { categories: string[] }, sheet: ChecklistSheet): { categories: string[]; errors: SheetError[] } {
    const errors: SheetError[] = []
    const known = (text: string): string | undefined =>
      plan.categories.length === 0 ? text : plan.categories.find((c) => sameCategory(c, text))

    // Heading rows: each must name one of the plan's task areas (a plan without any takes them as written).
    const categoryOfHeading = new Map<number, string>()
    for (const heading of sheet.headings) {
      const category = known(heading.text)
      if (category !== undefined) categoryOfHeading.set(heading.row, category)
      else if (!sheet.hasCategoryColumn) {
        errors.push({
          row: heading.row,
          column: heading.column,
          message: `the heading "${heading.printed}" is not a task area of this plan (${plan.categories.join('、')})`,
        })
      }
    }

    const unknownInColumn = new Map<string, number[]>()
    const blankInColumn: number[] = []
    const categories = sheet.rows.map((row) => {
      // The column says it for its row; where its cell is blank, the heading above (if any) does.
      if (row.categoryCell !== null && row.categoryCell !== '') {
        const category = known(row.categoryCell)
        if (category !== undefined) return category
        const rows = unknownInColumn.get(row.categoryCell) ?? []
        rows.push(row.row)
        unknownInColumn.set(row.categoryCell, rows)
        return ''
      }
      const fromHeading = row.heading ? categoryOfHeading.get(row.heading.row) : undefined
      if (fromHeading !== undefined) return fromHeading
      if (plan.categories.length === 1) return plan.categories[0]!
      // A blank cell in the column (under no heading of the plan's): the row has no task area.
      if (row.categoryCell === '' && plan.categories.length > 1) blankInColumn.push(row.row)
      return ''
    })
    for (const [text, rows] of unknownInColumn) {
      errors.push({
        row: rows[0]!,
        column: '类别',
        message: `"${text}" is not a task area of this plan (${plan.categories.join('、')})${rows.length > 1 ? `; also in rows ${rows.slice(1).join(', ')}` : ''}`,
      })
    }
    if (blankInColumn.length > 0) {
      errors.push({
        row: blankInColumn[0]!,
        column: '类别',
        message: `类别 is empty in ${rowList(blankInColumn)}; name the task area of each row`,
      })
    }
    if (plan.categories.length > 1) {
      const without = sheet.rows.filter(
        (r) => (r.categoryCell === null || r.categoryCell === '') && r.heading === null && !blankInColumn.includes(r.row),
      )
      if (without.length > 0 && sheet.headings.length === 0 && !sheet.hasCategoryColumn) {
        // The sheet says nothing about task areas: one error for the sheet, not one per row.
        errors.push({
          row: null,
          column: null,
          message:
            `the checklist names no task area, and this plan has ${plan.categories.length} (${plan.categories.join('、')}): ` +
            `add a 类别 column naming each row's task area, or a heading row such as "一、${plan.categories[0]}" above the rows of each`,
        })
      } else if (without.length > 0) {
        errors.push({
          row: without[0]!.row,
          column: null,
          message: `${rowList(without.map((r) => r.row))} come${without.length === 1 ? 's' : ''} before any task-area heading row; put a heading such as "一、${plan.categories[0]}" above them`,
        })
      }
    }
    return { categories, errors }
  }

  /**
   * The import's one pass, inside the caller's transaction: the checks, then (when they pass) the writes. Errors are
   * returned, not thrown; the caller commits, throws, or rolls back.
   */
  function runImport(actor: AccountActor, planId: number, sheet: ChecklistSheet, options: ImportOptions): ImportRun {
    const plan = requirePlan(planId)
    const mode = options.mode ?? 'create'
    const errors: SheetError[] = [...sheet.errors]
    const areas = categoriesOf(plan, sheet)
    errors.push(...areas.errors)
    const rows: ImportPreviewRow[] = sheet.rows.map((row, i) => ({
      row: row.row,
      code: row.code,
      category: areas.categories[i]!,
      problem: row.problem,
      target: row.target,
      measures: row.measures,
      leadUnit: row.leadUnit,
      responsibleUnits: row.responsibleUnits,
      deadlineKind: row.deadline?.deadlineKind ?? null,
      deadline: row.deadline?.deadline ?? null,
      deadlineText: row.deadlinePhrase,
      note: row.note,
      outcome: null,
    }))

    // Units, by name after trimming. A misspelt unit is one error where it first appears, naming every row that
    // has it, rather than one per cell: it is fixed once, by the person reading the list.
    const unitByName = new Map(units.list().map((u) => [normalizeUnitName(u.name), u.id]))
    const unknown = new Map<string, { row: number; column: string; rows: number[] }>()
    for (const row of sheet.rows) {
      const named = [
        ...(row.leadUnit ? [['牵头单位', row.leadUnit] as const] : []),
        ...row.responsibleUnits.map((u) => ['责任单位', u] as const),
      ]
      for (const [column, raw] of named) {
        const name = normalizeUnitName(raw)
        if (unitByName.has(name)) continue
        const seen = unknown.get(name)
        if (!seen) unknown.set(name, { row: row.row, column, rows: [row.row] })
        else if (!seen.rows.includes(row.row)) seen.rows.push(row.row)
      }
    }
    const toCreate = options.createUnits ? [...unknown.keys()] : []
    if (!options.createUnits) {
      for (const [name, { row, column, rows: seenIn }] of unknown) {
        const others = seenIn.length > 1 ? ` (also in row${seenIn.length > 2 ? 's' : ''} ${seenIn.slice(1).join(', ')})` : ''
        errors.push({
          row,
          column,
          message: `unknown unit "${name}"${others}: no unit has this name; correct it, add the unit first, or import with createUnits=true`,
        })
      }
    }

    // Codes already in the plan: refused, or updated when asked to.
    const existing = itemsByCode(planId)
    if (mode === 'create') {
      for (const row of sheet.rows) {
        const item = existing.get(row.code)
        if (item) {
          errors.push({
            row: row.row,
            column: '序号',
            message: `序号 "${row.code}" is already in this plan (item ${item.id}); import with mode=update to update the existing items`,
          })
        }
      }
    }
    if (errors.length > 0) return { rows, errors, result: null }

    const createdUnits = toCreate.map((name) => {
      const unit = units.create(name)
      unitByName.set(normalizeUnitName(unit.name), unit.id)
      return { id: unit.id, name: unit.name }
    })

    const outcomes: ImportResult['items'] = []
    const writeErrors: SheetError[] = []
    sheet.rows.forEach((row, i) => {
      const leadUnitId = unitByName.get(normalizeUnitName(row.leadUnit))!
      // A lead unit listed again among the responsible ones is the same unit in both roles: keep it once.
      const responsibleUnitIds = row.responsibleUnits.map((u) => unitByName.get(normalizeUnitName(u))!).filter((id) => id !== leadUnitId)
      const content: ItemContent = {
        code: row.code,
        category: rows[i]!.category,
        problem: row.problem,
        target: row.target,
        measures: row.measures,
        leadUnitId,
        responsibleUnitIds: [...new Set(responsibleUnitIds)],
        deadlineKind: row.deadline!.deadlineKind,
        deadline: row.deadline!.deadline,
        deadlineText: row.deadlinePhrase,
        note: row.note,
      }
      try {
        const current = existing.get(row.code)
        let view: ItemView
        let outcome: ImportOutcome
        if (current && mode === 'update') {
          view = items.edit(actor, current.id, current.version, content)
          outcome = view.version === current.version ? 'unchanged' : 'updated'
        } else {
          view = items.create(actor, planId, content)
          outcome = 'created'
        }
        outcomes.push({ row: row.row, code: view.code, id: view.id, outcome })
        rows[i]!.outcome = outcome
      } catch (err) {
        // The checks above should leave nothing for the items service to refuse; if it does, report it with
        // the rest (each create ran in its own savepoint) rather than stop at the first.
        if (!(err instanceof AppError)) throw err
        writeErrors.push({ row: row.row, column: COLUMN_OF_CODE[err.code] ?? null, message: err.message })
      }
    })
    if (writeErrors.length > 0) return { rows, errors: writeErrors, result: null }

    const count = (o: ImportOutcome) => outcomes.filter((item) => item.outcome === o).length
    return {
      rows,
      errors: [],
      result: { created: count('created'), updated: count('updated'), unchanged: count('unchanged'), createdUnits, items: outcomes },
    }
  }

  return {
    requirePlan,

    /**
     * Reads an uploaded file into checklist rows and the errors found in them. Refuses, before any parser sees
     * it, a file over the size limit, one that is not an .xlsx, a zip bomb, or a sheet with too many rows.
     */
    async readWorkbook(bytes: Buffer): Promise<ChecklistSheet> {
      if (bytes.length > limits.maxBytes) {
        throw new AppError(
          413,
          'FILE_TOO_LARGE',
          `The spreadsheet is ${bytes.length} bytes; at most ${limits.maxBytes} are accepted (IMPORT_MAX_BYTES)`,
        )
      }
      const tooManyRows = (count: number | null) =>
        new AppError(
          413,
          'TOO_MANY_ROWS',
          `The checklist has ${count === null ? `more than ${limits.maxRows}` : count} rows; at most ${limits.maxRows} are imported at once (IMPORT_MAX_ROWS): split the file`,
        )
      try {
        await inspectXlsx(bytes, { maxUnpackedBytes: limits.maxBytes * UNPACKED_FACTOR, maxSheetRows: limits.maxRows + ROWS_ABOVE_ITEMS })
      } catch (err) {
        if (!(err instanceof XlsxRejected)) throw err
        if (err.reason === 'NOT_XLSX') throw new AppError(415, 'NOT_XLSX', err.message)
        if (err.reason === 'TOO_MANY_ROWS') throw tooManyRows(null)
        if (err.reason === 'MERGES_TOO_LARGE') throw new AppError(413, 'MERGES_TOO_LARGE', err.message)
        throw new AppError(413, 'UNPACKED_TOO_LARGE', err.message)
      }
      let grids: SheetGrid[]
      try {
        grids = await (await workbooks()).loadGrids(bytes)
      } catch {
        throw new AppError(
          415,
          'NOT_XLSX',
          'The file is packed like an .xlsx spreadsheet but its workbook cannot be read; open it in Excel or WPS and save it again',
        )
      }
      const sheet = readChecklistWorkbook(grids, { limits: FIELD_LIMITS })
      if (sheet.dataRowCount > limits.maxRows) throw tooManyRows(sheet.dataRowCount)
      return sheet
    },

    /**
     * Checks the rows against the plan (task areas, codes) and the units, then creates or updates every item in
     * one transaction. Any error anywhere → nothing is written, and the 422 lists all of them.
     */
    importSheet(actor: AccountActor, planId: number, sheet: ChecklistSheet, options: ImportOptions = {}): ImportResult {
      requirePlan(planId)
      return transact(() => {
        const run = runImport(actor, planId, sheet, options)
        if (run.errors.length > 0 || run.result === null) throw importFailed(run.errors)
        return run.result
      })
    },

    /**
     * What importSheet would do, saving nothing: every row as it would be imported and every error. It runs the
     * import itself (the same checks, the same writes through the items service) and rolls the transaction back,
     * so that the preview cannot differ from the import.
     */
    previewImport(actor: AccountActor, planId: number, sheet: ChecklistSheet, options: ImportOptions = {}): ImportPreview {
      requirePlan(planId)
      let run: ImportRun
      try {
        transact(() => {
          throw new DryRunRollback(runImport(actor, planId, sheet, options))
        })
        throw new Error('unreachable: the dry run always rolls back')
      } catch (err) {
        if (!(err instanceof DryRunRollback)) throw err
        run = err.run
      }
      const ok = run.errors.length === 0 && run.result !== null
      const rows = run.rows.map((r) => ({ ...r, outcome: ok ? r.outcome : null }))
      const count = (o: ImportOutcome) => (ok ? rows.filter((r) => r.outcome === o).length : 0)
      return {
        ok,
        created: count('created'),
        updated: count('updated'),
        unchanged: count('unchanged'),
        createdUnits: ok ? run.result!.createdUnits.map((u) => u.name) : [],
        rows,
        errors: [...run.errors].sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
      }
    },

    /** The checklist as the caller may see it (a unit: only the items it leads or shares), as an .xlsx. */
    async exportWorkbook(
      actor: AccountActor,
      planId: number,
      /** The workbench's list filters: the export is then what the list shows (and, given, only these items). */
      filters: Omit<ItemListFilters, 'planId' | 'cursor' | 'limit' | 'view'> & { itemIds?: number[] | undefined } = {},
    ): Promise<{ fileName: string; asciiFileName: string; bytes: Buffer }> {
      const plan = requirePlan(planId)
      const { itemIds, ...listFilters } = filters
      const chosen = itemIds === undefined ? null : new Set(itemIds)
      const views: ItemView[] = []
      let cursor: string | undefined
      do {
        const page = items.list(actor, { ...listFilters, planId, limit: 200, cursor, view: 'full' })
        // The workbench's selected rows: only those, still within what the caller sees.
        views.push(...(chosen === null ? page.items : page.items.filter((i) => chosen.has(i.id))))
        cursor = page.nextCursor ?? undefined
      } while (cursor !== undefined)
      const progress = latestProgress(views.map((v) => v.id))

      // Task areas in the plan's order, numbered as in the plan even when a unit sees only some of them.
      const order = [...plan.categories]
      for (const v of views) if (v.category !== '' && !order.includes(v.category)) order.push(v.category)
      const toRow = (v: ItemView): ExportRow => ({
        code: v.code,
        problem: v.problem,
        target: v.target,
        measures: v.measures,
        leadUnit: v.leadUnit.name,
        responsibleUnits: v.responsibleUnits.map((u) => u.name),
        deadlinePhrase: deadlineWording(v),
        note: v.note,
        status: STATUS_LABELS[v.status],
        overdue: v.overdue,
        daysOverdue: v.daysOverdue,
        latestProgress: progressLine(progress.get(v.id)),
        closedOn: v.status === 'closed' && v.closedAt ? localDate(new Date(v.closedAt), plan.timezone) : '',
      })
      const sections: ExportSection[] = []
      const uncategorised = views.filter((v) => v.category === '')
      if (uncategorised.length > 0) sections.push({ heading: null, rows: uncategorised.map(toRow) })
      order.forEach((category, i) => {
        const rows = views.filter((v) => v.category === category)
        if (rows.length > 0) sections.push({ heading: `${chineseNumber(i + 1)}、${category}`, rows: rows.map(toRow) })
      })

      const now = clock.now()
      const today = localDate(now, plan.timezone)
      const unitName = actor.role === 'unit' && actor.unitId !== null ? unitsRepo.findById(actor.unitId)?.name : undefined
      const scope = unitName ? `，${unitName}牵头或参与的事项` : ''
      const bytes = await (await workbooks()).writeChecklistWorkbook({
        title: plan.title,
        note: `导出日期：${today}　共 ${views.length} 项${scope}`,
        sections,
        created: now,
      })
      return { fileName: `整改措施清单-${plan.id}-${today}.xlsx`, asciiFileName: `checklist-plan${plan.id}-${today}.xlsx`, bytes }
    },
  }
}

export type ChecklistService = ReturnType<typeof createChecklistService>
