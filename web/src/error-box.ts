import { ApiError } from './api-client.js';
import { describeError } from './describe-error.js';
import { h } from './dom.js';

/** A section's error line (hidden until a call fails): `show(cause)` explains, `hide()` clears. */
export function errorBox(notFound = 'This no longer exists. The list has been refreshed.') {
  const element = h('div', { class: 'form-error', role: 'alert', hidden: true });
  return {
    element,
    show(cause: unknown, message?: string) {
      if (cause instanceof ApiError && cause.status === 401) return; // already back at the sign-in
      element.textContent = message ?? describeError(cause, notFound);
      element.hidden = false;
    },
    hide() {
      element.hidden = true;
    },
  };
}
