/** The statistics page's charts: accessible SVG images, coloured only by classes, sound on empty and extreme data. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { barChart, horizontalBarChart, lineChart, type ChartSpec, type Series } from '../../../api/staff/charts.ts';

const months = ['tammi', 'helmi', 'maalis', 'huhti', 'touko', 'kesä', 'heinä', 'elo', 'syys', 'loka', 'marras', 'joulu'];
const monthly = (...values: (number | null)[]) => months.map((_, i) => values[i % values.length] ?? null);
const spec = (series: Series[], more: Partial<ChartSpec> = {}): ChartSpec => ({
  id: 'saapuneet',
  title: 'Saapuneet pyynnöt kuukausittain',
  description: 'Pyyntöjä saapui eniten toukokuussa.',
  labels: months,
  series,
  ...more,
});
const charts = { barChart, lineChart, horizontalBarChart };
const render = async (markup: ReturnType<typeof barChart>) => String(await markup);
const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0;
const ticks = (svg: string) => [...svg.matchAll(/<text class="tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
/** The chart itself, without the legend's swatches. */
const image = (svg: string) => svg.slice(0, svg.indexOf('</svg>'));
const heights = (svg: string, k: number) => [...svg.matchAll(new RegExp(`<rect class="bar series-${k}"[^>]* height="([\\d.]+)"`, 'g'))].map((m) => Number(m[1]));

