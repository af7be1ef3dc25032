import { Injectable } from '@nestjs/common';
import { type Principal, SearchesService, TERMINAL } from '@tailor/engine';
import type { Response } from 'express';

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;

/**
 * Streams a search's progress as server-sent events. It polls the database rather than listening to
 * the worker, so it works the same whether the search runs in this process or on another machine.
 */
@Injectable()
export class SearchEventsService {
  constructor(private readonly searches: SearchesService) {}

  async stream(id: string, who: Principal, res: Response): Promise<void> {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    let closed = false;
    res.on('close', () => (closed = true));
    let last = '';
    let lastWrite = Date.now();
    let seq = 0;
    while (!closed) {
      const s = await this.searches.get(id, who);
      const payload = JSON.stringify({
        id: s.id,
        status: s.status,
        progress: s.progress,
        best: s.best,
        error: s.error,
      });
      if (payload !== last) {
        res.write(`id: ${++seq}\nevent: progress\ndata: ${payload}\n\n`);
        last = payload;
        lastWrite = Date.now();
      } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
        res.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      if (TERMINAL.includes(s.status)) {
        res.write(`id: ${seq + 1}\nevent: end\ndata: ${JSON.stringify({ id: s.id, status: s.status })}\n\n`);
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    res.end();
  }
}
