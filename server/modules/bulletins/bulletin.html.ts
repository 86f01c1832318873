// The bulletin's printable page and the formatting it shares with the workbook. The page is rendered with the
// service's one renderer in bulletin.page.tsx; this module keeps the names its callers import.
export * from './bulletin.format.ts'
export { renderBulletinHtml } from './bulletin.page.tsx'
