// Dates and months as Chinese text reads them (2018年12月31日, 2018年12月): one formatter for the pages, the
// bulletin and the notices, on Intl.DateTimeFormat. The values are calendar dates already worked out in the
// plan's zone, so they are formatted as UTC midnights in UTC: the machine's zone never shifts them.
const DATE = new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' })
const MONTH = new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', timeZone: 'UTC' })

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const PERIOD_RE = /^(\d{4})-(\d{2})$/

function utc(year: number, month: number, day: number): Date {
  const at = new Date(0)
  at.setUTCFullYear(year, month - 1, day)
  return at
}

/** 'YYYY-MM-DD' → '2018年12月31日'; anything else is returned as given. */
export function chineseDate(date: string): string {
  const m = DATE_RE.exec(date)
  return m ? DATE.format(utc(Number(m[1]), Number(m[2]), Number(m[3]))) : date
}

/** 'YYYY-MM' → '2018年12月'; anything else is returned as given. */
export function chineseMonth(period: string): string {
  const m = PERIOD_RE.exec(period)
  return m ? MONTH.format(utc(Number(m[1]), Number(m[2]), 1)) : period
}
