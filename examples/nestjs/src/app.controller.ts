import { Readable } from 'node:stream';
import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { fetchOrders, getSumOfList, streamChunks } from '../../shared/work.mjs';

/** The routes every example app serves (test-e2e/apps/types.ts), the work shared with them. */
@Controller()
export class AppController {
  // CPU-bound: the seed's random-sum loop.
  @Get('cpu')
  cpuRoute(@Query('n') n?: string): { sum: number } {
    const [sum] = getSumOfList(Math.min(Number(n) || 3_000_000, 50_000_000));
    return { sum: sum! };
  }

  // Async I/O: timers standing in for a database, and some JSON work between them.
  @Get('io')
  async ioRoute(): Promise<{ orders: number }> {
    return { orders: await fetchOrders() };
  }

  // Errors still reach Nest's exception filter (a 500) and still yield a report.
  @Get('error')
  errorRoute(): never {
    throw new Error('boom');
  }

  @Get('stream')
  streamRoute(): StreamableFile {
    return new StreamableFile(Readable.from(streamChunks()), { type: 'text/plain' });
  }

  @Get('users/:id')
  userRoute(@Param('id') id: string): { id: string; sum: number } {
    return { id, sum: getSumOfList(200_000)[0]! };
  }

  @Get('slow')
  async slowRoute(@Query('ms') ms?: string): Promise<{ slept: number }> {
    const slept = Number(ms) || 0;
    await new Promise((resolve) => setTimeout(resolve, slept));
    return { slept };
  }
}
