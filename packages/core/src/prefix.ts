/**
 * The one walk over a parent-pointer tree (V8's node table, a Samples stack table) that every
 * layer needs: the value of `node` is `step(value of its parent, node)`, with `top` above the
 * roots. Walks up to the first node whose value is already in `memo`, then down, memoising
 * each; iterative, because stacks can be thousands of frames deep.
 */
export function resolvePath<T>(
  node: number,
  parentOf: ArrayLike<number>,
  memo: (T | undefined)[],
  top: T,
  step: (parent: T, node: number) => T,
): T {
  const known = memo[node];
  if (known !== undefined) return known;
  const chain: number[] = [];
  let n = node;
  while (n >= 0 && memo[n] === undefined) {
    chain.push(n);
    n = parentOf[n]!;
  }
  let value = n >= 0 ? memo[n]! : top;
  for (let k = chain.length - 1; k >= 0; k--) {
    const id = chain[k]!;
    value = step(value, id);
    memo[id] = value;
  }
  return value;
}
