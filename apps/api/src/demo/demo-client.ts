/* eslint-disable @typescript-eslint/no-explicit-any -- REST bodies, read field by field as a user's script would */
/** The few REST calls the demo makes, as a user's script would: bearer key, JSON in and out. */
export class DemoClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async get<T = any>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  async post<T = any>(path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  /** A download as bytes, with its ETag and suggested file name. */
  async download(path: string): Promise<{ bytes: Buffer; etag: string; fileName: string }> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, { headers: this.headers() });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    const disposition = res.headers.get('content-disposition') ?? '';
    return {
      bytes: Buffer.from(await res.arrayBuffer()),
      etag: (res.headers.get('etag') ?? '').replace(/"/g, ''),
      fileName: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download',
    };
  }

  private headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/json' };
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: this.headers(),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }
}
