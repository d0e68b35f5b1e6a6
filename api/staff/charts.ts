/**
 * Charts of the statistics page (/henkilosto/tilastot), drawn on the server as inline SVG: no script to load or
 * trust, nothing for the Content-Security-Policy to allow, and the same picture on screen, on paper and without
 * JavaScript. The markup carries no colour and no style attribute; site/styles/base.css colours the classes
 * (`series-1` … `series-3`, `bar`, `line`, `marker`, `grid`, `axis`, `tick`, `value`), light and dark.
 *
 * Colour never tells the series apart alone: lines differ by dashes (solid, dashed, dotted) and markers (circle,
 * square, diamond), bars by fill (solid, stripes, dots: `<pattern>`s named after the chart's id), and the three
 * colours differ in lightness, so a greyscale print reads too. The SVG is one image with a title and a short
 * description; the numbers themselves are in the data table the page puts after each chart, so the legend is
 * hidden from screen readers.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Series = { name: string; values: readonly (number | null)[] };

export type ChartSpec = {
  /** Unique on the page, [a-z0-9-]: prefixes the ids of the title, the description and the patterns. */
  id: string;
  title: string;
  /** The text alternative, in Finnish. */
  description: string;
  labels: readonly string[];
  /** 1 to 3 series, each with a value (or null: none) per label. */
  series: readonly Series[];
  /** After each number, e.g. ' %' or ' pv'. */
  unit?: string;
  /** A fixed top of the value axis (100 for percentages); otherwise a round number at or above the largest value. */
  max?: number;
  /** Decimals of the value labels (default 0). */
  decimals?: number;
};

type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

const width = 720;
const fontSize = 13;
const lineHeight = 15;
/** A generous guess at one character's width, for layout only: the browser measures the real text. */
const charWidth = fontSize * 0.6;
/** Dash patterns of series 1–3, for round line caps 2.5 wide (see base.css): solid, dashed, dotted. */
const dashes = ['', '8 7', '0.5 6'];

/** Vertical bars, grouped per label (e.g. the 12 months); the values above them when there is one series. */
export function barChart(spec: ChartSpec): Markup {
  check(spec);
  const plot = columns(spec);
  const n = spec.series.length;
  const gap = n === 1 ? 0 : 2;
  const group = plot.band * (n === 1 ? 0.6 : 0.8);
  const barWidth = (group - gap * (n - 1)) / n;
  const widest = Math.max(0, ...spec.series[0]!.values.map((_, i) => valueText(spec, valueAt(spec.series[0]!, i) ?? 0).length));
  const labelled = n === 1 && widest * charWidth <= plot.band - 4;
  const bars = spec.labels.map((_, i) =>
    spec.series.map((series, k) => {
      const value = valueAt(series, i);
      if (value === null) return '';
      const x = plot.x(i) - group / 2 + k * (barWidth + gap);
      const y = plot.y(value);
      return html`<rect class="bar series-${k + 1}"${fillOf(spec.id, k)} x="${r(x)}" y="${r(y)}" width="${r(barWidth)}" height="${r(plot.y(0) - y)}"/>${
        labelled ? html`<text class="value" x="${r(plot.x(i))}" y="${r(y - 5)}" text-anchor="middle">${valueText(spec, value)}</text>` : ''
      }`;
    }),
  );
  return figure(spec, plot.height, html`${patterns(spec)}${plot.axis}${bars}`, (k) => html`<rect class="bar series-${k + 1}"${fillOf(spec.id, k)} x="1" y="1" width="30" height="14"/>`);
}

/** A line per series with a marker at each value; a null leaves a gap in the line. */
export function lineChart(spec: ChartSpec): Markup {
  check(spec);
  const plot = columns(spec);
  const lines = spec.series.map((series, k) => {
    const runs: string[][] = [[]];
    spec.labels.forEach((_, i) => {
      const value = valueAt(series, i);
      if (value === null) runs.push([]);
      else runs.at(-1)!.push(`${r(plot.x(i))} ${r(plot.y(value))}`);
    });
    const paths = runs.filter((run) => run.length > 1).map((run) => html`<path class="line series-${k + 1}"${dashOf(k)} d="M${run.join('L')}"/>`);
    const markers = spec.labels.map((_, i) => {
      const value = valueAt(series, i);
      return value === null ? '' : marker(k, plot.x(i), plot.y(value));
    });
    return html`${paths}${markers}`;
  });
  return figure(spec, plot.height, html`${plot.axis}${lines}`, (k) => html`<path class="line series-${k + 1}"${dashOf(k)} d="M3 8H29"/>${marker(k, 16, 8)}`);
}

