import { h } from './dom.js';

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel: string;
}

/**
 * A modal yes/no question; resolves true only when the user confirms. Focus starts on Cancel
 * and returns to the control that opened it (when that is still on the page).
 */
export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const cancel = h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel');
    const confirm = h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: () => {
          answer = true;
          dialog.close();
        },
      },
      options.confirmLabel,
    );
    const dialog = h(
      'dialog',
      { class: 'dialog confirm', role: 'alertdialog', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-message' },
      h('h2', { id: 'confirm-title' }, options.title),
      h('p', { id: 'confirm-message' }, options.message),
      h('div', { class: 'actions' }, cancel, confirm),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
