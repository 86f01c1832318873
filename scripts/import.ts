// npm run import -- --plan ID FILE [--create-units] [--update] [--dry-run]
// Imports a checklist spreadsheet into a plan, all rows or none, through the same service as the API. Prints a
// summary, or every error with its row and column and exits 1. Safe while the server runs (one short transaction).
// --dry-run prints every row as it would be imported and every error, and writes nothing.
import { readFileSync, statSync } from 'node:fs'
import { userInfo } from 'node:os'
import { parseArgs } from 'node:util'
import { AppError } from '../server/errors.ts'
import type { AccountActor } from '../server/modules/auth/permissions.ts'
import type { ImportPreview } from '../server/modules/checklist/checklist.service.ts'
import { fail, openForScript } from './lib.ts'

const usage = 'usage: npm run import -- --plan PLAN_ID FILE.xlsx [--create-units] [--update] [--dry-run]'
let parsed: ReturnType<typeof parse>
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      plan: { type: 'string' },
      'create-units': { type: 'boolean', default: false },
      update: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  })
}
try {
  parsed = parse()
} catch (err) {
  fail(`${(err as Error).message}\n${usage}`)
}
const { values, positionals } = parsed
const planId = Number(values.plan)
if (!values.plan || !Number.isInteger(planId) || planId < 1) fail(`--plan must be a plan id\n${usage}`)
if (positionals.length !== 1) fail(`name exactly one .xlsx file\n${usage}`)
const file = positionals[0]!
let bytes: Buffer
try {
  if (!statSync(file).isFile()) fail(`${file} is not a file`)
  bytes = readFileSync(file)
} catch (err) {
  fail(`cannot read ${file}: ${(err as Error).message}`)
}

/** The audit trail names who imported: an admin account for this command, named after the operating-system user. */
function operatorName(): string {
  try {
    return `命令行导入（${userInfo().username}）`
  } catch {
    return '命令行导入'
  }
}

/** Thrown out of the dry run's transaction, so that not even the operator's account is kept. */
class DryRun extends Error {
  constructor(readonly preview: ImportPreview) {
    super('dry run')
  }
}

const { database, services } = openForScript()
try {
  const name = operatorName()
  const operator = (): AccountActor => {
    const account =
      services.accounts.list().find((a) => a.name === name && a.role === 'admin') ??
      services.accounts.create({ name, role: 'admin' }).account
    return { kind: 'account', accountId: account.id, name: account.name, role: 'admin', unitId: null }
  }
  const plan = services.plans.get(planId)
  const sheet = await services.checklist.readWorkbook(bytes)
  const options = { createUnits: values['create-units'], mode: values.update ? ('update' as const) : ('create' as const) }
  if (values['dry-run']) {
    let preview: ImportPreview
    try {
      services.transact(() => {
        throw new DryRun(services.checklist.previewImport(operator(), planId, sheet, options))
      })
      throw new Error('unreachable: the dry run always rolls back')
    } catch (err) {
      if (!(err instanceof DryRun)) throw err
      preview = err.preview
    }
    console.log(`dry run of ${file} into plan ${plan.id} (${plan.title}), sheet "${sheet.sheetName}": nothing was written`)
    for (const r of preview.rows) {
      const deadline = r.deadlineKind === null ? '?' : `${r.deadlineKind}${r.deadline ? ` ${r.deadline}` : ''}`
      console.log(
        `  row ${r.row}\t${r.code}\t${r.category || '-'}\t${r.leadUnit}\t${deadline}\t${r.deadlineText}${r.outcome ? `\t${r.outcome}` : ''}`,
      )
    }
    if (preview.ok) {
      console.log(`  would create ${preview.created}, update ${preview.updated}, leave ${preview.unchanged} unchanged`)
      if (preview.createdUnits.length > 0) console.log(`  would add units: ${preview.createdUnits.join('、')}`)
    } else {
      console.error(`  the import would fail: ${preview.errors.length} error${preview.errors.length === 1 ? '' : 's'}`)
      for (const e of preview.errors) {
        const where = [e.row !== null ? `row ${e.row}` : null, e.column].filter((p) => p !== null).join(', ')
        console.error(`  ${where ? `${where}: ` : ''}${e.message}`)
      }
      process.exitCode = 1
    }
  } else {
    const result = services.checklist.importSheet(operator(), planId, sheet, options)
    console.log(`imported ${file} into plan ${plan.id} (${plan.title}), sheet "${sheet.sheetName}"`)
    console.log(`  created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}`)
    if (result.createdUnits.length > 0) console.log(`  new units: ${result.createdUnits.map((u) => u.name).join('、')}`)
  }
} catch (err) {
  if (!(err instanceof AppError)) throw err
  const errors = (err.details?.errors as { row: number | null; column: string | null; message: string }[] | undefined) ?? []
  if (errors.length === 0) {
    console.error(`Nothing was imported: ${err.code}: ${err.message}`)
  } else {
    console.error(`Nothing was imported: ${errors.length} error${errors.length === 1 ? '' : 's'} in ${file}`)
    for (const e of errors) {
      const where = [e.row !== null ? `row ${e.row}` : null, e.column].filter((p) => p !== null).join(', ')
      console.error(`  ${where ? `${where}: ` : ''}${e.message}`)
    }
  }
  process.exitCode = 1
} finally {
  database.close()
}
