// npm run token -- --role ROLE --name NAME [--unit UNIT_NAME]
// Creates an account and prints its bearer token as the last line of stdout. Safe while the server runs.
import { parseArgs } from 'node:util'
import { ROLES, type Role } from '../server/domain/actors.ts'
import { AppError } from '../server/errors.ts'
import { fail, openForScript } from './lib.ts'

const usage = 'usage: npm run token -- --role admin|supervisor|leader|unit --name NAME [--unit UNIT_NAME]'
let values: { role?: string; name?: string; unit?: string }
try {
  ;({ values } = parseArgs({ options: { role: { type: 'string' }, name: { type: 'string' }, unit: { type: 'string' } } }))
} catch (err) {
  fail(`${(err as Error).message}\n${usage}`)
}
const role = values.role as Role | undefined
if (!role || !ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}\n${usage}`)
if (!values.name?.trim()) fail(`--name is required\n${usage}`)
if (role === 'unit' && !values.unit?.trim()) fail(`a unit account needs --unit\n${usage}`)

const { database, services } = openForScript()
try {
  let unitId: number | null = null
  if (values.unit?.trim()) {
    const { unit, created } = services.units.findOrCreate(values.unit)
    if (created) console.error(`created unit "${unit.name}" (id ${unit.id})`)
    unitId = unit.id
  }
  const { account, token } = services.accounts.create({ name: values.name, role, unitId })
  console.log(`account ${account.id}: ${account.name} (${account.role}${account.unitName ? `, ${account.unitName}` : ''})`)
  console.log(token)
} catch (err) {
  if (err instanceof AppError) fail(`${err.code}: ${err.message}`)
  throw err
} finally {
  database.close()
}
