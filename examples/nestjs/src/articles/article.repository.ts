import { Injectable } from '@nestjs/common';
import type { Article } from './article.entity.js';

const WORDS = ['node', 'nest', 'profile', 'latency', 'cpu', 'query', 'index', 'cache', 'stream', 'event', 'loop'];

/** A seeded table, so that every run (and the app without prof) answers the same. */
function seedArticles(count: number): Article[] {
  let state = 7;
  const next = (): number => (state = (state * 1103515245 + 12345) % 2147483648);
  return Array.from({ length: count }, (_, id) => ({
    id,
    title: `Article ${id}`,
    body: Array.from({ length: 120 }, () => WORDS[next() % WORDS.length]).join(' '),
    tags: [WORDS[next() % WORDS.length]!, WORDS[next() % WORDS.length]!],
    publishedAt: new Date(Date.UTC(2024, 0, 1 + (id % 365))).toISOString(),
  }));
}

/** Stands in for a database: every query is a round trip, then rows to copy. */
@Injectable()
export class ArticleRepository {
  private readonly rows = seedArticles(3_000);

  async findAll(): Promise<Article[]> {
    await new Promise((resolve) => setTimeout(resolve, 15));
    return this.rows.map((row) => ({ ...row, tags: [...row.tags] }));
  }
}
