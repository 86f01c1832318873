// The bulletin's charts, rendered on the server as SVG strings (echarts SSR): no DOM, no canvas, no network.
// Sizes are CSS pixels chosen for the 186 mm text width of an A4 page with 12 mm side margins (≈ 703 px).
import { chineseMonth } from '../../lib/chinese-date.ts'
import { attributesToString, escapeHtml } from '@kitajs/html'
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GraphicComponent, GridComponent, TitleComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'
import type { EChartsCoreOption } from 'echarts/core'
import { STATUSES, STATUS_LABELS, type ItemStatus } from '../../domain/items.ts'
import type { BulletinContent } from './bulletin.types.ts'

echarts.use([PieChart, BarChart, LineChart, TitleComponent, GridComponent, GraphicComponent, SVGRenderer])

// Single quotes only: echarts writes the family into a double-quoted style="" attribute without escaping it,
// so a double-quoted family name would end the attribute and break the SVG.
export const CHART_FONT_FAMILY =
  "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif"

/** Full text width of the printed page, in CSS pixels. */
export const PAGE_CHART_WIDTH = 700
/** Width of a chart that shares a row with another one. */
export const HALF_CHART_WIDTH = 340

const STATUS_COLORS: Record<ItemStatus, string> = {
  assigned: '#a3acb9',
  in_progress: '#e8a33d',
  closure_requested: '#4a7fd4',
  in_public_notice: '#7a68c9',
  closed: '#3f9a5d',
}

const INK = '#1f2329'
const MUTED = '#5c6370'
const RULE = '#d9dde3'
const ACCENT = '#b3261e'

export interface BulletinCharts {
  status: string
  byLeadUnit: string
  trend: string
}

/**
 * Renders one option to a standalone SVG document and always releases the chart, even when rendering throws. The
 * SVG is an image to assistive technology (role="img"), named by `label`: what the chart shows, in words.
 */
function renderSvg(option: EChartsCoreOption, width: number, height: number, label: string): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: CHART_FONT_FAMILY, color: INK },
      ...option,
    })
    // echarts' aria option is not applied when rendering on the server, so the renderer writes the two attributes
    // into the root element. Its attribute writer escapes quotes only (enough inside a page); the label is escaped
    // for < and & too, so the SVG stays well-formed XML on its own.
    const attributes = attributesToString({ role: 'img', 'aria-label': escapeHtml(label) })
    return chart.renderToSVGString().replace(/^<svg\b/, (open) => open + attributes)
  } finally {
    chart.dispose()
  }
}

function chartTitle(text: string): EChartsCoreOption['title'] {
  return { text, left: 0, top: 0, textStyle: { fontSize: 13, fontWeight: 'bold', color: INK, fontFamily: CHART_FONT_FAMILY } }
}

function percentLabel(rate: number | null): string {
  return rate === null ? '—' : `${rate.toFixed(1)}%`
}

/** Donut of the items by status, the total in the middle; a status with no items keeps its colour but gets no label. */
export function renderStatusChart(bulletin: BulletinContent): string {
  const width = HALF_CHART_WIDTH
  const height = 250
  const total = bulletin.totals.items
  // An empty plan gets a plain grey ring: echarts would otherwise split a zero sum into equal, meaningless slices.
  const empty = [{ name: '', value: 1, itemStyle: { color: '#e4e8ee' }, label: { show: false }, labelLine: { show: false } }]
  const data =
    total === 0
      ? empty
      : STATUSES.map((status) => {
          const value = bulletin.totals.byStatus[status] ?? 0
          return {
            name: STATUS_LABELS[status],
            value,
            itemStyle: { color: STATUS_COLORS[status] },
            label: { show: value > 0 },
            labelLine: { show: value > 0 },
          }
        })
  const centerX = width / 2
  const centerY = 140
  const counts = STATUSES.filter((status) => (bulletin.totals.byStatus[status] ?? 0) > 0)
    .map((status) => `，${STATUS_LABELS[status]}${bulletin.totals.byStatus[status]}项`)
    .join('')
  return renderSvg(
    {
      title: chartTitle('任务状态分布'),
      series: [
        {
          type: 'pie',
          radius: ['38%', '62%'],
          center: [centerX, centerY],
          startAngle: 90,
          avoidLabelOverlap: true,
          silent: total === 0,
          minShowLabelAngle: 0,
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
          label: {
            formatter: (p: { name: string; value: number }) =>
              `${p.name} ${p.value}项\n${total > 0 ? ((p.value / total) * 100).toFixed(1) : '0.0'}%`,
            fontSize: 11,
            lineHeight: 14,
            color: INK,
          },
          labelLine: { length: 8, length2: 8 },
          data,
        },
      ],
      graphic: [
        {
          type: 'text',
          left: 'center',
          top: centerY - 18,
          style: {
            text: String(total),
            fontSize: 20,
            fontWeight: 'bold',
            fill: INK,
            textAlign: 'center',
            font: `bold 20px ${CHART_FONT_FAMILY}`,
          },
        },
        {
          type: 'text',
          left: 'center',
          top: centerY + 6,
          style: { text: '项任务', fill: MUTED, textAlign: 'center', font: `11px ${CHART_FONT_FAMILY}` },
        },
      ],
    },
    width,
    height,
    `任务状态分布图：共${total}项任务${counts}`,
  )
}

