import { type CallTree, labelOf, locationOf, type Row } from './tree-model.js';

/** Whether a line's text (name, location, hidden libraries) contains the lower-case query. */
export function matches(tree: CallTree, r: Row, query: string): boolean {
  if (!query) return true;
  const text = `${labelOf(tree, r)} ${locationOf(tree, r)} ${r.hidden ? r.hidden.libraries.join(' ') : ''}`;
  return text.toLowerCase().includes(query);
}

/**
 * The lines on screen, in order. Without a query: the open rows' children. With one: only rows
 * that match or lead to a match, and every row leading to a match opens.
 */
export function visibleRows(tree: CallTree, roots: Row[], isOpen: (r: Row) => boolean, query: string): Row[] {
  const hits = new Map<Row, boolean>();
  const hasHit = (r: Row): boolean => {
    let v = hits.get(r);
    if (v === undefined) {
      v = matches(tree, r, query) || r.children.some(hasHit);
      hits.set(r, v);
    }
    return v;
  };
  const out: Row[] = [];
  const walk = (rows: Row[]): void => {
    for (const r of rows) {
      if (query && !hasHit(r)) continue;
      out.push(r);
      if (isOpen(r) || (query !== '' && r.children.some(hasHit))) walk(r.children);
    }
  };
  walk(roots);
  return out;
}
