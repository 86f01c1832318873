import { readFileSync } from 'node:fs'
import ExcelJS from 'exceljs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildChecklistFixture, FIXTURE_PATH } from '../../scripts/make-fixture.ts'
import {
  cellText,
  headingText,
  readChecklistSheet,
  readChecklistWorkbook,
  splitUnits,
  type CellRange,
  type SheetGrid,
} from '../../server/modules/checklist/checklist.sheet.ts'
import { loadGrids } from '../../server/modules/checklist/checklist.workbook.ts'

const HEADER = ['序号', '问题', '整改目标', '整改措施', '牵头单位', '责任单位', '完成时限']

/** 'A1:G1' → a range; the tests write merges the way a spreadsheet names them. */
function range(ref: string): CellRange {
  const [a, b] = ref.split(':') as [string, string]
  const cell = (r: string) => ({ col: r.charCodeAt(0) - 64, row: Number(r.slice(1)) })
  const [p, q] = [cell(a), cell(b)]
  return { top: p.row, left: p.col, bottom: q.row, right: q.col }
}

function grid(rows: unknown[][], merges: string[] = [], name = 'Sheet1'): SheetGrid {
  return { name, rows, merges: merges.map(range) }
}

const item = (code: string, deadline = '2018年12月底前', units = '区住房城乡建设委') => [
  code,
  `问题${code}`,
  `目标${code}`,
  `措施${code}`,
  '区生态环境局',
  units,
  deadline,
]

describe('the header', () => {
  it('is found under title rows, with its columns in any order', () => {
    const order = [6, 0, 4, 1, 5, 3, 2] // 完成时限, 序号, 牵头单位, 问题, 责任单位, 整改措施, 整改目标
    const reorder = (row: unknown[]) => order.map((i) => row[i])
    const sheet = readChecklistSheet(
      grid([['附件'], ['某区整改措施清单'], [], reorder(HEADER), ['一、打好污染防治攻坚战'], reorder(item('1'))], ['A2:G2', 'A5:G5']),
    )
    expect(sheet.errors).toEqual([])
    expect(sheet.headerRow).toBe(4)
    expect(sheet.rows).toEqual([
      expect.objectContaining({
        row: 6,
        code: '1',
        problem: '问题1',
        target: '目标1',
        measures: '措施1',
        leadUnit: '区生态环境局',
        responsibleUnits: ['区住房城乡建设委'],
      }),
    ])
  })

  it('reads the same items whatever the column order, the title rows above and the unit separators (property)', () => {
    const units = ['区水务局', '区交通局', '区公安分局', '五里坨街道办事处']
    fc.assert(
      fc.property(
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6], { minLength: 7, maxLength: 7 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.tuple(fc.subarray(units), fc.constantFrom('、', '，', ',', '；', ';', '\n', ' 、 ')), { minLength: 1, maxLength: 6 }),
        (order, titleRows, rowsUnits) => {
          const reorder = (row: unknown[]) => order.map((i) => row[i])
          const titles = Array.from({ length: titleRows }, (_, i) => [`标题${i + 1}`])
          const items = rowsUnits.map(([names, separator], i) => item(`1-${i + 1}`, '2019年6月30日前', names.join(separator)))
          const sheet = readChecklistSheet(grid([...titles, reorder(HEADER), ...items.map(reorder)]))
          expect(sheet.errors).toEqual([])
          expect(
            sheet.rows.map((r) => [r.code, r.problem, r.target, r.measures, r.leadUnit, r.responsibleUnits, r.deadline?.deadline]),
          ).toEqual(
            rowsUnits.map(([names], i) => [
              `1-${i + 1}`,
              `问题1-${i + 1}`,
              `目标1-${i + 1}`,
              `措施1-${i + 1}`,
              '区生态环境局',
              names,
              '2019-06-30',
            ]),
          )
        },
      ),
    )
  })

  it('tolerates spaces and line breaks in headers, and reads common variants', () => {
    const header = ['序 号', '督察反馈\n问题', '整改\u3000目标', '整改措施', '牵头单位', '配合单位', '整改时限']
    const sheet = readChecklistSheet(grid([header, item('1')]))
    expect(sheet.errors).toEqual([])
    expect(sheet.rows[0]).toMatchObject({ problem: '问题1', responsibleUnits: ['区住房城乡建设委'] })
  })

  it('may span two rows (责任单位 over 牵头单位 | 责任单位)', () => {
    const top = ['序号', '问题', '整改目标', '整改措施', '责任单位', null, '完成时限']
    const bottom = [null, null, null, null, '牵头单位', '责任单位', null]
    const sheet = readChecklistSheet(grid([top, bottom, item('1')], ['A1:A2', 'B1:B2', 'C1:C2', 'D1:D2', 'E1:F1', 'G1:G2']))
    expect(sheet.errors).toEqual([])
    expect(sheet.headerRow).toBe(2)
    expect(sheet.rows[0]).toMatchObject({ leadUnit: '区生态环境局', responsibleUnits: ['区住房城乡建设委'] })
  })

  it('names the columns a near-header lacks, and says what it needs when there is none', () => {
    const partial = readChecklistSheet(grid([['序号', '问题', '整改措施', '牵头单位', '完成时限'], ['1']]))
    expect(partial.errors).toEqual([{ row: null, column: null, message: 'the header in row 1 has no column 整改目标, 责任单位' }])
    const none = readChecklistSheet(grid([['会议纪要'], ['无表头']], [], '说明'))
    expect(none.errors[0]!.message).toContain('no header row found in sheet "说明"')
    expect(none.errors[0]!.message).toContain('序号、问题、整改目标、整改措施、牵头单位、责任单位、完成时限')
  })
})

