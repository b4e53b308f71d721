import { Controller, Get, Query } from '@nestjs/common';
import type { RankedArticle } from './article.entity.js';
// A value import: Nest injects by the constructor's emitted parameter types.
import { ArticleService } from './article.service.js';

@Controller('articles')
export class ArticleController {
  constructor(private readonly articleService: ArticleService) {}

  // GET /articles?q=node+cpu&limit=10: controller → service → repository, the usual layering.
  @Get()
  async findAll(@Query('q') q = 'node cpu loop', @Query('limit') limit = '10'): Promise<RankedArticle[]> {
    return this.articleService.findAll(q, Math.min(Number(limit) || 10, 100));
  }
}
