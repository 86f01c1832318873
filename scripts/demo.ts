// npm run demo: loads the demo plan into DATA_DIR if it is not there, prints a token for each role, and serves.
import { randomBytes } from 'node:crypto'
import { fixedClock, systemClock } from '../server/lib/time.ts'
import { startService } from '../server/start.ts'
import { DEMO_LEAD_UNIT, DEMO_SUPERVISION_OFFICE, loadDemo } from './demo-load.ts'
import { openForScript } from './lib.ts'

const now = systemClock.now()
const loadingClock = fixedClock(now)
const { config, database, services } = openForScript(loadingClock)
const demo = await loadDemo(services, loadingClock, now)
loadingClock.set(systemClock.now())
const people = [
  { role: 'admin' as const, login: 'admin', name: '演示管理员', unit: null },
  { role: 'supervisor' as const, login: 'supervisor', name: '演示督查员', unit: DEMO_SUPERVISION_OFFICE },
  { role: 'leader' as const, login: 'leader', name: '演示领导小组成员', unit: null },
  { role: 'unit' as const, login: 'unit', name: '演示牵头单位经办人', unit: DEMO_LEAD_UNIT },
]
const tokens = []
for (const p of people) {
  const unitId = p.unit ? demo.unitIds.get(p.unit)! : null
  const { token } = services.accounts.create({ name: p.name, role: p.role, unitId })
  // A fresh password on every start, for the workbench (a login that exists keeps its account; its sessions end).
  const password = randomBytes(9).toString('base64url')
  await services.signIn.setPassword({ login: p.login, password, role: p.role, name: p.name, unitId })
  tokens.push({ ...p, token, password })
}
database.close()

console.log(demo.created ? `loaded the demo plan (id ${demo.planId})` : `the demo plan is already there (id ${demo.planId})`)
console.log('API tokens (Authorization: Bearer …):')
for (const t of tokens) console.log(`${t.role.padEnd(10)} ${t.token}${t.unit ? `  (${t.unit})` : ''}`)
console.log('workbench sign-in (用户名 / 密码):')
for (const t of tokens) console.log(`${t.role.padEnd(10)} ${t.login} / ${t.password}${t.unit ? `  (${t.unit})` : ''}`)
const service = await startService(config)
console.log(`serving on ${service.url}  (API docs: ${service.url}/docs)`)
