import { type ApiClient, ApiError } from './api-client.js';
import { describeError } from './describe-error.js';
import { h } from './dom.js';
import { fieldErrors } from './problem.js';
import { fieldValue, type Student, STUDENT_FIELDS } from './student.js';

const BASE = '/api/v1/students';
const FIELD_NAMES = STUDENT_FIELDS.map((field) => field.name);

export interface StudentFormOptions {
  api: ApiClient;
  /** Edit this student (by id); create a new one when omitted. */
  studentId?: string;
  /** Called after a successful save, with the saved student. */
  onSaved(student: Student): void;
}

/**
 * The create / edit dialog. Validation is the API's: a 422's `errors[].loc` puts each
 * message under its field; a 412 (someone saved first) explains itself and offers a reload.
 */
export async function openStudentForm(options: StudentFormOptions): Promise<void> {
  const editing = options.studentId !== undefined;
  let etag: string | null = null;
  const inputs = new Map<string, HTMLInputElement>();
  const errors = new Map<string, HTMLElement>();
  const general = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const conflict = h('div', { class: 'conflict', role: 'alert', hidden: true });
  const saveButton = h('button', { type: 'submit', class: 'primary' }, editing ? 'Save changes' : 'Create student');
  const cancelButton = h('button', { type: 'button', onclick: () => close() }, 'Cancel');

  const rows = STUDENT_FIELDS.map((field) => {
    const id = `field-${field.name}`;
    const input = h('input', {
      id,
      name: field.name,
      type: field.kind === 'email' ? 'email' : 'text',
      inputmode: field.kind === 'score' ? 'decimal' : undefined,
      autocomplete: 'off',
      readonly: editing && field.name === 'student_id',
      'aria-describedby': `${id}-error${field.hint ? ` ${id}-hint` : ''}`,
    });
    const error = h('p', { id: `${id}-error`, class: 'field-error', 'data-field': field.name });
    inputs.set(field.name, input);
    errors.set(field.name, error);
    return h(
      'div',
      { class: `field field-${field.kind}` },
      h('label', { for: id }, field.label),
      input,
      field.hint ? h('p', { id: `${id}-hint`, class: 'hint' }, field.hint) : null,
      error,
    );
  });

  const form = h(
    'form',
    { novalidate: true, class: 'student-form', onsubmit: (event: Event) => void submit(event) },
    h('h2', { id: 'student-form-title' }, editing ? `Edit student ${options.studentId}` : 'New student'),
    conflict,
    general,
    h('div', { class: 'fields' }, rows),
    h('div', { class: 'actions' }, cancelButton, saveButton),
  );
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'student-form-title' }, form);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);

  function close() {
    dialog.close();
  }

  function fill(student: Student) {
    for (const field of STUDENT_FIELDS) {
      const value = student[field.name];
      inputs.get(field.name)!.value = value === null || value === undefined ? '' : String(value);
    }
  }

  function clearErrors() {
    for (const [name, element] of errors) {
      element.textContent = '';
      inputs.get(name)!.removeAttribute('aria-invalid');
    }
    general.hidden = true;
    general.textContent = '';
    conflict.hidden = true;
    conflict.replaceChildren();
  }

  function showGeneral(message: string) {
    general.textContent = message;
    general.hidden = false;
  }

  async function load() {
    const res = await options.api.request<Student>('GET', `${BASE}/${encodeURIComponent(options.studentId!)}`);
    etag = res.headers.get('etag');
    fill(res.body);
  }

  function showConflict() {
    conflict.replaceChildren(
      h('strong', {}, 'Someone else changed this student after you opened it.'),
      h('p', {}, 'Your changes were not saved. Reload to see the latest version, then make your changes again.'),
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          onclick: () =>
            void load()
              .then(() => clearErrors())
              .catch((error: unknown) => showGeneral(describeError(error))),
        },
        'Reload latest version',
      ),
    );
    conflict.hidden = false;
  }

  async function submit(event: Event) {
    event.preventDefault();
    clearErrors();
    const body: Record<string, unknown> = {};
    for (const field of STUDENT_FIELDS) {
      if (editing && field.name === 'student_id') continue;
      body[field.name] = fieldValue(field, inputs.get(field.name)!.value);
    }
    saveButton.disabled = true;
    try {
      const res = editing
        ? await options.api.request<Student>('PATCH', `${BASE}/${encodeURIComponent(options.studentId!)}`, {
            json: body,
            headers: etag ? { 'if-match': etag } : {},
          })
        : await options.api.request<Student>('POST', BASE, { json: body });
      close();
      options.onSaved(res.body);
    } catch (error) {
      explain(error);
    } finally {
      saveButton.disabled = false;
    }
  }

  function explain(error: unknown) {
    if (error instanceof ApiError && error.status === 422) {
      const { byField, other } = fieldErrors(error.problem, FIELD_NAMES);
      for (const [name, messages] of byField) {
        errors.get(name)!.textContent = messages.join(' ');
        inputs.get(name)!.setAttribute('aria-invalid', 'true');
      }
      if (other.length > 0) showGeneral(other.join(' '));
      const first = STUDENT_FIELDS.find((field) => byField.has(field.name));
      if (first) inputs.get(first.name)!.focus();
      return;
    }
    if (error instanceof ApiError && error.status === 412) return showConflict();
    if (error instanceof ApiError && error.status === 409) {
      errors.get('student_id')!.textContent = 'A student with this ID already exists.';
      inputs.get('student_id')!.setAttribute('aria-invalid', 'true');
      return inputs.get('student_id')!.focus();
    }
    if (error instanceof ApiError && error.status === 401) return close();
    showGeneral(describeError(error));
  }

  if (editing) {
    try {
      await load();
    } catch (error) {
      dialog.remove();
      throw error;
    }
  }
  dialog.showModal();
  inputs.get(editing ? 'first_name' : 'student_id')!.focus();
}
