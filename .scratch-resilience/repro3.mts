import { createTestApp } from '../test/helpers/app.ts'
import { workflowWorld } from '../test/helpers/workflow.ts'
const t = await createTestApp()
const w = workflowWorld(t.app)
const b = '----hostile'
const cases: [string, string][] = [
  ['multipart/form-data', `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK\r\n--${b}--\r\n`],
  [`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK truncated`],
  [`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="mode"\r\n\r\nupdate`],
]
for (const [ct, body] of cases) {
  let done = false
  const timer = setTimeout(() => { if (!done) console.log('HUNG', ct) }, 4000)
  const res = await Promise.race([
    t.app.inject({ method: 'POST', url: `/api/v1/plans/${w.plan.id}/import`, headers: { authorization: `Bearer ${w.tokens.admin}`, 'content-type': ct }, payload: Buffer.from(body, 'latin1') }),
    new Promise<null>((r) => setTimeout(() => r(null), 4500)),
  ])
  done = true
  clearTimeout(timer)
  console.log(ct, res?.statusCode, res?.body.slice(0, 200))
}
console.log(t.logs.filter((l) => l.includes('"level":50')).map((l) => l.slice(0, 600)).join('\n'))
process.exit(0)
