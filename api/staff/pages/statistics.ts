/**
 * The statistics page (/henkilosto/tilastot) and its CSV (/henkilosto/tilastot.csv): a year (`vuosi`, this one by
 * default) by month, or one month of it (`kuukausi`, 1–12). A year or month out of range shows the nearest one with
 * a Finnish note. Every chart is an SVG drawn here (charts.ts) with its text alternative, and the table of its
 * numbers follows it, so nothing is only in a picture.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import { finnishDate } from '../../requests/deadline.ts';
import { typeTitle } from '../../requests/messages.ts';
import { monthKey, yearFigures, yearRange, type Figures, type StatisticsViews } from '../../requests/statistics.ts';
import { requestTypes } from '../../requests/types.ts';
import type { Shell } from '../../shell/index.ts';
import { barChart, horizontalBarChart, lineChart, type ChartSpec, type Series } from '../charts.ts';
import { csvLine } from '../csv.ts';
import { staffText } from '../messages.ts';
import { staffPage, type Viewer } from './frame.ts';

const t = staffText.statistics;
const path = '/henkilosto/tilastot';

const monthNames = t.months;

/** A chart of the year by month, with what its text alternative says (sentences, or why it is empty) and its table's columns. */
type MonthlyChart = {
  id: string;
  heading: string;
  title: string;
  draw: (spec: ChartSpec) => ReturnType<typeof barChart>;
  series: Series[];
  unit?: string;
  max?: number;
  decimals?: number;
  description: string | string[];
  columns: string[];
  cells: (f: Figures) => string[];
};

/** What is shown: a year, or a month (1–12) of it; `notes` say why it is not what was asked. */
export type Period = { year: number; month?: number; notes: string[] };

const monthName = (year: number, month: number) => `${monthNames[month - 1]} ${year}`;
const periodName = (period: Period) => (period.month ? monthName(period.year, period.month) : t.wholeYearName(period.year));

/** The period the query asks for, or the nearest one there is: years from the first with data to this one, months up to this one. */
export function periodOf(askedYear: string | undefined, askedMonth: string | undefined, range: { first: number; last: number }, now: Date): Period {
  const notes: string[] = [];
  const [thisYear, thisMonth] = yearAndMonth(now);
  let year = range.last;
  const yearText = askedYear?.trim().slice(0, 20) ?? '';
  if (yearText !== '') {
    if (!/^\d{1,6}$/.test(yearText)) notes.push(t.notes.yearNotNumber(yearText, year));
    else if (Number(yearText) < range.first) notes.push(t.notes.yearTooEarly(yearText, (year = range.first)));
    else if (Number(yearText) > range.last) notes.push(t.notes.yearTooLate(yearText, year));
    else year = Number(yearText);
  }
  const monthText = askedMonth?.trim().slice(0, 20) ?? '';
  if (monthText === '') return { year, notes };
  if (!/^\d{1,6}$/.test(monthText)) {
    notes.push(t.notes.monthNotNumber(monthText, year));
    return { year, notes };
  }
  const asked = Number(monthText);
  const latest = year === thisYear ? thisMonth : 12;
  const month = Math.min(Math.max(asked, 1), latest);
  if (asked < 1 || asked > 12) notes.push(t.notes.monthMissing(monthText, monthName(year, month)));
  else if (asked > latest) notes.push(t.notes.monthTooLate(monthName(year, asked), monthName(year, month)));
  return { year, month, notes };
}

/** Months of the year shown so far: all twelve of a past year, up to this month of this one. */
function monthsSoFar(year: number, now: Date): number {
  const [thisYear, thisMonth] = yearAndMonth(now);
  return year < thisYear ? 12 : year === thisYear ? thisMonth : 0;
}

/** This year and month (1–12) in Finland. */
function yearAndMonth(now: Date): [number, number] {
  return finnishDate(now).split('-').slice(0, 2).map(Number) as [number, number];
}

const fi = (n: number) => n.toLocaleString('fi-FI');

