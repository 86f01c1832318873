import { readFileSync } from 'node:fs'
import JSZip from 'jszip'
import { describe, expect, it } from 'vitest'
import { FIXTURE_PATH } from '../../scripts/make-fixture.ts'
import { inspectXlsx, XlsxRejected } from '../../server/modules/checklist/checklist.zip.ts'
import { docx, pdf } from '../helpers/files.ts'
import { manyRows, withDeclaredSize, withMergedRange, zipBomb } from '../helpers/spreadsheets.ts'

const LIMITS = { maxUnpackedBytes: 1_000_000, maxSheetRows: 100 }

async function rejection(bytes: Buffer, limits = LIMITS): Promise<XlsxRejected> {
  try {
    await inspectXlsx(bytes, limits)
  } catch (err) {
    if (err instanceof XlsxRejected) return err
    throw err
  }
  throw new Error('accepted')
}

describe('inspectXlsx', () => {
  it('passes a real checklist and says what it found', async () => {
    const inspection = await inspectXlsx(readFileSync(FIXTURE_PATH), LIMITS)
    expect(inspection.entries).toBeGreaterThan(5)
    expect(inspection.unpackedBytes).toBeLessThan(LIMITS.maxUnpackedBytes)
    expect(inspection.mostRowsInASheet).toBe(54)
  })

  it('refuses what is not an .xlsx, saying what it is instead', async () => {
    expect(await rejection(pdf())).toMatchObject({ reason: 'NOT_XLSX', message: expect.stringContaining('not a zip package') })
    expect(await rejection(Buffer.alloc(0))).toMatchObject({ reason: 'NOT_XLSX' })
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)])
    expect(await rejection(xls)).toMatchObject({ reason: 'NOT_XLSX', message: expect.stringContaining('.xls') })
    expect(await rejection(await docx())).toMatchObject({ reason: 'NOT_XLSX', message: expect.stringContaining('no workbook') })
  })

  it('refuses a zip bomb by its declared sizes, before inflating anything', async () => {
    const bomb = await zipBomb(5_000_000)
    expect(bomb.length).toBeLessThan(20_000)
    expect(await rejection(bomb)).toMatchObject({ reason: 'UNPACKED_TOO_LARGE', message: expect.stringContaining('1000000 bytes') })
  })

  it('refuses a zip bomb whose directory understates its sizes, stopping the inflation at the declared size', async () => {
    const lying = withDeclaredSize(await zipBomb(5_000_000), 'xl/worksheets/sheet1.xml', 1000)
    expect(await rejection(lying)).toMatchObject({ reason: 'UNPACKED_TOO_LARGE' })
  })

  it('refuses a worksheet with more rows than the limit, counted in its XML', async () => {
    expect(await rejection(await manyRows(101))).toMatchObject({ reason: 'TOO_MANY_ROWS' })
    await expect(inspectXlsx(await manyRows(100), LIMITS)).resolves.toMatchObject({ mostRowsInASheet: 100 })
  })

  it('refuses a merged range larger than any checklist, which exceljs would fill cell by cell', async () => {
    expect(await rejection(await withMergedRange('A1:XFD1048576'))).toMatchObject({ reason: 'MERGES_TOO_LARGE' })
    await expect(inspectXlsx(await withMergedRange('A1:G1'), LIMITS)).resolves.toBeDefined()
  })

  it('refuses damaged and encrypted packages', async () => {
    const good = readFileSync(FIXTURE_PATH)
    expect(await rejection(good.subarray(0, good.length - 200))).toMatchObject({ reason: 'NOT_XLSX' })
    const encrypted = Buffer.from(good)
    let at = encrypted.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    encrypted.writeUInt16LE(encrypted.readUInt16LE(at + 8) | 1, at + 8)
    expect(await rejection(encrypted)).toMatchObject({ reason: 'NOT_XLSX', message: expect.stringContaining('encrypted') })
    const zip = new JSZip()
    zip.file('[Content_Types].xml', '<Types/>')
    zip.file('xl/workbook.xml', 'not deflate data at all')
    const stored = await zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' })
    const corrupt = Buffer.from(stored)
    at = corrupt.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    corrupt.writeUInt16LE(8, at + 10) // claims deflate over stored bytes
    expect(await rejection(corrupt)).toMatchObject({ reason: 'NOT_XLSX' })
  })
})
