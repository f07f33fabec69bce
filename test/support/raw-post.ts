/**
 * A POST over a real socket with exactly the given headers and bytes (node:http, keep-alive), for
 * tests that must reach the server itself rather than Fastify's inject (the webhook fast path).
 */
import { Agent, request } from 'node:http';

export interface RawAnswer {
  status: number;
  type: string | undefined;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** `chunked`: the body goes without a Content-Length, in two chunks. */
export function rawPost(baseUrl: string, path: string, headers: Record<string, string>, body: Buffer, o: { chunked?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const base = new URL(baseUrl);
    // The path as given (no URL resolution of "..", no re-encoding).
    const req = request(
      { host: base.hostname, port: base.port, path, method: 'POST', agent, headers: o.chunked ? headers : { ...headers, 'content-length': String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (o.chunked) {
      req.write(body.subarray(0, 5));
      req.end(body.subarray(5));
    } else req.end(body);
  });
}
