import { type ApiClient, ApiError } from './api-client.js';
import { describeError } from './describe-error.js';
import { h } from './dom.js';

const BASE = '/api/v1/students';
const TYPING_PAUSE_MS = 400;
/** The API's charts (docs/export-and-charts.md) and what each shows, for the image's alt text. */
const CHARTS = [
  { id: 'histogram', title: 'Score distribution', alt: 'Histogram of the scores of each subject' },
  { id: 'boxplot', title: 'Spread per subject', alt: 'Box plot of the scores per subject: median, quartiles and outliers' },
  { id: 'violin', title: 'Score density', alt: 'Violin plot of the score density per subject' },
  { id: 'subject-averages', title: 'Average per subject', alt: 'Bar chart of the average score per subject' },
] as const;

interface SubjectSummary {
  count: number;
  mean: number | null;
  median: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  q1: number | null;
  q3: number | null;
}

/** `GET /api/v1/students/statistics`. */
export interface Statistics {
  total_students: number;
  subjects: Record<string, SubjectSummary>;
  overall_average: number | null;
  grade_distribution: Record<string, number>;
  ungraded: number;
  students_per_hometown?: { hometown: string; count: number }[];
  distinct_hometowns?: number;
}

const show = (value: number | null | undefined) => (value === null || value === undefined ? '—' : String(value));
const title = (key: string) => key.replace(/[_-]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

/**
 * Statistics and the API's SVG charts, filterable by hometown. The chart routes need the
 * bearer token like every read, so an `<img src>` cannot load them: the page fetches each
 * image with the token and shows it through a `blob:` URL (revoked when replaced). An SVG in
 * an `<img>` runs no script.
 */
export function chartsPage(options: { api: ApiClient }): HTMLElement {
  const { api } = options;
  let objectUrls: string[] = [];
  let latest = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  const hometown = h('input', { id: 'charts-hometown', type: 'search', placeholder: 'All hometowns', autocomplete: 'off' });
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const summary = h('div', { class: 'stats-summary', 'aria-live': 'polite' });
  const subjects = h('div', { class: 'table-wrap rounded' });
  const grid = h('div', { class: 'chart-grid' });
  hometown.addEventListener('input', () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => void load(), TYPING_PAUSE_MS);
  });

  async function load() {
    const request = ++latest;
    error.hidden = true;
    const query = hometown.value.trim() ? `hometown=${encodeURIComponent(hometown.value.trim())}` : '';
    const fresh: string[] = [];
    const images = Promise.all(CHARTS.map((chart) => chartFigure(chart, `${BASE}/charts/${chart.id}?format=svg${query ? `&${query}` : ''}`, fresh)));
    try {
      const { body: stats } = await api.request<Statistics>('GET', `${BASE}/statistics${query ? `?${query}` : ''}`);
      const figures = await images;
      if (request !== latest) {
        for (const url of fresh) URL.revokeObjectURL(url);
        return;
      }
      renderStats(stats);
      grid.replaceChildren(...figures);
      for (const url of objectUrls) URL.revokeObjectURL(url);
      objectUrls = fresh;
    } catch (cause) {
      if (request !== latest || (cause instanceof ApiError && cause.status === 401)) return;
      error.textContent = describeError(cause, 'Not found.');
      error.hidden = false;
    }
  }

  async function chartFigure(chart: (typeof CHARTS)[number], path: string, urls: string[]): Promise<HTMLElement> {
    const figure = h('figure', { class: 'chart card', 'data-chart': chart.id }, h('figcaption', {}, chart.title));
    try {
      const res = await api.download(path, 'image/svg+xml');
      const blob = await res.blob();
      const url = URL.createObjectURL(blob.type.startsWith('image/svg+xml') ? blob : new Blob([blob], { type: 'image/svg+xml' }));
      urls.push(url);
      figure.append(h('img', { src: url, alt: chart.alt }));
    } catch (cause) {
      if (!(cause instanceof ApiError && cause.status === 401))
        figure.append(h('p', { class: 'inline-error', role: 'alert' }, describeError(cause, 'Not found.')));
    }
    return figure;
  }

  function renderStats(stats: Statistics) {
    const grades = Object.entries(stats.grade_distribution);
    summary.replaceChildren(
      h(
        'dl',
        { class: 'counts' },
        h('div', { class: 'count' }, h('dt', {}, 'Students'), h('dd', {}, stats.total_students.toLocaleString('en'))),
        h('div', { class: 'count' }, h('dt', {}, 'Overall average'), h('dd', {}, show(stats.overall_average))),
        grades.map(([grade, count]) => h('div', { class: 'count' }, h('dt', {}, grade), h('dd', {}, count.toLocaleString('en')))),
        h('div', { class: 'count' }, h('dt', {}, 'Ungraded'), h('dd', {}, stats.ungraded.toLocaleString('en'))),
      ),
    );
    const columns = ['count', 'mean', 'median', 'std', 'min', 'q1', 'q3', 'max'] as const;
    subjects.replaceChildren(
      h(
        'table',
        { class: 'students-table stats-table' },
        h('caption', { class: 'visually-hidden' }, 'Scores per subject'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Subject'),
            columns.map((c) => h('th', { scope: 'col', class: 'num' }, c === 'std' ? 'Std dev' : title(c))),
          ),
        ),
        h(
          'tbody',
          {},
          Object.entries(stats.subjects).map(([subject, s]) =>
            h(
              'tr',
              { 'data-subject': subject },
              h('th', { scope: 'row' }, title(subject)),
              columns.map((c) => h('td', { class: 'num' }, show(s[c]))),
            ),
          ),
        ),
      ),
    );
  }

  const page = h(
    'section',
    { class: 'charts', 'aria-labelledby': 'charts-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'charts-title' }, 'Scores and charts')),
    h('div', { class: 'toolbar rounded', role: 'search' }, h('div', { class: 'control' }, h('label', { for: 'charts-hometown' }, 'Hometown'), hometown)),
    error,
    summary,
    subjects,
    grid,
  );
  void load();
  return page;
}
