// The local dashboard: reads /_local/metrics and charts it with the vendored vega-lite.
const REFRESH_MS = 3000;
const views = new Map();

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
};
const num = (value) => (value === null || value === undefined ? '–' : String(value));
const tile = (label, value, bad = false) => el('div', { class: bad ? 'tile bad' : 'tile' }, el('b', {}, num(value)), label);

function fillTable(id, rows, cells) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(
    ...(rows.length
      ? rows.map((row) => el('tr', {}, ...cells(row).map((cell) => el('td', {}, num(cell)))))
      : [el('tr', {}, el('td', { class: 'empty', colspan: '7' }, 'no data in the window yet'))]),
  );
}

async function chart(id, spec) {
  const container = document.getElementById(id);
  if (!container || !window.vega || !window.vegaLite) return;
  const compiled = window.vegaLite.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 520, height: 160, ...spec }).spec;
  views.get(id)?.finalize();
  const view = new window.vega.View(window.vega.parse(compiled), { renderer: 'svg', container, hover: true });
  views.set(id, view);
  await view.runAsync();
}

const time = { field: 't', type: 'temporal', title: null, axis: { format: '%H:%M' } };
/** The whole window on the x axis, even where a chart has points in a few buckets only. */
const windowDomain = (data) => {
  const end = Date.parse(data.generated_at);
  return [end - data.window_seconds * 1000, end];
};

function render(data) {
  document.getElementById('window').textContent = `${data.window_seconds / 60} min in ${data.bucket_seconds} s buckets`;
  const api = data.api;
  document
    .getElementById('api-tiles')
    .replaceChildren(
      tile('requests', api.requests),
      tile('4xx', api.client_errors, api.client_errors > 0),
      tile('5xx', api.server_errors, api.server_errors > 0),
    );
  fillTable('routes', data.routes, (r) => [r.route, r.requests, r.client_errors, r.server_errors, r.p50_ms, r.p90_ms, r.p99_ms]);
  fillTable('functions', data.functions, (f) => [f.function, f.invocations, f.errors, f.timeouts, f.batch_item_failures, f.p99_ms, f.max_ms]);
  fillTable('queues', data.queues, (q) => [q.queue, q.depth, q.dlqDepth]);
  const cache = data.cache;
  document
    .getElementById('cache-tiles')
    .replaceChildren(
      tile('hit ratio %', cache.hit_ratio),
      tile('hits', cache.hits),
      tile('misses', cache.misses),
      tile('unavailable', data.totals.CacheUnavailable ?? 0, (data.totals.CacheUnavailable ?? 0) > 0),
    );

  // Requests, 4xx and 5xx summed over routes per bucket; latency per route.
  const byTime = new Map();
  const latency = [];
  for (const route of data.routes) {
    for (const b of route.series) {
      const row = byTime.get(b.t) ?? { t: b.t, requests: 0, '4xx': 0, '5xx': 0 };
      row.requests += b.requests;
      row['4xx'] += b.client_errors;
      row['5xx'] += b.server_errors;
      byTime.set(b.t, row);
      if (b.avg_ms !== null) latency.push({ t: b.t, route: route.route, ms: b.avg_ms });
    }
  }
  const counts = [...byTime.values()].flatMap((row) => ['requests', '4xx', '5xx'].map((kind) => ({ t: row.t, kind, n: row[kind] })));
  void chart('chart-requests', {
    title: 'Requests, 4xx, 5xx',
    data: { values: counts },
    mark: { type: 'line', point: false },
    encoding: { x: time, y: { field: 'n', type: 'quantitative', title: 'per bucket' }, color: { field: 'kind', type: 'nominal', title: null } },
  });
  void chart('chart-latency', {
    title: 'Average latency per route (ms)',
    data: { values: latency },
    mark: { type: 'line', point: true },
    encoding: {
      x: { ...time, scale: { domain: windowDomain(data) } },
      y: { field: 'ms', type: 'quantitative', title: 'ms' },
      color: { field: 'route', type: 'nominal', title: null, legend: { labelLimit: 320 } },
    },
  });

  // One row per catalogue group, metrics summed over functions (as the CloudWatch SEARCH does).
  const groups = new Map();
  for (const metric of data.metrics) {
    const list = groups.get(metric.group) ?? [];
    for (const b of metric.series) list.push({ t: b.t, metric: metric.name, value: metric.unit === 'Count' ? b.sum : b.max });
    groups.set(metric.group, list);
  }
  const container = document.getElementById('groups');
  const wanted = [...groups.keys()].sort();
  if (wanted.length === 0) container.replaceChildren(el('p', { class: 'empty' }, 'no metrics printed in the window yet'));
  else if ([...container.children].map((c) => c.dataset.group).join() !== wanted.join()) {
    container.replaceChildren(
      ...wanted.map((group) =>
        Object.assign(el('div', { 'data-group': group }, el('h3', {}, group), el('div', { id: `chart-group-${group}`, class: 'chart' })), {}),
      ),
    );
  }
  for (const group of wanted) {
    const values = groups.get(group);
    const summed = new Map();
    for (const v of values) summed.set(`${v.t}|${v.metric}`, { ...v, value: (summed.get(`${v.t}|${v.metric}`)?.value ?? 0) + v.value });
    void chart(`chart-group-${group}`, {
      data: { values: [...summed.values()] },
      mark: { type: 'line', point: true },
      encoding: {
        x: time,
        y: { field: 'value', type: 'quantitative', title: 'per bucket' },
        color: { field: 'metric', type: 'nominal', title: null, legend: { labelLimit: 320 } },
      },
    });
  }
  document.getElementById('status').textContent = `Updated ${new Date(data.generated_at).toLocaleTimeString()}.`;
  document.body.dataset.ready = 'true';
}

async function refresh() {
  try {
    const res = await fetch('/_local/metrics', { cache: 'no-store' });
    render(await res.json());
  } catch (error) {
    document.getElementById('status').textContent = `Refresh failed: ${error.message}`;
  }
}

void refresh();
setInterval(refresh, REFRESH_MS);
