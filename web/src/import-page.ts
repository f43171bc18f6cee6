import { type ApiClient, ApiError } from './api-client.js';
import { describeError } from './describe-error.js';
import { h } from './dom.js';
import {
  fileNameOf,
  formatBytes,
  type ImportJob,
  isFinished,
  jobFraction,
  nextPollDelay,
  progressLine,
  RateMeter,
  STATUS_LABELS,
  type UploadTicket,
} from './import-job.js';
import { uploadFile, UploadError } from './upload.js';

const BASE = '/api/v1/imports';
const RECENT_PAGE = 10;
const ACCEPTED = /\.(csv|xlsx)$/i;
/** Failed polls in a row (network, 5xx) before the page stops following a job. */
const MAX_POLL_FAILURES = 8;

export interface ImportPageOptions {
  api: ApiClient;
  notify(message: string): void;
}

/**
 * Import students from a CSV/XLSX file: drop or choose it, it goes to S3 through the
 * presigned-upload door (`POST /api/v1/imports` then a PUT to its URL), and the bar follows
 * the job (`GET /api/v1/imports/{id}`) until it ends; then the counts, the refused rows with
 * their spreadsheet row numbers and the report link. Recent imports are listed below.
 */
export function importPage(options: ImportPageOptions): HTMLElement {
  const { api } = options;
  let busy = false;
  let recentCursor: string | null = null;

  const input = h('input', {
    id: 'import-file',
    type: 'file',
    accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    class: 'visually-hidden',
  });
  const mode = h(
    'select',
    { id: 'import-mode' },
    h('option', { value: 'create' }, 'Add new students only (an existing ID is an error)'),
    h('option', { value: 'upsert' }, 'Add new students and update existing ones'),
  );
  const drop = h(
    'label',
    { for: 'import-file', class: 'drop-zone' },
    h('span', { class: 'drop-title' }, 'Drop a CSV or Excel (.xlsx) file here'),
    h('span', { class: 'drop-or' }, 'or'),
    h('span', { class: 'button-like' }, 'Choose a file…'),
    h('span', { class: 'hint' }, 'Row 1 names the columns: Student ID, First Name, Last Name, and optionally E-mail, Hometown, Math, Literature, English.'),
  );
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const job = h('section', { class: 'import-job card', 'aria-labelledby': 'job-title', hidden: true });
  const recentBody = h('tbody');
  const more = h('button', { type: 'button', hidden: true, onclick: () => void loadRecent(true) }, 'Show older imports');

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) void start(file);
  });
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (event) => {
      event.preventDefault();
      drop.classList.add('dragging');
    });
  }
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('dragging');
    const file = (event as DragEvent).dataTransfer?.files[0];
    if (file) void start(file);
  });

  function showError(message: string | Node) {
    error.replaceChildren(message);
    error.hidden = false;
  }

  async function start(file: File) {
    if (busy) return showError('An import is already being uploaded. Wait for it to finish, then add the next file.');
    error.hidden = true;
    if (!ACCEPTED.test(file.name))
      return showError(`“${file.name}” is not a CSV or XLSX file. Save the sheet as “CSV UTF-8” or “Excel Workbook (.xlsx)” and try again.`);
    busy = true;
    const view = jobView(file.name);
    try {
      const ticket = await api.request<UploadTicket>('POST', BASE, { json: { entity: 'students', filename: file.name, mode: mode.value } });
      const meter = new RateMeter();
      await uploadFile(ticket.body.upload_url, file, (sent, total) => {
        meter.add(performance.now(), 0, sent);
        const rate = meter.rate?.bytesPerSecond;
        view.bar(sent / total, `Uploading · ${formatBytes(sent)} of ${formatBytes(total)}${rate ? ` · ${formatBytes(rate)}/s` : ''}`);
      });
      view.bar(null, 'Uploaded. Waiting for the importer to start…');
      void loadRecent();
      const finished = await follow(ticket.body.import_id, view);
      if (finished) {
        view.result(finished);
        options.notify(`${fileNameOf(finished.source.key)}: ${STATUS_LABELS[finished.status].toLowerCase()}.`);
      }
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 401) return;
      view.failed(cause instanceof UploadError ? cause.message : describeError(cause));
    } finally {
      busy = false;
      void loadRecent();
    }
  }

  /** Polls the job until it ends (or the user leaves the page: undefined). */
  async function follow(id: string, view: JobView): Promise<ImportJob | undefined> {
    const meter = new RateMeter();
    let delay = 250;
    let last = '';
    let failures = 0;
    while (page.isConnected) {
      let current: ImportJob;
      try {
        current = (await api.request<ImportJob>('GET', `${BASE}/${encodeURIComponent(id)}`)).body;
        failures = 0;
      } catch (cause) {
        // A blip (network, 5xx) while the job runs on: keep following, then give up with the error.
        const transient = !(cause instanceof ApiError) || cause.status >= 500;
        if (!transient || ++failures > MAX_POLL_FAILURES) throw cause;
        view.bar(null, 'Lost contact with the server; still trying…');
        await new Promise((resolve) => setTimeout(resolve, 2000));
        continue;
      }
      updateRecent(current);
      if (isFinished(current.status)) return current;
      meter.add(performance.now(), current.rows_processed, current.bytes_processed);
      const state = `${current.status}:${current.rows_processed}:${current.bytes_processed}`;
      delay = nextPollDelay(delay, state !== last);
      last = state;
      view.bar(
        jobFraction(current),
        current.status === 'queued' ? 'Uploaded. Waiting for the importer to start…' : `Importing · ${progressLine(current, meter.rate)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    return undefined;
  }

  interface JobView {
    bar(fraction: number | null, text: string): void;
    result(finished: ImportJob): void;
    failed(message: string): void;
  }

  /** The panel of one import: a bar while it runs, the summary and refused rows after. */
  function jobView(name: string): JobView {
    const progress = h('progress', { id: 'import-progress', max: 1, 'aria-labelledby': 'job-title', 'aria-describedby': 'import-progress-text' });
    const text = h('p', { id: 'import-progress-text', class: 'progress-text', 'aria-live': 'polite' }, 'Starting…');
    const details = h('div', { class: 'import-result' });
    job.replaceChildren(h('h2', { id: 'job-title' }, name), progress, text, details);
    job.hidden = false;
    job.removeAttribute('data-status');
    return {
      bar(fraction, line) {
        if (fraction === null) progress.removeAttribute('value');
        else progress.value = fraction;
        text.textContent = line;
      },
      result(finished) {
        job.dataset.status = finished.status;
        progress.value = 1;
        text.textContent = `${STATUS_LABELS[finished.status]} · ${progressLine(finished, null)}`;
        details.replaceChildren(...resultNodes(finished));
      },
      failed(message) {
        job.dataset.status = 'failed';
        progress.value = 0;
        text.textContent = 'Not imported.';
        details.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, message));
      },
    };
  }

  async function show(id: string) {
    try {
      const { body } = await api.request<ImportJob>('GET', `${BASE}/${encodeURIComponent(id)}`);
      const view = jobView(fileNameOf(body.source.key));
      if (isFinished(body.status)) view.result(body);
      else {
        view.bar(jobFraction(body), STATUS_LABELS[body.status]);
        const finished = await follow(id, view);
        if (finished) view.result(finished);
      }
      job.scrollIntoView({ block: 'nearest' });
    } catch (cause) {
      if (!(cause instanceof ApiError && cause.status === 401)) showError(describeError(cause));
    }
  }

  async function loadRecent(append = false) {
    try {
      const query = new URLSearchParams({ limit: String(RECENT_PAGE) });
      if (append && recentCursor) query.set('cursor', recentCursor);
      const { body } = await api.request<{ items: ImportJob[]; next_cursor: string | null }>('GET', `${BASE}?${query}`);
      const rows = body.items.map(recentRow);
      if (append) recentBody.append(...rows);
      else recentBody.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No imports yet.'))]));
      recentCursor = body.next_cursor;
      more.hidden = !recentCursor;
    } catch (cause) {
      if (!(cause instanceof ApiError && cause.status === 401)) showError(describeError(cause));
    }
  }

  /** The recent list's row of a job the page follows moves with it. */
  function updateRecent(item: ImportJob) {
    for (const tr of recentBody.querySelectorAll('tr')) if (tr.dataset.id === item.import_id) tr.replaceWith(recentRow(item));
  }

  function recentRow(item: ImportJob): HTMLTableRowElement {
    const name = fileNameOf(item.source.key);
    return h(
      'tr',
      { 'data-id': item.import_id },
      h('td', {}, name),
      h('td', {}, h('span', { class: `job-status status-${item.status}` }, STATUS_LABELS[item.status])),
      h('td', { class: 'num' }, item.rows_processed.toLocaleString('en')),
      h('td', { class: 'num' }, (item.created + item.updated).toLocaleString('en')),
      h('td', { class: 'num' }, item.errors.toLocaleString('en')),
      h('td', {}, new Date(item.queued_at).toLocaleString()),
      h('td', { class: 'row-actions' }, h('button', { type: 'button', 'aria-label': `Show import ${name}`, onclick: () => void show(item.import_id) }, 'Show')),
    );
  }

  const page = h(
    'section',
    { class: 'imports', 'aria-labelledby': 'import-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'import-title' }, 'Import students')),
    h(
      'div',
      { class: 'card import-start' },
      h('div', { class: 'control' }, h('label', { for: 'import-mode' }, 'When a student ID already exists'), mode),
      drop,
      input,
    ),
    error,
    job,
    h(
      'section',
      { class: 'recent', 'aria-labelledby': 'recent-title' },
      h(
        'div',
        { class: 'page-head' },
        h('h2', { id: 'recent-title' }, 'Recent imports'),
        h('button', { type: 'button', onclick: () => void loadRecent() }, 'Refresh'),
      ),
      h(
        'div',
        { class: 'table-wrap rounded' },
        h(
          'table',
          { class: 'students-table plain-table recent-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['File', 'Status', 'Rows', 'Imported', 'Errors', 'Started'].map((c, i) => h('th', { scope: 'col', class: i >= 2 && i <= 4 ? 'num' : null }, c)),
              h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
            ),
          ),
          recentBody,
        ),
      ),
      more,
    ),
  );
  void loadRecent();
  return page;
}

/** The end of an import: counts, the file-level message, refused rows and the report link. */
function resultNodes(finished: ImportJob): Node[] {
  const counts = h(
    'dl',
    { class: 'counts' },
    [
      ['Created', finished.created],
      ['Updated', finished.updated],
      ['Skipped', finished.skipped],
      ['Errors', finished.errors],
      ['Warnings', finished.warnings],
    ].map(([label, value]) =>
      h('div', { class: `count count-${String(label).toLowerCase()}` }, h('dt', {}, label), h('dd', {}, Number(value).toLocaleString('en'))),
    ),
  );
  const nodes: Node[] = [counts];
  if (finished.message) nodes.push(h('p', { class: 'form-error', role: 'alert' }, finished.message));
  if (finished.error_details.length > 0) {
    nodes.push(
      h(
        'h3',
        {},
        `Rows that were not imported${finished.errors > finished.error_details.length ? ` (first ${finished.error_details.length} of ${finished.errors})` : ''}`,
      ),
      h(
        'div',
        { class: 'table-wrap rounded' },
        h(
          'table',
          { class: 'students-table plain-table errors-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Row', 'Student ID', 'Column', 'Problem'].map((c, i) => h('th', { scope: 'col', class: i === 0 ? 'num' : null }, c)),
            ),
          ),
          h(
            'tbody',
            {},
            finished.error_details.map((detail) =>
              h(
                'tr',
                { 'data-row': detail.row },
                h('td', { class: 'num' }, detail.row),
                h('td', { class: 'mono' }, detail.student_id ?? '—'),
                h('td', {}, detail.field ?? '—'),
                h('td', {}, detail.message),
              ),
            ),
          ),
        ),
      ),
      h('p', { class: 'hint' }, 'Row numbers are the spreadsheet’s: the heading is row 1. Fix these rows and import the file again.'),
    );
  }
  if (finished.report_url)
    nodes.push(
      h('p', {}, h('a', { href: finished.report_url, target: '_blank', rel: 'noopener noreferrer', class: 'report-link' }, 'Open the full report (JSON)')),
    );
  return nodes;
}