export function statisticsPage(c: Context, shell: Shell, viewer: Viewer, views: StatisticsViews, now: Date): Promise<Response> {
  const range = yearRange(views, now);
  const period = periodOf(c.req.query('vuosi'), c.req.query('kuukausi'), range, now);
  const { year } = period;
  const year12 = yearFigures(views, year);
  const shown = period.month ? (year12.months[period.month - 1] as Figures) : year12.total;
  const name = periodName(period);
  const title = period.month ? t.titleOf(name) : `${t.title} ${year}`;
  const inYear = t.inYear(year);
  const within = period.month ? t.inMonth(monthNames[period.month - 1] as string, year) : inYear;
  const sofar = monthsSoFar(year, now);
  /** A month's value, or null for a month still to come. */
  const monthly = (value: (f: Figures) => number | null) => year12.months.map((f, i) => (i < sofar ? value(f) : null));
  /** This month is still under way: the text alternatives compare the months that are over, and say so. */
  const ongoing = year === yearAndMonth(now)[0] ? (monthNames[sofar - 1] as string) : undefined;
  const finished = (value: (f: Figures) => number | null) => monthly(value).map((v, i) => (ongoing && i === sofar - 1 ? null : v));
  const csvHref = `${path}.csv?vuosi=${year}${period.month ? `&kuukausi=${period.month}` : ''}`;

  const years = Array.from({ length: range.last - range.first + 1 }, (_, i) => range.last - i);
  const option = (value: string, label: string, selected: boolean) => html`<option value="${value}" ${selected ? 'selected' : ''}>${label}</option>`;

  const summaryRows: [string, string][] = [
    [t.received, fi(shown.receivedTotal)],
    [t.confirmed, fi(shown.confirmed)],
    [t.completed, fi(shown.completed)],
    [t.rejected, fi(shown.rejected)],
    [t.forwarded, fi(shown.forwarded)],
    [t.decided, fi(shown.decided)],
    [t.extended, fi(shown.extended)],
    [t.median, t.days(shown.medianDays)],
    [t.p90, t.days(shown.p90Days)],
    [t.onTime, t.share(shown.onTime)],
    [t.onTimeExtended, t.share(shown.onTimeExtended)],
    [t.bans, fi(shown.bans)],
  ];

  const typeLabels = requestTypes.map(typeTitle);
  const typesChart = horizontalBarChart({
    id: 'tyypit',
    title: t.charts.typesTitle(name),
    description: shown.receivedTotal
      ? `${t.describe.types(shown.receivedTotal, requestTypes.map((type, i) => `${typeLabels[i]?.toLowerCase()} ${fi(shown.received[type])}`).join(', '))} ${t.charts.tableBelow}`
      : t.charts.noRequests(within),
    labels: typeLabels,
    series: [{ name: t.received, values: requestTypes.map((type) => shown.received[type]) }],
  });

  const total = year12.total;
  const percent = (share: number | null) => (share === null ? null : share * 100);
  const d = t.describe;
  /** The monthly charts: each drawn from its series, described in words, and followed by the table of its numbers. */
  const monthlyCharts: MonthlyChart[] = [
    {
      id: 'saapuneet',
      heading: t.headings.received,
      title: t.charts.receivedTitle(year),
      draw: barChart,
      series: [
        { name: t.received, values: monthly((f) => f.receivedTotal) },
        { name: t.confirmed, values: monthly((f) => f.confirmed) },
      ],
      description: total.receivedTotal ? [d.received(year, total.receivedTotal, total.confirmed), extremes(finished((f) => f.receivedTotal), d.receivedMonths)] : t.charts.noRequests(inYear),
      columns: [...typeLabels, t.received, t.confirmed],
      cells: (f) => [...requestTypes.map((type) => fi(f.received[type])), fi(f.receivedTotal), fi(f.confirmed)],
    },
    {
      id: 'ratkaisut',
      heading: t.headings.decisions,
      title: t.charts.decisionsTitle(year),
      draw: barChart,
      series: [
        { name: t.completed, values: monthly((f) => f.completed) },
        { name: t.rejected, values: monthly((f) => f.rejected) },
        { name: t.forwarded, values: monthly((f) => f.forwarded) },
      ],
      description: total.decided ? [d.decisions(year, total), extremes(finished((f) => f.decided), d.decisionsMonths)] : t.charts.noDecisions(inYear),
      columns: [t.completed, t.rejected, t.forwarded, t.decided, t.extended],
      cells: (f) => [fi(f.completed), fi(f.rejected), fi(f.forwarded), fi(f.decided), fi(f.extended)],
    },
    {
      id: 'kasittelyaika',
      heading: t.headings.durations,
      title: t.charts.durationsTitle(year),
      draw: lineChart,
      series: [
        { name: t.series.median, values: monthly((f) => f.medianDays) },
        { name: t.series.p90, values: monthly((f) => f.p90Days) },
      ],
      unit: ' pv',
      decimals: 1,
      description: total.decided ? [d.durations(year, t.days(total.medianDays), t.days(total.p90Days)), spread(finished((f) => f.medianDays), d.durationsMonths, ' päivää')] : t.charts.noDecisions(inYear),
      columns: [t.decided, t.median, t.p90],
      cells: (f) => [fi(f.decided), t.days(f.medianDays), t.days(f.p90Days)],
    },
    {
      id: 'maaraajassa',
      heading: t.headings.onTime,
      title: t.charts.onTimeTitle(year),
      draw: lineChart,
      series: [
        { name: t.series.onTime, values: monthly((f) => percent(f.onTime)) },
        { name: t.series.onTimeExtended, values: monthly((f) => percent(f.onTimeExtended)) },
      ],
      unit: ' %',
      max: 100,
      decimals: 1,
      description: total.decided ? [d.onTime(year, t.share(total.onTime), t.share(total.onTimeExtended)), spread(finished((f) => percent(f.onTimeExtended)), d.onTimeMonths, ' %')] : t.charts.noDecisions(inYear),
      columns: [t.decided, t.extended, t.onTime, t.onTimeExtended],
      cells: (f) => [fi(f.decided), fi(f.extended), t.share(f.onTime), t.share(f.onTimeExtended)],
    },
    {
      id: 'kiellot',
      heading: t.headings.bans,
      title: t.charts.bansTitle(year),
      draw: barChart,
      series: [{ name: t.bans, values: monthly((f) => f.bans) }],
      description: total.bans ? [d.bans(year, total.bans), extremes(finished((f) => f.bans), d.bansMonths)] : t.charts.noBans(inYear),
      columns: [t.bans],
      cells: (f) => [fi(f.bans)],
    },
  ];

  function monthlySection(chart: MonthlyChart) {
    const { id, title, draw, series, unit, max, decimals, description } = chart;
    const words = typeof description === 'string' ? description : [...description, ongoing ? t.charts.ongoing(ongoing) : '', t.charts.tableBelow].filter(Boolean).join(' ');
    return html`<section class="stat" aria-labelledby="${id}-otsikko">
      <h3 id="${id}-otsikko">${chart.heading}</h3>
      ${draw({ id, title, description: words, labels: t.monthsShort, series, ...(unit ? { unit } : {}), ...(max ? { max } : {}), ...(decimals ? { decimals } : {}) })}
      ${monthTable(title, chart.columns, chart.cells)}
    </section>`;
  }

  /** The table of a monthly chart: a row per month so far, and the year's total. */
  function monthTable(label: string, columns: readonly string[], cells: (f: Figures) => string[]) {
    const rows = year12.months.slice(0, sofar).map((f, i) => ({ month: monthNames[i] as string, f }));
    return html`<div class="table-scroll" role="region" aria-label="${label}" tabindex="0">
      <table class="numbers">
        <thead><tr><th scope="col">${t.monthColumn}</th>${columns.map((column) => html`<th scope="col">${column}</th>`)}</tr></thead>
        <tbody>${rows.map(({ month, f }) => html`<tr><th scope="row">${month}</th>${cells(f).map((cell) => html`<td>${cell}</td>`)}</tr>`)}</tbody>
        <tfoot><tr><th scope="row">${t.total}</th>${cells(total).map((cell) => html`<td>${cell}</td>`)}</tr></tfoot>
      </table>
    </div>`;
  }

  return staffPage(c, shell, {
    title,
    staff: viewer,
    main: html`<h1>${title}</h1>
      <p>${t.intro}</p>
      ${period.notes.map((note) => html`<p role="status">${note}</p>`)}
      <form method="get" action="${path}" class="filters" aria-label="${t.choose}">
        <div class="field"><label for="vuosi">${t.year}</label>
          <select id="vuosi" name="vuosi">${years.map((y) => option(String(y), String(y), y === year))}</select></div>
        <div class="field"><label for="kuukausi">${t.month}</label>
          <select id="kuukausi" name="kuukausi">${option('', t.wholeYear, !period.month)}${monthNames.map((m, i) => option(String(i + 1), m, period.month === i + 1))}</select></div>
        <p><button type="submit">${t.apply}</button></p>
      </form>
      <p class="stat-export"><a href="${csvHref}" download>${t.export(name)}</a></p>
      <h2>${t.summary(name)}</h2>
      <div class="table-scroll" role="region" aria-label="${t.summaryTable}" tabindex="0">
        <table class="numbers summary">
          <tbody>${summaryRows.map(([label, value]) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`)}</tbody>
        </table>
      </div>
      <p class="explain">${t.explain.durations} ${t.explain.onTime}</p>
      <h2>${t.byType(name)}</h2>
      ${typesChart}
      <div class="table-scroll" role="region" aria-label="${t.byTypeTable}" tabindex="0">
        <table class="numbers">
          <thead><tr><th scope="col">${t.type}</th><th scope="col">${t.count}</th></tr></thead>
          <tbody>${requestTypes.map((type, i) => html`<tr><th scope="row">${typeLabels[i]}</th><td>${fi(shown.received[type])}</td></tr>`)}</tbody>
          <tfoot><tr><th scope="row">${t.total}</th><td>${fi(shown.receivedTotal)}</td></tr></tfoot>
        </table>
      </div>
      <h2>${t.byMonth(year)}</h2>
      ${monthlyCharts.map(monthlySection)}`,
  });
}

/** Where the months stand out, for a chart's text alternative: the most and the fewest (of the months so far). */
function extremes(values: readonly (number | null)[], what: string): string {
  const known = values.flatMap((value, i) => (value === null ? [] : [{ value, month: t.months[i] as string }]));
  if (known.length < 2) return '';
  const most = known.reduce((a, b) => (b.value > a.value ? b : a));
  const least = known.reduce((a, b) => (b.value < a.value ? b : a));
  return t.describe.extremes(what, most, least);
}

/** The range of the months' values (months without a value left out). */
function spread(values: readonly (number | null)[], what: string, unit: string): string {
  const known = values.filter((value): value is number => value !== null);
  return known.length < 2 ? '' : t.describe.spread(what, Math.min(...known), Math.max(...known), unit);
}

/** The CSV's columns: the month, arrivals by type and in all, and the rest as on the page. Decimals with a point. */
const csvHeader = [
  'Kuukausi',
  ...requestTypes.map(typeTitle),
  'Saapuneet yhteensä',
  'Vahvistetut',
  'Toteutetut',
  'Hylätyt',
  'Siirretyt organisaatiolle',
  'Ratkaistut yhteensä',
  'Ratkaistuista määräaikaa pidennetty',
  'Käsittelyaika mediaani (päivää)',
  'Käsittelyaika 90 %:n raja (päivää)',
  'Kuukauden määräajassa (%)',
  'Määräajassa pidennykset mukaan lukien (%)',
  'Markkinointikiellot',
];

function csvRow(label: string, f: Figures): string {
  const decimal = (n: number | null, scale = 1) => (n === null ? '' : String(Math.round(n * scale * 10) / 10));
  return csvLine([
    label,
    ...requestTypes.map((type) => String(f.received[type])),
    String(f.receivedTotal),
    String(f.confirmed),
    String(f.completed),
    String(f.rejected),
    String(f.forwarded),
    String(f.decided),
    String(f.extended),
    decimal(f.medianDays),
    decimal(f.p90Days),
    decimal(f.onTime, 100),
    decimal(f.onTimeExtended, 100),
    String(f.bans),
  ]);
}

/** The same numbers as CSV: a line per month so far and the year's total, or the one month asked for. */
export function statisticsCsv(c: Context, views: StatisticsViews, now: Date): Response {
  const period = periodOf(c.req.query('vuosi'), c.req.query('kuukausi'), yearRange(views, now), now);
  const { year, month } = period;
  const all = yearFigures(views, year);
  let body = csvLine(csvHeader);
  if (month) body += csvRow(monthKey(year, month), all.months[month - 1] as Figures);
  else {
    all.months.slice(0, monthsSoFar(year, now)).forEach((f, i) => (body += csvRow(monthKey(year, i + 1), f)));
    body += csvRow(String(year), all.total);
  }
  const name = month ? `tilastot-${monthKey(year, month)}.csv` : `tilastot-${year}.csv`;
  return c.body(body, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
  });
}
