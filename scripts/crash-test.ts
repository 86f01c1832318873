// npm run crash-test -- [--rounds 5] [--writers 8] [--items 40] [--min-ms 300] [--max-ms 3000]
//
// Starts the server (tsx server/main.ts, 127.0.0.1, a temporary DATA_DIR, JOBS=off), drives concurrent
// transitions, progress reports and evidence uploads, SIGKILLs it at a random moment, restarts it and checks:
// every write that got a 2xx is in the database; every item's status is that of its last status event; every
// evidence row's file is stored whole; evidence/.incoming is empty; the restarted server logged no error.
// Repeats for --rounds kill points, then stops the server with SIGTERM. Then the outbox: a server with JOBS=on is
// killed with sends to a (slow, fake) group robot in flight and restarted; every message must go out within a
// minute. Exit code 1 when anything failed.
import { parseArgs } from 'node:util'
import { runCrashTest, runOutboxCrash } from './crash-lib.ts'
import { fail, wholeNumberFlag } from './lib.ts'

const usage = 'usage: npm run crash-test -- [--rounds 1-50] [--writers 1-64] [--items 1-1000] [--min-ms N] [--max-ms N]'
let values: Record<string, string | undefined>
try {
  ;({ values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      writers: { type: 'string', default: '8' },
      items: { type: 'string', default: '40' },
      'min-ms': { type: 'string', default: '300' },
      'max-ms': { type: 'string', default: '3000' },
    },
  }))
} catch (err) {
  fail(`${(err as Error).message}\n${usage}`)
}
const bounded = (flag: string, min: number, max: number) => wholeNumberFlag(values, flag, min, max, usage)
const rounds = bounded('rounds', 1, 50)
const writers = bounded('writers', 1, 64)
const items = bounded('items', 1, 1000)
const minMs = bounded('min-ms', 0, 60_000)
const maxMs = bounded('max-ms', minMs, 60_000)

const started = Date.now()
const summary = await runCrashTest({ rounds, writers, items, killAfterMs: [minMs, maxMs], log: (line) => console.log(line) })
const { acknowledged: a } = summary
console.log(
  `\n${summary.killsSurvived}/${summary.rounds} SIGKILLs survived in ${Math.round((Date.now() - started) / 1000)} s: ` +
    `${a.transitions} transitions, ${a.reports} progress reports and ${a.evidence} evidence uploads acknowledged, all found after restart; ` +
    `${summary.cutOff} requests cut off by the kills, ${summary.conflicts} version conflicts (409); ` +
    `${summary.evidenceRows} evidence rows checked byte for byte, ${summary.orphanFiles} stored file(s) without a row; ` +
    `SIGTERM at the end ${summary.cleanShutdown ? 'stopped it cleanly' : 'did NOT stop it cleanly'}`,
)
const outbox = await runOutboxCrash({ log: (line) => console.log(line) })
const failures = [
  ...summary.unexpected.map((u) => `unexpected response: ${u}`),
  ...summary.problems,
  ...outbox.problems.map((p) => `outbox: ${p}`),
]
if (failures.length > 0) {
  console.error(`\nFAILED:\n  ${failures.slice(0, 50).join('\n  ')}${failures.length > 50 ? `\n  … and ${failures.length - 50} more` : ''}`)
  process.exit(1)
}
