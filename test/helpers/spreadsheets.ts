import type { FastifyInstance } from 'fastify'
import ExcelJS from 'exceljs'
import JSZip from 'jszip'

// Spreadsheets for the checklist import tests: small real ones, and hostile zips.

export const CHECKLIST_HEADER = ['序号', '问题', '整改目标', '整改措施', '牵头单位', '责任单位', '完成时限']

/** An .xlsx with these rows (first sheet) and merged ranges such as 'A1:G1'. */
export async function sheetXlsx(rows: unknown[][], merges: string[] = [], sheetName = '整改措施清单'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet(sheetName)
  rows.forEach((row, i) => {
    row.forEach((value, j) => {
      if (value !== null && value !== undefined) sheet.getRow(i + 1).getCell(j + 1).value = value as ExcelJS.CellValue
    })
  })
  for (const range of merges) sheet.mergeCells(range)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** A zip that has the parts of an .xlsx, one of them `bigEntryBytes` of blanks (which deflate to almost nothing). */
export async function zipBomb(bigEntryBytes: number): Promise<Buffer> {
  const zip = new JSZip()
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
  zip.file('xl/workbook.xml', '<?xml version="1.0"?><workbook/>')
  zip.file('xl/worksheets/sheet1.xml', Buffer.alloc(bigEntryBytes, 0x20))
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } })
}

/** The same zip with the declared uncompressed size of entry `name` replaced by `declared` (the directory lies). */
export function withDeclaredSize(zip: Buffer, name: string, declared: number): Buffer {
  const out = Buffer.from(zip)
  let eocd = out.length - 22
  while (eocd >= 0 && out.readUInt32LE(eocd) !== 0x06054b50) eocd--
  const count = out.readUInt16LE(eocd + 10)
  let at = out.readUInt32LE(eocd + 16)
  for (let i = 0; i < count; i++) {
    if (out.subarray(at + 46, at + 46 + out.readUInt16LE(at + 28)).toString('utf8') === name) {
      out.writeUInt32LE(declared, at + 24)
      out.writeUInt32LE(declared, out.readUInt32LE(at + 42) + 22)
    }
    at += 46 + out.readUInt16LE(at + 28) + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32)
  }
  return out
}

/** An .xlsx whose sheet has `rows` rows with a value each. */
export async function manyRows(rows: number): Promise<Buffer> {
  return sheetXlsx(Array.from({ length: rows }, (_, i) => [i + 1]))
}

/** A multipart/form-data body with text fields first, then one file part. */
export function multipartWithFields(fields: Record<string, string>, fileName: string, content: Buffer) {
  const boundary = `----checklist${Math.random().toString(16).slice(2)}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'))
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`,
      'utf8',
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  )
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/** POST /plans/:planId/import as the holder of `token`. */
export function importChecklist(
  app: FastifyInstance,
  token: string,
  planId: number,
  content: Buffer,
  options: { query?: string; fields?: Record<string, string> } = {},
) {
  const body = multipartWithFields(options.fields ?? {}, '整改措施清单.xlsx', content)
  return app.inject({
    method: 'POST',
    url: `/api/v1/plans/${planId}/import${options.query ? `?${options.query}` : ''}`,
    payload: body.payload,
    headers: { ...body.headers, authorization: `Bearer ${token}` },
  })
}

/** GET /plans/:planId/export, read back into rows of cell texts (merged cells show in their first cell only). */
export async function exportChecklist(app: FastifyInstance, token: string, planId: number) {
  const res = await app.inject({ method: 'GET', url: `/api/v1/plans/${planId}/export`, headers: { authorization: `Bearer ${token}` } })
  const workbook = new ExcelJS.Workbook()
  if (res.statusCode === 200) await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  return { res, workbook, sheet: workbook.worksheets[0] }
}

/** An .xlsx whose sheet declares a merged range of `ref` (written into the XML: exceljs itself would fill it cell by cell). */
export async function withMergedRange(ref: string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(await sheetXlsx([CHECKLIST_HEADER, ['1']]))
  const sheet = await zip.file('xl/worksheets/sheet1.xml')!.async('string')
  zip.file(
    'xl/worksheets/sheet1.xml',
    sheet.replace('</sheetData>', `</sheetData><mergeCells count="1"><mergeCell ref="${ref}"/></mergeCells>`),
  )
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
}
