// Profile data reaches the DOM through textContent only, never innerHTML.

/** An element of the page's fixed markup (render/html.ts writes it). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`prof viewer: #${id} is missing`);
  return e as T;
}

export function el(tag: string, cls?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