describe('heading rows and merged cells', () => {
  it('a heading row sets the task area of the rows below it, merged across or numbered', () => {
    const sheet = readChecklistSheet(
      grid(
        [
          HEADER,
          ['一、环保主体责任落实'],
          item('1-1'),
          item('1-2'),
          [null, '（二）打好污染防治攻坚战'],
          item('2-1'),
          ['加强城市治理能力建设'],
          item('3-1'),
        ],
        ['A2:G2', 'A7:G7'],
      ),
    )
    expect(sheet.errors).toEqual([])
    expect(sheet.headings.map((h) => [h.row, h.text, h.column])).toEqual([
      [2, '环保主体责任落实', '序号'],
      [5, '打好污染防治攻坚战', '问题'],
      [7, '加强城市治理能力建设', '序号'],
    ])
    expect(sheet.rows.map((r) => [r.code, r.heading?.text])).toEqual([
      ['1-1', '环保主体责任落实'],
      ['1-2', '环保主体责任落实'],
      ['2-1', '打好污染防治攻坚战'],
      ['3-1', '加强城市治理能力建设'],
    ])
  })

  it('a problem merged over several measure rows belongs to each of them', () => {
    const rows = [
      HEADER,
      ['一、打好污染防治攻坚战'],
      item('1-1'),
      ['1-2', null, null, '措施二', '区水务局', '区生态环境局', '2019.6.30'],
      ['1-3', null, null, '措施三', '区水务局', '', '长期坚持'],
    ]
    const sheet = readChecklistSheet(grid(rows, ['A2:G2', 'B3:B5', 'C3:C5']))
    expect(sheet.errors).toEqual([])
    expect(sheet.rows.map((r) => [r.code, r.problem, r.target, r.measures])).toEqual([
      ['1-1', '问题1-1', '目标1-1', '措施1-1'],
      ['1-2', '问题1-1', '目标1-1', '措施二'],
      ['1-3', '问题1-1', '目标1-1', '措施三'],
    ])
  })

  it('a merged lead unit or deadline applies to every row of the merge', () => {
    const rows = [HEADER, ['一、打好污染防治攻坚战'], item('1', '2019年上半年'), ['2', 'p', 't', 'm', null, '区水务局', null]]
    const sheet = readChecklistSheet(grid(rows, ['A2:G2', 'E3:E4', 'G3:G4']))
    expect(sheet.errors).toEqual([])
    expect(sheet.rows[1]).toMatchObject({ leadUnit: '区生态环境局', deadline: { deadlineKind: 'date', deadline: '2019-06-30' } })
  })

  it('skips empty rows and rows that only continue a merge from above', () => {
    const rows = [HEADER, item('1'), [], [null, null], item('2')]
    const sheet = readChecklistSheet(grid(rows, ['B2:B4']))
    expect(sheet.errors).toEqual([])
    expect(sheet.rows.map((r) => r.code)).toEqual(['1', '2'])
    expect(sheet.dataRowCount).toBe(2)
  })

  it('reads the heading numbering, and only the numbering', () => {
    expect(headingText('一、打好污染防治攻坚战')).toBe('打好污染防治攻坚战')
    expect(headingText('十二. 其他')).toBe('其他')
    expect(headingText('（三）加强城市治理能力建设：')).toBe('加强城市治理能力建设')
    expect(headingText('第二部分 打好污染防治攻坚战')).toBe('打好污染防治攻坚战')
    expect(headingText('一、')).toBeNull()
    expect(headingText('1-1')).toBeNull()
    expect(headingText('打好污染防治攻坚战')).toBeNull()
  })
})

