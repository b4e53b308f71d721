import { Injectable } from '@nestjs/common';
import type { Article, RankedArticle } from './article.entity.js';
// A value import: Nest injects by the constructor's emitted parameter types.
import { ArticleRepository } from './article.repository.js';

/** The business layer: fetch through the repository, then rank in JavaScript (the CPU part). */
@Injectable()
export class ArticleService {
  constructor(private readonly articles: ArticleRepository) {}

  async findAll(query: string, limit: number): Promise<RankedArticle[]> {
    const rows = await this.articles.findAll();
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    const ranked = rows.map((article) => this.rank(article, terms));
    ranked.sort((a, b) => b.score - a.score || a.id - b.id);
    return ranked.slice(0, limit);
  }

  private rank(article: Article, terms: string[]): RankedArticle {
    let score = 0;
    const words = article.body.split(' ');
    for (const term of terms) {
      for (let i = 0; i < words.length; i++) {
        if (words[i] === term) score += 1 / (1 + i / 40);
      }
      if (article.tags.includes(term)) score += 5;
    }
    return { id: article.id, title: article.title, tags: article.tags, score: Math.round(score * 1000) / 1000 };
  }
}
