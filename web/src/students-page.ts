import { type ApiClient, ApiError } from './api-client.js';
import { confirmDialog } from './confirm-dialog.js';
import { declaredSorts } from './declared-sorts.js';
import { describeError } from './describe-error.js';
import { h } from './dom.js';
import { exportPanel } from './export-panel.js';
import { CursorTrail, type ListFilters, listQuery, sortOptions } from './list-params.js';
import { type Role, roleAllows } from './roles.js';
import { display, type Student, type StudentPage } from './student.js';
import { openStudentForm } from './student-form.js';

const BASE = '/api/v1/students';
const PAGE_SIZES = [10, 25, 50, 100];
const TYPING_PAUSE_MS = 300;
const COLUMNS = ['ID', 'Name', 'E-mail', 'Hometown', 'Math', 'Literature', 'English', 'Average', 'Grade'];

export interface StudentsPageOptions {
  api: ApiClient;
  role: Role;
  /** Where the page reports successes and waits (the shared status line). */
  notify(message: string): void;
}

/**
 * The students table: search, hometown filter, declared sorts, page size and cursor paging
 * (one page from the API at a time), with create / edit for staff and delete for admins.
 */
export function studentsPage(options: StudentsPageOptions): HTMLElement {
  const { api, role } = options;
  const filters: ListFilters = { search: '', hometown: '', sort: '', pageSize: PAGE_SIZES[0]! };
  const trail = new CursorTrail();
  let page: StudentPage | undefined;
  let latestRequest = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  const search = h('input', { id: 'search', type: 'search', placeholder: 'ID, name or e-mail', autocomplete: 'off' });
  const hometown = h('input', { id: 'hometown-filter', type: 'search', placeholder: 'Any hometown', autocomplete: 'off' });
  const sort = h('select', { id: 'sort' }, h('option', { value: '' }, 'Student ID (default)'));
  const pageSize = h(
    'select',
    { id: 'page-size' },
    PAGE_SIZES.map((size) => h('option', { value: size }, `${size} per page`)),
  );
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const body = h('tbody');
  const summary = h('span', { class: 'page-summary', 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', disabled: true, onclick: () => void go('previous') }, '← Previous');
  const next = h('button', { type: 'button', disabled: true, onclick: () => void go('next') }, 'Next →');
  const canEdit = roleAllows(role, 'staff');
  const canDelete = roleAllows(role, 'admin');

  for (const input of [search, hometown]) {
    input.addEventListener('input', () => {
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => filtersChanged(), TYPING_PAUSE_MS);
    });
  }
  sort.addEventListener('change', () => filtersChanged());
  pageSize.addEventListener('change', () => filtersChanged());
  void declaredSorts().then((sorts) => {
    for (const option of sortOptions(sorts)) sort.append(h('option', { value: option.value }, option.label));
  });

  function filtersChanged() {
    clearTimeout(typingTimer);
    filters.search = search.value;
    filters.hometown = hometown.value;
    filters.sort = sort.value;
    filters.pageSize = Number(pageSize.value);
    trail.reset();
    void load();
  }

  async function go(direction: 'next' | 'previous') {
    if (direction === 'next' && page?.next_cursor) trail.next(page.next_cursor);
    if (direction === 'previous') trail.previous();
    await load();
  }

  async function load() {
    const request = ++latestRequest;
    error.hidden = true;
    body.setAttribute('aria-busy', 'true');
    try {
      const res = await api.request<StudentPage>('GET', `${BASE}?${listQuery(filters, trail.current)}`);
      if (request !== latestRequest) return; // a newer query answered first
      page = res.body;
      render(page);
    } catch (cause) {
      if (request !== latestRequest) return;
      showError(cause);
    } finally {
      if (request === latestRequest) body.removeAttribute('aria-busy');
    }
  }

  function showError(cause: unknown) {
    if (cause instanceof ApiError && cause.status === 401) return; // the app shows the sign-in
    error.textContent = describeError(cause);
    error.hidden = false;
  }

  function render(current: StudentPage) {
    body.replaceChildren(
      ...(current.items.length === 0 ? [h('tr', {}, h('td', { colspan: COLUMNS.length + 1, class: 'empty' }, 'No students match.'))] : current.items.map(row)),
    );
    const pages = Math.max(1, current.total_pages);
    // A search still counting says so instead of promising an exact number of pages.
    const about = current.total_estimated ? '≈ ' : '';
    summary.textContent = `Page ${trail.pageNumber} of ${about}${pages} · ${about}${current.total} student${current.total === 1 ? '' : 's'}`;
    previous.disabled = !trail.hasPrevious;
    next.disabled = !current.next_cursor;
  }

  function row(student: Student): HTMLTableRowElement {
    const actions = h(
      'td',
      { class: 'row-actions' },
      canEdit ? h('button', { type: 'button', 'aria-label': `Edit ${student.student_id}`, onclick: () => void edit(student) }, 'Edit') : null,
      canDelete
        ? h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${student.student_id}`, onclick: () => void remove(student) }, 'Delete')
        : null,
    );
    return h(
      'tr',
      { 'data-id': student.student_id },
      h('td', { class: 'mono' }, student.student_id),
      h('td', {}, student.full_name),
      h('td', {}, display(student.email)),
      h('td', {}, display(student.hometown)),
      h('td', { class: 'num' }, display(student.math_score)),
      h('td', { class: 'num' }, display(student.literature_score)),
      h('td', { class: 'num' }, display(student.english_score)),
      h('td', { class: 'num strong' }, display(student.average_score)),
      h('td', {}, student.grade ? h('span', { class: `grade grade-${student.grade.toLowerCase().replace(/\s+/g, '-')}` }, student.grade) : display(null)),
      actions,
    );
  }

  async function create() {
    await openStudentForm({
      api,
      onSaved: (student) => {
        options.notify(`Created ${student.full_name} (${student.student_id}).`);
        void load();
      },
    });
  }

  async function edit(student: Student) {
    try {
      await openStudentForm({
        api,
        studentId: student.student_id,
        onSaved: (saved) => {
          options.notify(`Saved ${saved.full_name} (${saved.student_id}).`);
          void load();
        },
      });
    } catch (cause) {
      showError(cause);
      if (cause instanceof ApiError && cause.status === 404) void load();
    }
  }

  async function remove(student: Student) {
    const confirmed = await confirmDialog({
      title: 'Delete student?',
      message: `Delete ${student.full_name} (${student.student_id})? This cannot be undone.`,
      confirmLabel: 'Delete student',
    });
    if (!confirmed) return;
    try {
      await api.request('DELETE', `${BASE}/${encodeURIComponent(student.student_id)}`, { headers: { 'if-match': `"${student.version}"` } });
      options.notify(`Deleted ${student.full_name} (${student.student_id}).`);
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 412) {
        error.replaceChildren(
          h('strong', {}, `${student.student_id} was changed by someone else since the list was loaded, so it was not deleted. `),
          'The list now shows the latest version; delete again if you still mean to.',
        );
        error.hidden = false;
      } else showError(cause);
    }
    void load();
  }

  const page$ = h(
    'section',
    { class: 'students', 'aria-labelledby': 'students-title' },
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'students-title' }, 'Students'),
      canEdit ? h('button', { type: 'button', class: 'primary', onclick: () => void create() }, '+ New student') : null,
    ),
    h(
      'div',
      { class: 'toolbar', role: 'search' },
      h('div', { class: 'control grow' }, h('label', { for: 'search' }, 'Search'), search),
      h('div', { class: 'control' }, h('label', { for: 'hometown-filter' }, 'Hometown'), hometown),
      h('div', { class: 'control' }, h('label', { for: 'sort' }, 'Sort by'), sort),
      h('div', { class: 'control' }, h('label', { for: 'page-size' }, 'Page size'), pageSize),
      exportPanel(api, () => filters),
    ),
    error,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'students-table' },
        h('caption', { class: 'visually-hidden' }, 'Students'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            COLUMNS.map((name) => h('th', { scope: 'col' }, name)),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        body,
      ),
    ),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, previous, summary, next),
  );
  void load();
  return page$;
}
