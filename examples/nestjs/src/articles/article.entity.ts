export interface Article {
  id: number;
  title: string;
  body: string;
  tags: string[];
  publishedAt: string;
}

/** What the API returns: an article with its relevance for the query. */
export interface RankedArticle {
  id: number;
  title: string;
  tags: string[];
  score: number;
}
