import { h } from './dom.js';

/**
 * A table with a caption (hidden), column headings and rows; `numeric` columns align right,
 * a column named '' is the row actions (its heading hidden), `empty` fills a table without rows.
 */
export function dataTable(caption: string, columns: string[], numeric: Set<string>, rows: HTMLTableRowElement[], empty: string): HTMLTableElement {
  return h(
    'table',
    { class: 'students-table plain-table' },
    h('caption', { class: 'visually-hidden' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) =>
          c === ''
            ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions'))
            : h('th', { scope: 'col', class: numeric.has(c) ? 'num' : null }, c),
        ),
      ),
    ),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty))),
  );
}
