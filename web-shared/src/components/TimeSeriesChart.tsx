import { useEffect, useId, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Interval } from '../lib/date-range';
import { bucketLabel, describeSeries, type SeriesPoint } from '../lib/series-summary';

export interface ChartMetric {
  key: string;
  label: string;
  format: (n: number) => string;
}

const HEIGHT = 240;
const axisDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const axisMonth = new Intl.DateTimeFormat(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' });

/**
 * One figure over time, drawn by uPlot on a canvas. The canvas is an image to assistive
 * technology (role="img" with a sentence that summarises the figures), and "Show as table"
 * swaps it for a table of every bucket. uPlot sets its sizes through the CSSOM and its
 * stylesheet is bundled, so it runs under the apps' CSP (no inline styles).
 */
export function TimeSeriesChart({
  metric,
  points,
  interval,
  testId = 'chart',
}: {
  metric: ChartMetric;
  points: readonly SeriesPoint[];
  interval: Interval;
  testId?: string;
}) {
  const [asTable, setAsTable] = useState(false);
  const tableId = useId();
  const summary = describeSeries(metric.label, points, interval, metric.format);
  const unit = interval === 'DAY' ? 'Day' : interval === 'WEEK' ? 'Week' : 'Month';
  return (
    <div className="chart" data-testid={testId} data-metric={metric.key}>
      {asTable ? (
        <table className="table chart__table" id={tableId} data-testid={`${testId}-table`}>
          <caption className="visually-hidden">{summary}</caption>
          <thead>
            <tr>
              <th scope="col">{unit}</th>
              <th scope="col">{metric.label}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.start} data-testid={`${testId}-row`} data-start={p.start}>
                <td data-label={unit}>{bucketLabel(p.start, interval)}</td>
                <td className="num" data-label={metric.label}>
                  {metric.format(p.value)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Plot metricKey={metric.key} points={points} interval={interval} format={metric.format} summary={summary} testId={`${testId}-plot`} />
      )}
      <div className="chart__actions">
        <button type="button" className="btn btn--ghost btn--small" aria-expanded={asTable} aria-controls={tableId} onClick={() => setAsTable(!asTable)}>
          {asTable ? 'Show as chart' : 'Show as table'}
        </button>
      </div>
    </div>
  );
}

function Plot({
  metricKey,
  points,
  interval,
  format,
  summary,
  testId,
}: {
  metricKey: string;
  points: readonly SeriesPoint[];
  interval: Interval;
  format: (n: number) => string;
  summary: string;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  // Redrawn when the figures change, not on every render that passes equal arrays or a new formatter.
  const latest = useRef({ points, format });
  latest.current = { points, format };
  const figures = JSON.stringify(points);

  useEffect(() => {
    const { points, format } = latest.current;
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(el);
    const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const stroke = color('--primary', '#3d5af1');
    const xs = points.map((p) => Date.parse(p.start) / 1000);
    const ys = points.map((p) => p.value);
    const axis = { stroke: color('--muted', '#5d6675'), grid: { stroke: color('--border', '#e3e6eb'), width: 1 }, ticks: { show: false } };
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        series: [{}, { stroke, width: 2, fill: `${stroke}1f`, points: { show: points.length <= 31, size: 5 } }],
        axes: [
          { ...axis, values: (_u, splits) => splits.map((s) => (interval === 'MONTH' ? axisMonth : axisDay).format(new Date(s * 1000))) },
          { ...axis, size: 64, values: (_u, splits) => splits.map((s) => format(s)) },
        ],
      },
      [xs, ys],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 200), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [metricKey, figures, interval]);

  return <div ref={box} className="chart__plot" role="img" aria-label={summary} data-testid={testId} />;
}

/**
 * A chart with a choice of figure (clicks, conversions, money…): a radio group above one
 * `TimeSeriesChart`, since figures in different units never share an axis.
 */
export function MetricChart<K extends string>({
  title,
  metrics,
  selected,
  onSelect,
  series,
  interval,
  testId = 'chart',
}: {
  title: string;
  metrics: readonly (ChartMetric & { key: K })[];
  selected: K;
  onSelect: (key: K) => void;
  series: readonly ({ start: string } & Record<K, number>)[];
  interval: Interval;
  testId?: string;
}) {
  const name = useId();
  const metric = metrics.find((m) => m.key === selected) ?? metrics[0]!;
  const points = series.map((s) => ({ start: s.start, value: s[metric.key] }));
  return (
    <section className="card stack stack--tight" aria-label={title} data-testid={`${testId}-card`}>
      <div className="chart__header">
        <h2>{title}</h2>
        <div className="segmented" role="radiogroup" aria-label="Figure shown">
          {metrics.map((m) => (
            <label key={m.key} className={`segmented__option${m.key === metric.key ? ' is-active' : ''}`}>
              <input
                type="radio"
                name={name}
                value={m.key}
                checked={m.key === metric.key}
                onChange={() => onSelect(m.key)}
                data-testid={`${testId}-metric-${m.key}`}
              />
              {m.label}
            </label>
          ))}
        </div>
      </div>
      <TimeSeriesChart metric={metric} points={points} interval={interval} testId={testId} />
    </section>
  );
}