/** A row per label (long labels wrap), a bar per series in it, the value at the end of each bar. */
export function horizontalBarChart(spec: ChartSpec): Markup {
  check(spec);
  const ticks = ticksOf(spec);
  const top = ticks.at(-1)!;
  const n = spec.series.length;
  const labelChars = Math.min(32, Math.max(3, ...spec.labels.map((label) => label.length)));
  const rows = spec.labels.map((label) => wrap(label, labelChars));
  const valueChars = Math.max(0, ...spec.series.flatMap((series) => spec.labels.map((_, i) => valueText(spec, valueAt(series, i) ?? 0).length)));
  const left = labelChars * charWidth + 12;
  const right = width - Math.max(valueChars * charWidth + 8, (tickText(spec, top).length * charWidth) / 2 + 4);
  const barHeight = 16;
  const bars = n * (barHeight + 2) - 2;
  const rowHeight = Math.max(bars, Math.max(1, ...rows.map((lines) => lines.length)) * lineHeight) + 14;
  const plotTop = 8;
  const plotBottom = plotTop + rows.length * rowHeight;
  const x = (value: number) => left + (Math.min(value, top) / top) * (right - left);
  const grid = ticks.map(
    (tick) =>
      html`<line class="${tick ? 'grid' : 'axis'}" x1="${r(x(tick))}" x2="${r(x(tick))}" y1="${plotTop}" y2="${r(plotBottom)}"/><text class="tick" x="${r(x(tick))}" y="${r(plotBottom + 18)}" text-anchor="middle">${tickText(spec, tick)}</text>`,
  );
  const body = rows.map((lines, i) => {
    const middle = plotTop + (i + 0.5) * rowHeight;
    const label = text('label', left - 8, middle - ((lines.length - 1) * lineHeight) / 2, 'end', lines);
    const rowBars = spec.series.map((series, k) => {
      const value = valueAt(series, i);
      if (value === null) return '';
      const y = middle - bars / 2 + k * (barHeight + 2);
      return html`<rect class="bar series-${k + 1}"${fillOf(spec.id, k)} x="${r(left)}" y="${r(y)}" width="${r(x(value) - left)}" height="${barHeight}"/><text class="value" x="${r(x(value) + 5)}" y="${r(y + barHeight / 2 + fontSize * 0.35)}">${valueText(spec, value)}</text>`;
    });
    return html`${label}${rowBars}`;
  });
  return figure(spec, plotBottom + 28, html`${patterns(spec)}${grid}${body}`, (k) => html`<rect class="bar series-${k + 1}"${fillOf(spec.id, k)} x="1" y="1" width="30" height="14"/>`);
}

function check(spec: ChartSpec): void {
  if (!/^[a-z0-9-]+$/.test(spec.id)) throw new Error(`Chart id "${spec.id}" is not [a-z0-9-]+.`);
  if (spec.series.length < 1 || spec.series.length > 3) throw new Error(`Chart "${spec.id}" has ${spec.series.length} series; 1 to 3 fit.`);
}

/** The SVG with its title and description first, then the legend when there are series to tell apart. */
function figure(spec: ChartSpec, height: number, content: Markup, swatch: (k: number) => Markup): Markup {
  const legend =
    spec.series.length > 1
      ? html`<ul class="chart-legend" aria-hidden="true">${spec.series.map(
          (series, k) => html`<li><svg class="chart-swatch" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 16" width="32" height="16" focusable="false">${swatch(k)}</svg>${series.name}</li>`,
        )}</ul>`
      : '';
  return html`<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${r(height)}" font-size="${fontSize}" role="img" aria-labelledby="${spec.id}-title" aria-describedby="${spec.id}-desc" focusable="false"><title id="${spec.id}-title">${spec.title}</title><desc id="${spec.id}-desc">${spec.description}</desc>${content}</svg>${legend}</figure>`;
}

/** The value axis and the labels below the plot, shared by the bar and the line chart. */
function columns(spec: ChartSpec) {
  const ticks = ticksOf(spec);
  const top = ticks.at(-1)!;
  const height = 300;
  const [plotTop, plotBottom] = [22, height - 2 * lineHeight - 14];
  const left = Math.max(...ticks.map((tick) => tickText(spec, tick).length)) * charWidth + 10;
  const band = (width - 8 - left) / Math.max(1, spec.labels.length);
  const x = (i: number) => left + (i + 0.5) * band;
  const y = (value: number) => plotBottom - (Math.min(value, top) / top) * (plotBottom - plotTop);
  const grid = ticks.map(
    (tick) =>
      html`<line class="${tick ? 'grid' : 'axis'}" x1="${r(left)}" x2="${width - 8}" y1="${r(y(tick))}" y2="${r(y(tick))}"/><text class="tick" x="${r(left - 6)}" y="${r(y(tick) + fontSize * 0.35)}" text-anchor="end">${tickText(spec, tick)}</text>`,
  );
  const chars = Math.max(3, Math.floor((band - 2) / charWidth));
  const labels = spec.labels.map((label, i) => text('label', x(i), plotBottom + lineHeight + 2, 'middle', wrap(label, chars)));
  return { height, band, x, y, axis: html`${grid}${labels}` };
}