describe('units and deadlines', () => {
  it('splits responsible units on 、，, ；; and line breaks, trimming each', () => {
    expect(splitUnits('区水务局、区城管执法局，区公安分局,区交通局；区商务局;区市场监管局\n五里坨街道办事处')).toEqual([
      '区水务局',
      '区城管执法局',
      '区公安分局',
      '区交通局',
      '区商务局',
      '区市场监管局',
      '五里坨街道办事处',
    ])
    expect(splitUnits('  区水务局 、\u3000区水务局\r\n、、 ')).toEqual(['区水务局'])
    expect(splitUnits('')).toEqual([])
  })

  it('parses every deadline with the phrase parser', () => {
    const phrases = ['立行立改', '2018年12月底', '2019.6.30', '2018年10月起长期坚持', '2018年12月底前完成，长期坚持']
    const sheet = readChecklistSheet(grid([HEADER, ...phrases.map((p, i) => item(String(i + 1), p))]))
    expect(sheet.errors).toEqual([])
    expect(sheet.rows.map((r) => [r.deadlinePhrase, r.deadline?.deadlineKind, r.deadline?.deadline])).toEqual([
      ['立行立改', 'immediate', null],
      ['2018年12月底', 'date', '2018-12-31'],
      ['2019.6.30', 'date', '2019-06-30'],
      ['2018年10月起长期坚持', 'long_term', null],
      ['2018年12月底前完成，长期坚持', 'long_term', '2018-12-31'],
    ])
  })

  it('reads a deadline cell stored as a date, and codes stored as numbers', () => {
    const sheet = readChecklistSheet(grid([HEADER, [1, 'p', 't', 'm', '区生态环境局', '', new Date(Date.UTC(2019, 5, 30))]]))
    expect(sheet.errors).toEqual([])
    expect(sheet.rows[0]).toMatchObject({ code: '1', deadline: { deadlineKind: 'date', deadline: '2019-06-30' } })
  })
})

