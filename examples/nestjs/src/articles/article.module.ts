import { Module } from '@nestjs/common';
import { ArticleController } from './article.controller.js';
import { ArticleRepository } from './article.repository.js';
import { ArticleService } from './article.service.js';

@Module({
  controllers: [ArticleController],
  providers: [ArticleService, ArticleRepository],
})
export class ArticleModule {}