/**
 * The gridline values from 0 up: `max` in 4 steps, or 3–5 round steps (1, 2, 2,5 or 5 × 10ⁿ; whole numbers when the
 * values have no decimals) up to the largest value, at least 1.
 */
function ticksOf(spec: ChartSpec): number[] {
  const steps = (step: number, count: number) => Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  if (spec.max !== undefined && Number.isFinite(spec.max) && spec.max > 0) return steps(spec.max / 4, 4);
  const largest = Math.max(1, ...spec.series.flatMap((series) => spec.labels.map((_, i) => valueAt(series, i) ?? 0)));
  const fractions = decimalsOf(spec) > 0;
  for (let power = Math.floor(Math.log10(largest / 5)); ; power++) {
    for (const multiple of [1, 2, 2.5, 5]) {
      const step = multiple * 10 ** power;
      if (step * 5 >= largest && (fractions || Number.isInteger(step))) return steps(step, Math.min(5, Math.max(3, Math.ceil(largest / step))));
    }
  }
}

/** A value to draw: a finite number, at least 0, or null for none. */
function valueAt(series: Series, i: number): number | null {
  const value = series.values[i];
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : null;
}

/** Text in lines of at most `chars` characters, words whole where they fit; at most two lines, cut with "…". */
function wrap(label: string, chars: number): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= chars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const kept = lines.length > 2 ? [lines[0]!, lines.slice(1).join(' ')] : lines;
  return kept.map((line) => (line.length > chars ? `${line.slice(0, chars - 1)}…` : line));
}

/** A text of one or more lines, the first at `y`. */
function text(className: string, x: number, y: number, anchor: 'middle' | 'end', lines: string[]): Markup {
  return html`<text class="${className}" x="${r(x)}" y="${r(y + fontSize * 0.35)}" text-anchor="${anchor}">${lines.map(
    (line, i) => html`<tspan x="${r(x)}"${i ? html` dy="${lineHeight}"` : ''}>${line}</tspan>`,
  )}</text>`;
}

/** Series 2 and 3 of bars: stripes and dots over the series colour, so that colour is not the only difference. */
function patterns(spec: ChartSpec): Markup | '' {
  if (spec.series.length < 2) return '';
  const tile = (k: number, shape: Markup) =>
    html`<pattern id="${spec.id}-fill-${k}" width="6" height="6" patternUnits="userSpaceOnUse"><rect class="fill series-${k}" width="6" height="6"/>${shape}</pattern>`;
  return html`<defs>${tile(2, html`<path class="hatch" d="M-1 1l2-2M0 6l6-6M5 7l2-2"/>`)}${spec.series.length > 2 ? tile(3, html`<circle class="dot" cx="3" cy="3" r="1.4"/>`) : ''}</defs>`;
}

function fillOf(id: string, k: number): Markup | '' {
  return k ? html` fill="url(#${id}-fill-${k + 1})"` : '';
}

function dashOf(k: number): Markup | '' {
  return dashes[k] ? html` stroke-dasharray="${dashes[k]}"` : '';
}

/** Circle, square or diamond, centred on (x, y). */
function marker(k: number, x: number, y: number): Markup {
  if (k === 0) return html`<circle class="marker series-1" cx="${r(x)}" cy="${r(y)}" r="4.5"/>`;
  if (k === 1) return html`<rect class="marker series-2" x="${r(x - 4)}" y="${r(y - 4)}" width="8" height="8"/>`;
  return html`<path class="marker series-3" d="M${r(x)} ${r(y - 5.5)}l5.5 5.5-5.5 5.5-5.5-5.5z"/>`;
}

function decimalsOf(spec: ChartSpec): number {
  return Math.min(4, Math.max(0, Math.trunc(spec.decimals ?? 0)));
}

/** 1234.5 → "1 234,5" plus the unit, as Finnish writes it. */
function valueText(spec: ChartSpec, value: number): string {
  const decimals = decimalsOf(spec);
  return value.toLocaleString('fi-FI', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }) + (spec.unit ?? '');
}

function tickText(spec: ChartSpec, tick: number): string {
  return tick.toLocaleString('fi-FI', { maximumFractionDigits: 2 }) + (spec.unit ?? '');
}

/** A coordinate to a tenth of a unit: short output, the same string for the same input. */
function r(n: number): number {
  return Math.round(n * 10) / 10 || 0;
}
