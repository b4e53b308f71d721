// A database-style service, the shape of a real app: controller → service → repository → driver,
// awaiting at every layer. The driver talks to a database over a socket: a real PostgreSQL
// through `pg` (test-e2e/postgres.serial.test.ts), or the stand-in below, an in-process server
// that answers like one, so that the examples need nothing installed.
import net from 'node:net';

/** Per article row: some CPU work, so the repository's own time shows in a report. */
function mapArticleRow(row) {
  let hash = 0;
  for (let k = 0; k < 40; k++) {
    for (let i = 0; i < row.body.length; i++) hash = (Math.imul(hash, 31) + row.body.charCodeAt(i)) | 0;
  }
  return {
    id: row.id,
    title: row.title,
    slug: row.title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    excerpt: row.body.slice(0, 80),
    authorId: row.author_id,
    checksum: hash >>> 0,
  };
}

export class ArticleRepository {
  constructor(db) {
    this.db = db;
  }

  async findRecentArticles(limit) {
    const { rows } = await this.db.query('SELECT id, title, body, author_id FROM articles ORDER BY id DESC LIMIT $1', [
      limit,
    ]);
    return rows.map(mapArticleRow);
  }

  async findAuthorById(id) {
    const { rows } = await this.db.query('SELECT id, name FROM authors WHERE id = $1', [id]);
    return rows[0] ? { id: rows[0].id, name: rows[0].name } : null;
  }
}

export class ArticleService {
  constructor(repository) {
    this.repository = repository;
  }

  /** One query for the articles, then one awaited query per article for its author. */
  async getArticleFeed(limit) {
    const articles = await this.repository.findRecentArticles(limit);
    for (const article of articles) article.author = await this.repository.findAuthorById(article.authorId);
    return articles;
  }
}

export class ArticlesController {
  constructor(service) {
    this.service = service;
  }

  async listArticles(query) {
    const limit = Math.min(Number(query?.limit) || 20, 100);
    const articles = await this.service.getArticleFeed(limit);
    return { count: articles.length, articles };
  }
}

/** The three layers over a driver with `query(text, params) → Promise<{ rows }>`. */
export function createArticles(db) {
  return new ArticlesController(new ArticleService(new ArticleRepository(db)));
}

// --- The stand-in database ---------------------------------------------------------------------

const BODY = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. '.repeat(12);

function answer(text, params) {
  if (text.includes('FROM articles')) {
    const limit = Number(params[0]) || 20;
    return Array.from({ length: limit }, (_, i) => ({
      id: 1000 - i,
      title: `Article number ${1000 - i}`,
      body: BODY,
      author_id: (i % 7) + 1,
    }));
  }
  if (text.includes('FROM authors')) return [{ id: params[0], name: `Author ${params[0]}` }];
  return [];
}

/**
 * A database server in this process: newline-delimited JSON over TCP on 127.0.0.1, each query
 * answered after `latency` ms, as a database on the network would.
 */
export async function startFakeDatabase({ latency = 2 } = {}) {
  const server = net.createServer((socket) => {
    socket.unref(); // like the server: its connections do not keep the example's process alive
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const { id, text, params } = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        setTimeout(() => socket.write(`${JSON.stringify({ id, rows: answer(text, params) })}\n`), latency);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref(); // an example's process may exit with it running
  const { port } = server.address();
  return {
    port,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A client for the stand-in: one connection, queries pipelined, like a database driver's. */
export class FakeDbClient {
  #socket;
  #pending = new Map();
  #nextId = 1;

  static async connect(port) {
    const client = new FakeDbClient();
    await client.#open(port);
    return client;
  }

  #open(port) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve());
      socket.once('error', reject);
      socket.setEncoding('utf8');
      socket.setNoDelay(true);
      socket.unref();
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk;
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const { id, rows } = JSON.parse(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          this.#pending.get(id)?.({ rows });
          this.#pending.delete(id);
        }
      });
      this.#socket = socket;
    });
  }

  query(text, params = []) {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#socket.write(`${JSON.stringify({ id, text, params })}\n`);
    });
  }

  end() {
    this.#socket.end();
  }
}

/** The stand-in database and a connected client; close() stops both. */
export async function startArticlesDatabase(options) {
  const server = await startFakeDatabase(options);
  const client = await FakeDbClient.connect(server.port);
  return {
    db: client,
    close: async () => {
      client.end();
      await server.close();
    },
  };
}
