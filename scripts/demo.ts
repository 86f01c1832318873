// npm run demo: loads the demo plan into DATA_DIR if it is not there, prints a token for each role, and serves.
import { fixedClock, systemClock } from '../server/lib/time.ts'
import { startService } from '../server/start.ts'
import { DEMO_LEAD_UNIT, DEMO_SUPERVISION_OFFICE, loadDemo } from './demo-load.ts'
import { openForScript } from './lib.ts'

const now = systemClock.now()
const loadingClock = fixedClock(now)
const { config, database, services } = openForScript(loadingClock)
const demo = await loadDemo(services, loadingClock, now)
loadingClock.set(systemClock.now())
const tokens = [
  { role: 'admin' as const, name: '演示管理员', unit: null },
  { role: 'supervisor' as const, name: '演示督查员', unit: DEMO_SUPERVISION_OFFICE },
  { role: 'leader' as const, name: '演示领导小组成员', unit: null },
  { role: 'unit' as const, name: '演示牵头单位经办人', unit: DEMO_LEAD_UNIT },
].map((t) => {
  const unitId = t.unit ? demo.unitIds.get(t.unit)! : null
  const { token } = services.accounts.create({ name: t.name, role: t.role, unitId })
  return { ...t, token }
})
database.close()

console.log(demo.created ? `loaded the demo plan (id ${demo.planId})` : `the demo plan is already there (id ${demo.planId})`)
for (const t of tokens) console.log(`${t.role.padEnd(10)} ${t.token}${t.unit ? `  (${t.unit})` : ''}`)
const service = await startService(config)
console.log(`serving on ${service.url}  (API docs: ${service.url}/docs)`)