describe('every chart', () => {
  for (const [name, chart] of Object.entries(charts)) {
    test(`${name}: an image named by its title and described by its description, with ids from the chart's id`, async () => {
      const svg = await render(chart(spec([{ name: 'Pääsy', values: monthly(3, 5) }])));
      assert.match(svg, /^<figure class="chart"><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 720 \d+(\.\d)?"/);
      assert.match(svg, /<svg [^>]*role="img" aria-labelledby="saapuneet-title" aria-describedby="saapuneet-desc" focusable="false">/);
      assert.match(svg, /focusable="false"><title id="saapuneet-title">Saapuneet pyynnöt kuukausittain<\/title><desc id="saapuneet-desc">Pyyntöjä saapui eniten toukokuussa\.<\/desc>/);
      assert.match(svg, /<\/svg><\/figure>$/);
    });

    test(`${name}: escapes every text it is given`, async () => {
      const hostile = '<b>&"\'';
      const svg = await render(chart({ ...spec([{ name: hostile, values: [1] }, { name: 'b', values: [2] }]), title: hostile, description: hostile, labels: [hostile], unit: hostile }));
      assert.doesNotMatch(svg, /<b>/);
      assert.equal(count(svg, /&lt;b&gt;&amp;&quot;&#39;/), svg.split('&lt;b&gt;').length - 1);
      assert.ok(count(svg, /&lt;b&gt;&amp;&quot;&#39;/) >= 5, 'title, description, label, unit and series name');
    });

    test(`${name}: no style attribute or element, no colour in the markup`, async () => {
      const svg = await render(chart(spec([{ name: 'a', values: monthly(1) }, { name: 'b', values: monthly(2) }, { name: 'c', values: monthly(3) }])));
      assert.doesNotMatch(svg, /style/i);
      assert.doesNotMatch(svg, /#[0-9a-f]{3,6}\b|rgb\(/i);
      assert.doesNotMatch(svg, /fill="(?!url\(#saapuneet-fill-[23]\)")/);
    });

    test(`${name}: a sound picture of empty, tiny and huge data, never NaN or Infinity`, async () => {
      const cases: ChartSpec[] = [
        spec([{ name: 'a', values: monthly(0) }]),
        spec([{ name: 'a', values: monthly(null) }, { name: 'b', values: monthly(null) }]),
        spec([{ name: 'a', values: [7] }], { labels: ['tammi'] }),
        spec([{ name: 'a', values: [] }], { labels: [] }),
        spec([{ name: 'a', values: monthly(1e7, 3) }, { name: 'b', values: monthly(Number.NaN, Infinity, -5) }]),
        spec([{ name: 'a', values: monthly(0.004) }], { decimals: 2, unit: ' %', max: 0 }),
      ];
      for (const c of cases) {
        const svg = await render(chart(c));
        assert.doesNotMatch(svg, /NaN|Infinity|undefined|null/, JSON.stringify(c.series));
        const top = Number(ticks(svg).at(-1)?.replace(/[^\d,]/g, '').replace(',', '.'));
        assert.ok(top >= 1, `the axis goes up to ${top}`);
      }
    });

    test(`${name}: the same data gives the same markup`, async () => {
      const data = spec([{ name: 'a', values: monthly(4, 8, null) }, { name: 'b', values: monthly(1, 2) }]);
      assert.equal(await render(chart(data)), await render(chart(structuredClone(data))));
    });

    test(`${name}: a legend, hidden from screen readers, only when there are series to tell apart`, async () => {
      const one = await render(chart(spec([{ name: 'Pääsy', values: monthly(3) }])));
      assert.doesNotMatch(one, /chart-legend/);
      const two = await render(chart(spec([{ name: 'Pääsy', values: monthly(3) }, { name: 'Poisto', values: monthly(2) }])));
      assert.match(two, /<\/svg><ul class="chart-legend" aria-hidden="true"><li><svg class="chart-swatch"[^>]*>.*?<\/svg>Pääsy<\/li><li>.*?<\/svg>Poisto<\/li><\/ul><\/figure>$/);
      assert.match(two, /<li><svg class="chart-swatch"[^>]*>[^]*?series-2/);
    });

    test(`${name}: refuses an id that could not be an id, and more series than it can tell apart`, () => {
      assert.throws(() => chart({ ...spec([{ name: 'a', values: [1] }]), id: 'a"b' }), /not \[a-z0-9-\]/);
      const four = [1, 2, 3, 4].map((n) => ({ name: String(n), values: [n] }));
      assert.throws(() => chart(spec(four)), /1 to 3/);
      assert.throws(() => chart(spec([])), /1 to 3/);
    });
  }
});

describe('the value axis', () => {
  test('rounds up to 3–5 round steps, written the Finnish way with the unit', async () => {
    const svg = await render(barChart(spec([{ name: 'a', values: monthly(12, 1_234) }], { unit: ' kpl' })));
    assert.deepEqual(ticks(svg), ['0 kpl', '250 kpl', '500 kpl', '750 kpl', '1\u00a0000 kpl', '1\u00a0250 kpl']);
    assert.deepEqual(ticks(await render(barChart(spec([{ name: 'a', values: monthly(12) }])))), ['0', '5', '10', '15']);
  });

  test('keeps whole steps for counts, and goes up to at least 1', async () => {
    assert.deepEqual(ticks(await render(barChart(spec([{ name: 'a', values: monthly(0) }])))), ['0', '1', '2', '3']);
    assert.deepEqual(ticks(await render(barChart(spec([{ name: 'a', values: monthly(0.3) }], { decimals: 1 })))), ['0', '0,2', '0,4', '0,6', '0,8', '1']);
  });

  test('uses a fixed top when given, in four steps', async () => {
    const svg = await render(lineChart(spec([{ name: 'a', values: monthly(40, 97.5) }], { max: 100, unit: ' %', decimals: 1 })));
    assert.deepEqual(ticks(svg), ['0 %', '25 %', '50 %', '75 %', '100 %']);
  });
});

describe('barChart', () => {
  test('draws a bar per label and series, the second and third filled with a pattern named after the chart', async () => {
    const svg = await render(barChart(spec([{ name: 'a', values: monthly(1) }, { name: 'b', values: monthly(2) }, { name: 'c', values: monthly(3) }])));
    assert.equal(count(image(svg), /<rect class="bar series-[123]"/), 36);
    for (const k of [1, 2, 3]) assert.equal(heights(image(svg), k).length, 12);
    assert.equal(count(svg, /<rect class="bar series-2" fill="url\(#saapuneet-fill-2\)"/), 13, 'twelve bars and the swatch');
    assert.match(svg, /<pattern id="saapuneet-fill-2"[^]*<pattern id="saapuneet-fill-3"/);
  });

  test('makes bars as tall as their values', async () => {
    const svg = await render(barChart(spec([{ name: 'a', values: monthly(10, 20, 5) }])));
    const [ten, twenty, five] = heights(svg, 1) as [number, number, number];
    assert.ok(Math.abs(twenty - 2 * ten) <= 0.2, `${twenty} is not twice ${ten}`);
    assert.ok(Math.abs(ten - 2 * five) <= 0.2, `${ten} is not twice ${five}`);
  });

  test('draws no bar for a missing value, a flat one for zero', async () => {
    const svg = await render(barChart(spec([{ name: 'a', values: monthly(4, null, 0) }])));
    assert.equal(heights(svg, 1).length, 8);
    assert.equal(heights(svg, 1).filter((h) => h === 0).length, 4);
  });

  test('writes the values above the bars of a single series when they fit', async () => {
    const svg = await render(barChart(spec([{ name: 'a', values: monthly(1_234, 7) }])));
    assert.equal(count(svg, /<text class="value"[^>]*>(1\u00a0234|7)</), 12);
    const grouped = await render(barChart(spec([{ name: 'a', values: monthly(1) }, { name: 'b', values: monthly(2) }])));
    assert.doesNotMatch(grouped, /class="value"/);
  });
});

describe('lineChart', () => {
  test('breaks the line at a missing value and marks only the values there are', async () => {
    const svg = await render(lineChart(spec([{ name: 'a', values: [1, 2, 3, 4, 5, null, 7, 8, 9, 10, 11, 12] }])));
    assert.equal(count(svg, /<path class="line series-1"/), 2);
    assert.equal(count(svg, /<circle class="marker series-1"/), 11);
  });

  test('tells the series apart by dashes and marker shapes, not only by colour', async () => {
    const svg = await render(lineChart(spec([{ name: 'a', values: monthly(1) }, { name: 'b', values: monthly(2) }, { name: 'c', values: monthly(3) }])));
    assert.match(svg, /<path class="line series-1" d=/);
    const dashes = [2, 3].map((k) => svg.match(new RegExp(`<path class="line series-${k}" stroke-dasharray="([^"]+)"`))?.[1]);
    assert.ok(dashes[0] && dashes[1] && dashes[0] !== dashes[1], `dashes ${dashes}`);
    assert.equal(count(svg, /<circle class="marker series-1"/), 13);
    assert.equal(count(svg, /<rect class="marker series-2"/), 13);
    assert.equal(count(svg, /<path class="marker series-3"/), 13);
  });
});

describe('horizontalBarChart', () => {
  const types = ['pääsy', 'käsittelyn rajoittamista koskeva pyyntö', 'poisto'];

  test('wraps a long label and writes each value at the end of its bar', async () => {
    const svg = await render(horizontalBarChart(spec([{ name: 'Pyyntöjä', values: [12, 3, 1_500] }], { labels: types })));
    assert.match(svg, /<tspan [^>]*>käsittelyn rajoittamista koskeva<\/tspan><tspan [^>]*dy="15">pyyntö<\/tspan>/);
    const bars = [...svg.matchAll(/<rect class="bar series-1" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*\/><text class="value" x="([\d.]+)"[^>]*>([^<]*)</g)];
    assert.deepEqual(bars.map((m) => m[4]), ['12', '3', '1\u00a0500']);
    for (const [, x, w, at] of bars) assert.ok(Math.abs(Number(at) - Number(x) - Number(w) - 5) < 0.2);
  });

  test('gives each row a bar per series', async () => {
    const svg = await render(horizontalBarChart(spec([{ name: 'a', values: [1, 2, 3] }, { name: 'b', values: [4, null, 6] }], { labels: types })));
    assert.equal(heights(image(svg), 1).length, 3);
    assert.equal(heights(image(svg), 2).length, 2);
  });
});