describe('errors', () => {
  it('lists every problem of every row with its row and column, and reads no row as a guess', () => {
    const rows = [
      ['整改措施清单'],
      HEADER,
      ['一、打好污染防治攻坚战'],
      item('1'),
      item('2', '2019年13月底前'),
      ['', 'p', 't', 'm', '区生态环境局', '', '立行立改'],
      [new Date(Date.UTC(2001, 1, 3)), 'p', 't', 'm', '区生态环境局', '', '立行立改'],
      item('1', '尽快'),
      ['5', '', 't', 'm', '区生态环境局、区水务局', '', ''],
      ['6', 'p', 't', { formula: 'A1', result: { error: '#REF!' } }, '区生态环境局', '', '年底前'],
      ['7'.repeat(40), 'p', 't', 'm', '区生态环境局', '', '立行立改'],
      ['8', 'p', 't', 'm', '区生态环境局', '', '立行立改'],
      [null, 'p', 't', 'm', '区生态环境局', '', '立行立改'],
    ]
    const sheet = readChecklistSheet(grid(rows, ['A3:G3', 'A12:A13']))
    expect(sheet.errors.map((e) => [e.row, e.column])).toEqual([
      [5, '完成时限'],
      [6, '序号'],
      [7, '序号'],
      [8, '完成时限'],
      [8, '序号'],
      [9, '问题'],
      [9, '牵头单位'],
      [9, '完成时限'],
      [10, '整改措施'],
      [10, '完成时限'],
      [11, '序号'],
    ])
    const message = (row: number, column: string) => sheet.errors.find((e) => e.row === row && e.column === column)!.message
    expect(message(5, '完成时限')).toBe('cannot read deadline "2019年13月底前": month 13 does not exist')
    expect(message(6, '序号')).toContain('序号 is empty')
    expect(message(7, '序号')).toContain('stored as the date 2001-02-03')
    expect(message(8, '完成时限')).toContain('"尽快"')
    expect(message(8, '序号')).toBe('序号 "1" is already used in row 4; codes must be unique')
    expect(message(9, '牵头单位')).toContain('names 2 units (区生态环境局、区水务局)')
    expect(message(9, '完成时限')).toBe('完成时限 is empty')
    expect(message(10, '整改措施')).toContain('#REF!')
    expect(message(10, '完成时限')).toContain('no year is named in "年底前"')
    expect(message(11, '序号')).toContain('longer than 32 characters')
    // A 序号 merged over two measure rows is one problem with two measures, not an error.
    expect(sheet.rows.filter((r) => r.row >= 12).map((r) => r.code)).toEqual(['8-1', '8-2'])
    // Rows with errors are still returned, so that later checks (units, codes in the plan) can report on them too.
    expect(sheet.rows.map((r) => r.row)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    expect(sheet.rows.find((r) => r.row === 5)!.deadline).toBeNull()
  })

  it('reads rich text, formulas with results and hyperlinks as the text they show', () => {
    expect(cellText({ richText: [{ text: '区生态' }, { text: '环境局' }] })).toEqual({ text: '区生态环境局' })
    expect(cellText({ formula: 'B2', result: '立行立改' })).toEqual({ text: '立行立改' })
    expect(cellText({ text: '区水务局', hyperlink: 'http://example.org' })).toEqual({ text: '区水务局' })
    expect(cellText({ formula: 'B2' })).toHaveProperty('error')
    expect(cellText('a\r\nb')).toEqual({ text: 'a\nb' })
  })
})

describe('the workbook', () => {
  it('takes the one sheet that has a header, and refuses to choose between two', () => {
    const notes = grid([['填表说明'], ['请勿修改表头']], [], '说明')
    const checklist = grid([HEADER, item('1')], [], '清单')
    expect(readChecklistWorkbook([notes, checklist])).toMatchObject({ sheetName: '清单', errors: [], rows: [{ code: '1' }] })
    const copy = grid([HEADER, item('1')], [], '清单（修订）')
    expect(readChecklistWorkbook([checklist, copy]).errors[0]!.message).toContain('"清单", "清单（修订）" all look like checklists')
    expect(readChecklistWorkbook([]).errors[0]!.message).toBe('the workbook has no worksheet')
  })

  it('reads merged cells from a real .xlsx', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('清单')
    sheet.addRows([['整改清单'], HEADER, ['一、打好污染防治攻坚战'], item('1'), ['2', null, null, '措施二', '区水务局', '', '长期坚持']])
    sheet.mergeCells('A1:G1')
    sheet.mergeCells('A3:G3')
    sheet.mergeCells('B4:B5')
    sheet.mergeCells('C4:C5')
    const grids = await loadGrids(Buffer.from(await workbook.xlsx.writeBuffer()))
    const read = readChecklistWorkbook(grids)
    expect(read.errors).toEqual([])
    expect(read.headings.map((h) => h.text)).toEqual(['打好污染防治攻坚战'])
    expect(read.rows.map((r) => [r.code, r.problem])).toEqual([
      ['1', '问题1'],
      ['2', '问题1'],
    ])
  })
})

