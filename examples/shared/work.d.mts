// Types of work.mjs, for the TypeScript example (examples/nestjs).
export function add(a: number, b: number): number;
export function randint(random: () => number, lo: number, hi: number): number;
export function getSumOfList(n?: number): number[];
export function buildReport(rows: number): string;
export function fetchOrders(): Promise<number>;
export function streamChunks(count?: number): AsyncGenerator<string>;
