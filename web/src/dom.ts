type Child = Node | string | number | null | undefined | false;
type Prop = string | number | boolean | null | undefined | EventListener;

/**
 * Builds an element. Strings become attributes (`true` an empty one), functions under `on…`
 * become listeners, and children are appended as nodes or text: nothing is ever parsed as
 * HTML, so names from the API cannot inject markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, Prop> = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: (Node | string)[]): void {
  parent.replaceChildren(...children);
}