/**
 * Horizontal bars per lead unit in ranking order (first at the top): the grey bar is the items it leads,
 * the green bar over it the items closed, and the label the completion rate, so a unit reads like a progress bar.
 */
export function renderLeadUnitChart(bulletin: BulletinContent): string {
  const units = [...bulletin.byLeadUnit].sort((a, b) => a.rank - b.rank)
  const rowHeight = 24
  const height = Math.max(160, 64 + units.length * rowHeight)
  const names = units.map((u) => u.leadUnit)
  return renderSvg(
    {
      title: chartTitle('各牵头单位任务销号情况'),
      grid: { left: 4, right: 96, top: 40, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { fontSize: 10, color: MUTED },
        splitLine: { lineStyle: { color: RULE } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: names,
        axisTick: { show: false },
        axisLine: { lineStyle: { color: '#8a919c' } },
        axisLabel: { fontSize: 11, color: INK, interval: 0 },
      },
      series: [
        {
          name: '牵头任务',
          type: 'bar',
          barWidth: 14,
          barGap: '-100%',
          silent: true,
          itemStyle: { color: '#dde2e8' },
          label: {
            show: true,
            position: 'right',
            fontSize: 10.5,
            color: INK,
            formatter: (p: { dataIndex: number }) => {
              const u = units[p.dataIndex]
              return u ? `${u.closed}/${u.items}  ${percentLabel(u.completionRate)}` : ''
            },
          },
          data: units.map((u) => u.items),
        },
        {
          name: '已销号',
          type: 'bar',
          barWidth: 14,
          itemStyle: { color: STATUS_COLORS.closed },
          data: units.map((u) => u.closed),
        },
      ],
      graphic: [
        legendSwatch(PAGE_CHART_WIDTH - 190, 4, '#dde2e8', '牵头任务'),
        legendSwatch(PAGE_CHART_WIDTH - 110, 4, STATUS_COLORS.closed, '已销号'),
      ],
    },
    PAGE_CHART_WIDTH,
    height,
    `各牵头单位任务销号情况图：${units.map((u) => `${u.leadUnit}牵头${u.items}项、已销号${u.closed}项`).join('；') || '无'}`,
  )
}

// A hand-placed legend: the legend component would need its own layout pass and offers nothing more here.
function legendSwatch(left: number, top: number, color: string, text: string) {
  return {
    type: 'group',
    left,
    top,
    children: [
      { type: 'rect', shape: { x: 0, y: 2, width: 14, height: 9 }, style: { fill: color } },
      { type: 'text', x: 18, y: 0, style: { text, fill: INK, font: `11px ${CHART_FONT_FAMILY}` } },
    ],
  }
}

/** 'YYYY-MM' → '2月', with the year on the first point and on every January so the axis never loses it. */
function monthAxisLabel(period: string, index: number): string {
  const [year, month] = period.split('-')
  const m = Number(month)
  return index === 0 || m === 1 ? `${m}月\n${year}年` : `${m}月`
}

/** Completion rate month by month (percent, 0–100); months without items leave a gap. */
export function renderTrendChart(bulletin: BulletinContent): string {
  const points = bulletin.trend
  return renderSvg(
    {
      title: chartTitle('整改完成率趋势'),
      grid: { left: 4, right: 16, top: 44, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: {
        type: 'category',
        boundaryGap: true,
        data: points.map((p, i) => monthAxisLabel(p.period, i)),
        axisTick: { alignWithLabel: true },
        axisLine: { lineStyle: { color: '#8a919c' } },
        axisLabel: { fontSize: 10, color: INK, interval: 0, lineHeight: 13 },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 100,
        interval: 25,
        axisLabel: { fontSize: 10, color: MUTED, formatter: '{value}%' },
        splitLine: { lineStyle: { color: RULE } },
      },
      series: [
        {
          type: 'line',
          connectNulls: false,
          symbol: 'circle',
          symbolSize: 6,
          lineStyle: { color: ACCENT, width: 2 },
          itemStyle: { color: ACCENT },
          areaStyle: { color: 'rgba(179, 38, 30, 0.08)' },
          label: {
            show: true,
            position: 'top',
            fontSize: 10,
            color: INK,
            formatter: (p: { value: number | null }) => percentLabel(p.value ?? null),
          },
          data: points.map((p) => p.completionRate),
        },
      ],
    },
    HALF_CHART_WIDTH,
    250,
    `整改完成率趋势图：${points.map((p) => `${chineseMonth(p.period)}${percentLabel(p.completionRate)}`).join('，') || '无'}`,
  )
}

/** All three charts of one bulletin. */
export function renderBulletinCharts(bulletin: BulletinContent): BulletinCharts {
  return {
    status: renderStatusChart(bulletin),
    byLeadUnit: renderLeadUnitChart(bulletin),
    trend: renderTrendChart(bulletin),
  }
}