describe('the sample checklist (test/fixtures/checklist.xlsx)', () => {
  it('is what scripts/make-fixture.ts generates', async () => {
    expect((await buildChecklistFixture()).equals(readFileSync(FIXTURE_PATH))).toBe(true)
  })

  it('has over forty items under three heading rows, every deadline wording, merged problems and every separator', async () => {
    const sheet = readChecklistWorkbook(await loadGrids(readFileSync(FIXTURE_PATH)))
    expect(sheet.errors).toEqual([])
    expect(sheet.headerRow).toBe(3)
    expect(sheet.rows.length).toBeGreaterThanOrEqual(40)
    expect(sheet.headings.map((h) => h.printed)).toEqual(['一、环保主体责任落实', '二、打好污染防治攻坚战', '三、加强城市治理能力建设'])
    const phrases = new Set(sheet.rows.map((r) => r.deadlinePhrase))
    for (const phrase of [
      '立行立改',
      '2018年12月底前',
      '2018年12月底',
      '2019年2月底前',
      '2018年底前',
      '2019年6月30日前',
      '2019年6月30日',
      '2019.6.30',
      '2019-06-30',
      '2019年上半年',
      '2018年第四季度',
      '2018年10月起长期坚持',
      '长期坚持',
      '持续推进',
      '立行立改，长期坚持',
      '2018年12月底前完成，长期坚持',
    ]) {
      expect(phrases, phrase).toContain(phrase)
    }
    const grids = await loadGrids(readFileSync(FIXTURE_PATH))
    const cells = grids[0]!.rows.flat().filter((v): v is string => typeof v === 'string')
    for (const separator of ['、', '，', '；', '\n'])
      expect(
        cells.some((c) => c.includes(separator) && c.includes('局')),
        separator,
      ).toBe(true)
    const sharedProblem = sheet.rows.filter((r) => r.problem.startsWith('永定河石景山段'))
    expect(sharedProblem.map((r) => r.code)).toEqual(['2-20', '2-21', '2-22', '2-23'])
    expect(grids[0]!.merges.some((m) => m.left === 2 && m.bottom - m.top === 3)).toBe(true)
  })
})

