import { createTestApp } from '../test/helpers/app.ts'
import { workflowWorld } from '../test/helpers/workflow.ts'
const t = await createTestApp()
const w = workflowWorld(t.app)
const item = await w.itemIn('in_progress')
const b = '----hostile'
const which = process.argv[2]
const cases: Record<string, [string, string]> = {
  noboundary: ['multipart/form-data', `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF\r\n--${b}--\r\n`],
  truncated: [`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 truncated`],
}
const [ct, body] = cases[which]!
const timer = setTimeout(() => { console.log('HUNG'); console.log(t.logs.slice(-3).join('\n')); process.exit(3) }, 5000)
const res = await t.app.inject({ method: 'POST', url: `/api/v1/items/${item.id}/evidence`, headers: { authorization: `Bearer ${w.tokens.lead}`, 'content-type': ct }, payload: Buffer.from(body, 'latin1') })
clearTimeout(timer)
console.log(ct, res.statusCode, res.body.slice(0, 200))
console.log(t.logs.filter((l) => l.includes('"level":50')).map((l) => l.slice(0, 2500)).join('\n'))
await t.close()
