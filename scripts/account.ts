// npm run account -- --login LOGIN --role ROLE --name NAME [--unit UNIT_NAME] --password-stdin
// Creates an account that can sign in to the workbench, or sets the password of an existing login (ending its
// sessions). The password is read from standard input (one trailing newline dropped), never from the command line,
// where other users of the machine could read it. Safe on a fresh DATA_DIR and while the server runs.
import { parseArgs } from 'node:util'
import { text } from 'node:stream/consumers'
import { ROLES, type Role } from '../server/domain/actors.ts'
import { AppError } from '../server/errors.ts'
import { passwordProblem } from '../server/modules/accounts/passwords.ts'
import { fail, openForScript } from './lib.ts'

const usage =
  'usage: echo PASSWORD | npm run account -- --login LOGIN --role admin|supervisor|leader|unit --name NAME [--unit UNIT_NAME] --password-stdin'
let values: { login?: string; role?: string; name?: string; unit?: string; 'password-stdin'?: boolean }
try {
  ;({ values } = parseArgs({
    options: {
      login: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      unit: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  }))
} catch (err) {
  fail(`${(err as Error).message}\n${usage}`)
}
if (!values.login?.trim()) fail(`--login is required\n${usage}`)
if (!values['password-stdin']) fail(`--password-stdin is required: the password is read from standard input\n${usage}`)
const role = values.role as Role | undefined
if (!role || !ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}\n${usage}`)
if (!values.name?.trim()) fail(`--name is required\n${usage}`)
if (role === 'unit' && !values.unit?.trim()) fail(`a unit account needs --unit\n${usage}`)

const password = (await text(process.stdin)).replace(/\r?\n$/, '')
// Checked before anything is written (a new unit included).
const problem = passwordProblem(password)
if (problem) fail(problem)

const { database, services } = openForScript()
try {
  let unitId: number | null = null
  if (values.unit?.trim()) {
    const { unit, created } = services.units.findOrCreate(values.unit)
    if (created) console.error(`created unit "${unit.name}" (id ${unit.id})`)
    unitId = unit.id
  }
  const { account, created } = await services.signIn.setPassword({ login: values.login!, password, role, name: values.name!, unitId })
  console.log(
    `${created ? 'created' : 'set the password of'} account ${account.id}: ${values.login!.trim()} — ${account.name} (${account.role}${account.unitName ? `, ${account.unitName}` : ''})`,
  )
} catch (err) {
  if (err instanceof AppError) fail(`${err.code}: ${err.message}`)
  if (err instanceof Error) fail(err.message)
  throw err
} finally {
  database.close()
}