describe('checklists as districts write them', () => {
  const row = (code: unknown, problem: unknown, measures: string, lead = '区生态环境局', units = '', deadline = '2026年12月底前') => [
    code,
    problem,
    problem === null ? null : `目标${String(problem)}`,
    measures,
    lead,
    units,
    deadline,
  ]

  it('numbers the measure rows of one problem: 序号 merged, repeated, or left blank under it (a merge undone)', () => {
    const sheet = readChecklistSheet(
      grid(
        [
          HEADER,
          row(1, '甲', 'm1'),
          row(null, null, 'm2'),
          row(2, '乙', 'm3'),
          row('3', '丙', 'm4'),
          row('3', '丙', 'm5'),
          row('3', null, 'm6'),
          [],
          row(4, '丁', 'm7'),
          row(null, null, 'm8'),
          row(5, '戊', 'm9'),
          row(5, '己', 'm10'),
        ],
        ['A2:A3', 'B2:B3', 'C2:C3'],
      ),
    )
    expect(sheet.errors).toEqual([])
    expect(sheet.rows.map((r) => [r.row, r.code, r.problem, r.target, r.measures])).toEqual([
      [2, '1-1', '甲', '目标甲', 'm1'],
      [3, '1-2', '甲', '目标甲', 'm2'],
      [4, '2', '乙', '目标乙', 'm3'],
      [5, '3-1', '丙', '目标丙', 'm4'],
      [6, '3-2', '丙', '目标丙', 'm5'],
      [7, '3-3', '丙', '目标丙', 'm6'],
      [9, '4-1', '丁', '目标丁', 'm7'],
      [10, '4-2', '丁', '目标丁', 'm8'],
      // A 序号 repeated over rows with different problems is still one number with two measures.
      [11, '5-1', '戊', '目标戊', 'm9'],
      [12, '5-2', '己', '目标己', 'm10'],
    ])
  })

  it('still refuses a 序号 used again further down, and a code made twice', () => {
    const sheet = readChecklistSheet(
      grid([HEADER, row('1', '甲', 'm1'), row('2', '乙', 'm2'), row('1', '丙', 'm3'), row('2-1', '丁', 'm4'), row('2', '乙', 'm5')]),
    )
    expect(sheet.errors.map((e) => [e.row, e.message])).toEqual([
      [4, '序号 "1" is already used in row 2; codes must be unique'],
      [6, '序号 "2" is already used in row 3; codes must be unique'],
    ])
    const grouped = readChecklistSheet(grid([HEADER, row('2', '乙', 'm1'), row('2', '乙', 'm2'), row('2-1', '丁', 'm3')]))
    expect(grouped.errors.map((e) => [e.row, e.message])).toEqual([[4, '序号 "2-1" is already used in row 2; codes must be unique']])
  })

  it('drops unit markers and role prefixes, and takes the unit marked （牵头） as the lead', () => {
    expect(splitUnits('区水务局（牵头）、区城管委(配合)，【参与】区交通局')).toEqual(['区水务局', '区城管委', '区交通局'])
    expect(splitUnits('牵头：区水务局；配合：区城管委、区交通局')).toEqual(['区水务局', '区城管委', '区交通局'])
    // A unit's own brackets are part of its name.
    expect(splitUnits('区委宣传部（区政府新闻办）、各镇（街道）')).toEqual(['区委宣传部（区政府新闻办）', '各镇（街道）'])
    const sheet = readChecklistSheet(
      grid([
        HEADER,
        row('1', '甲', 'm', '区城市管理委（牵头）\n区水务局', '区交通局'),
        row('2', '乙', 'm', '', '区水务局（牵头）、区交通局'),
        row('3', '丙', 'm', '区城市管理委、区水务局', ''),
      ]),
    )
    expect(sheet.rows.map((r) => [r.leadUnit, r.responsibleUnits])).toEqual([
      ['区城市管理委', ['区水务局', '区交通局']],
      ['区水务局', ['区交通局']],
      // Two lead units, neither marked: an error (below), not a guess at which one leads.
      ['区城市管理委', []],
    ])
    expect(sheet.errors.map((e) => [e.row, e.column])).toEqual([[4, '牵头单位']])
    expect(sheet.errors[0]!.message).toContain('mark it （牵头）')
  })

  it('ends the table at a note under it; an item below a note is an error, not a guess', () => {
    const notes = readChecklistSheet(
      grid([HEADER, row('1', '甲', 'm'), [], ['注：1.牵头单位负责统筹。'], ['2.每月报送进展。'], ['联系人：王某']]),
    )
    expect(notes.errors).toEqual([])
    expect(notes.rows.map((r) => r.code)).toEqual(['1'])
    const after = readChecklistSheet(grid([HEADER, row('1', '甲', 'm'), ['备注：以下为补充任务'], row('2', '乙', 'm')]))
    expect(after.errors).toEqual([
      { row: 4, column: null, message: 'row 4 comes after the note in row 3; put the notes below the last item' },
    ])
  })

  it('ends the table at a note spread over several unmerged cells, as long as the row does not read as an item', () => {
    const notes = [
      // 注： in 序号 and its text in 问题, the next line of it in 问题 alone.
      [
        ['注：', '1.牵头单位负责统筹。'],
        [null, '2.每月报送进展。'],
      ],
      // The whole note in the 问题 column.
      [[null, '注：本清单由区整改办负责解释。']],
      // 注 and ：… in two cells.
      [['注', '：本清单由区整改办负责解释。']],
      // A sign-off line along the row, its phone number under 完成时限, after a note.
      [['注：以上任务均须按时报送进展。'], ['填报单位：（盖章）', null, null, '填报人：王某', null, '联系电话：', '12345678']],
    ]
    for (const lines of notes) {
      const sheet = readChecklistSheet(grid([HEADER, row('1', '甲', 'm'), row('2', '乙', 'm'), ...lines]))
      expect(sheet.errors, JSON.stringify(lines)).toEqual([])
      expect(
        sheet.rows.map((r) => r.code),
        JSON.stringify(lines),
      ).toEqual(['1', '2'])
    }
    // An item row is still an item row when its first cells happen to begin like a note: it has a lead unit and a
    // deadline that reads (here a measure row under an undone merge, its 整改措施 beginning 说明：).
    const measure = readChecklistSheet(
      grid([HEADER, row('1', '甲', 'm'), [null, null, null, '说明：建立台账', '区水务局', '', '立行立改']]),
    )
    expect(measure.errors).toEqual([])
    expect(measure.rows.map((r) => [r.code, r.measures])).toEqual([
      ['1-1', 'm'],
      ['1-2', '说明：建立台账'],
    ])
    // A measure row of one problem merged down (序号, 问题, 目标, 牵头单位, 完成时限 shown from the row above) is an
    // item whatever its 整改措施 begins with: nothing of the table is dropped as a note.
    const merged = readChecklistSheet(
      grid(
        [
          HEADER,
          ['1', '甲', '目标', '建立台账', '区水务局', '', '立行立改'],
          [null, null, null, '说明：每月更新台账并报送', null, '', null],
        ],
        ['A2:A3', 'B2:B3', 'C2:C3', 'E2:E3', 'G2:G3'],
      ),
    )
    expect(merged.errors).toEqual([])
    expect(merged.rows.map((r) => [r.code, r.measures, r.leadUnit])).toEqual([
      ['1-1', '建立台账', '区水务局'],
      ['1-2', '说明：每月更新台账并报送', '区水务局'],
    ])
    // A measure row whose deadline cannot be read is reported, not taken for a note and dropped.
    const typo = readChecklistSheet(
      grid([HEADER, row('1', '甲', 'm'), [null, null, null, '说明：建立台账', '区水务局', '', '2026年12月低前']]),
    )
    expect(typo.rows.map((r) => r.code)).toEqual(['1-1', '1-2'])
    expect(typo.errors.map((e) => [e.row, e.column])).toEqual([[3, '完成时限']])
    // And an item typed under a note spread over cells is an error, as under any note.
    const after = readChecklistSheet(grid([HEADER, row('1', '甲', 'm'), ['注：', '以下为补充任务'], row('2', '乙', 'm')]))
    expect(after.errors).toEqual([
      { row: 4, column: null, message: 'row 4 comes after the note in row 3; put the notes below the last item' },
    ])
  })

  it('reads a task-area column headed 类别 as written', () => {
    const sheet = readChecklistSheet(
      grid([
        ['序号', '类别', ...HEADER.slice(1)],
        ['1', '大气污染防治', '甲', '目标', 'm', '区生态环境局', '', '2026年12月底前'],
        ['2', '水污染防治', '乙', '目标', 'm', '区水务局', '', '立行立改'],
      ]),
    )
    expect(sheet.errors).toEqual([])
    expect(sheet.hasCategoryColumn).toBe(true)
    expect(sheet.rows.map((r) => [r.code, r.categoryCell, r.problem])).toEqual([
      ['1', '大气污染防治', '甲'],
      ['2', '水污染防治', '乙'],
    ])
  })

  it('reads a task-area column (merged down), a 备注 column, and the deadline as worded', () => {
    const header = ['序号', '问题类型', '问题', '整改目标', '整改措施', '牵头单位', '责任单位', '完成\n时限', '备 注']
    const sheet = readChecklistSheet(
      grid(
        [
          header,
          ['1', '一、大气污染防治', '甲', '目标', 'm', '区生态环境局', '', ' 2026年12月底前完成 ', '已纳入年度考核'],
          ['2', null, '乙', '目标', 'm', '区生态环境局', '', '立行立改', ''],
          ['3', '水污染防治', '丙', '目标', 'm', '区水务局', '', '长期坚持', ''],
        ],
        ['B2:B3'],
      ),
    )
    expect(sheet.errors).toEqual([])
    expect(sheet.hasCategoryColumn).toBe(true)
    expect(sheet.rows.map((r) => [r.code, r.categoryCell, r.deadlinePhrase, r.note])).toEqual([
      ['1', '大气污染防治', '2026年12月底前完成', '已纳入年度考核'],
      ['2', '大气污染防治', '立行立改', ''],
      ['3', '水污染防治', '长期坚持', ''],
    ])
  })

  it('finds the checklist behind a cover page', () => {
    const cover = grid([['清河区整改方案'], [], ['中共清河区委办公室'], ['2026年6月']], [], '封面')
    const sheet = readChecklistWorkbook([cover, grid([['附件'], HEADER, row('1', '甲', 'm')], [], '清单')])
    expect(sheet.sheetName).toBe('清单')
    expect(sheet.errors).toEqual([])
    expect(sheet.rows).toHaveLength(1)
  })
})
