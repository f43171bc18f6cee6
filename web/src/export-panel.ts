import { type ApiClient, ApiError } from './api-client.js';
import { describeError } from './describe-error.js';
import { h } from './dom.js';
import { dispositionFilename, EXPORT_FORMATS, type ExportFormat, exportQuery, presignedFilename } from './export-file.js';
import { formatBytes } from './import-job.js';
import type { ListFilters } from './list-params.js';

/**
 * Export of what the students table shows (its search, hometown and sort; every page) as
 * CSV, XLSX or XML. The API needs the token, so the page fetches it: a small export arrives
 * inline and becomes a `blob:` link; a large one is a 303 to a presigned S3 link, which the
 * browser follows (the token is not sent across origins) — the page then stops reading and
 * offers that link instead, so the file streams from S3 to disk, never into the page.
 */
export function exportPanel(api: ApiClient, filters: () => ListFilters): HTMLElement {
  let objectUrl: string | undefined;
  const format = h(
    'select',
    { id: 'export-format' },
    EXPORT_FORMATS.map((f) => h('option', { value: f.value }, f.label)),
  );
  const button = h('button', { type: 'button', onclick: () => void run() }, 'Export');
  const result = h('span', { class: 'export-result', 'aria-live': 'polite' });

  async function run() {
    button.disabled = true;
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = undefined;
    result.replaceChildren('Preparing the file…');
    try {
      const res = await api.download(`/api/v1/students/export?${exportQuery(filters(), format.value as ExportFormat)}`);
      if (res.redirected && new URL(res.url).origin !== location.origin) {
        // The 303 to S3: a large export. Offer the presigned link; do not pull the file in here.
        await res.body?.cancel();
        const name = presignedFilename(res.url) ?? `students.${format.value}`;
        result.replaceChildren(
          h('a', { href: res.url, class: 'download-link', download: name }, `Download ${name}`),
          h('span', { class: 'hint' }, ' large export · link valid for 15 minutes'),
        );
        return;
      }
      const blob = await res.blob();
      const name = dispositionFilename(res.headers.get('content-disposition')) ?? `students.${format.value}`;
      objectUrl = URL.createObjectURL(blob);
      result.replaceChildren(
        h('a', { href: objectUrl, class: 'download-link', download: name }, `Download ${name}`),
        h('span', { class: 'hint' }, ` ${formatBytes(blob.size)}`),
      );
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 401) return;
      result.replaceChildren(h('span', { class: 'inline-error', role: 'alert' }, describeError(cause)));
    } finally {
      button.disabled = false;
    }
  }

  return h('div', { class: 'export-panel', role: 'group', 'aria-label': 'Export' }, h('label', { for: 'export-format' }, 'Export as'), format, button, result);
}
