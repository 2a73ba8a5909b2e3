// Pact compares bodies only of content types it knows as JSON (the x-amz-json-1.1 matcher is our
// workaround); an answer labelled application/x-amz-json-1.0 or application/json would hide every
// body mismatch behind one header mismatch. This loopback proxy sits between Pact's verifier and a
// target: it forwards requests unchanged (the Host the verifier signed included) and relabels a JSON
// answer of another content type as x-amz-json-1.1, so Pact judges the body; the content type it
// really had is recorded and reported as its own check.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { operationSpec } from '../spec/index.ts';
import { readLimited } from '../target/read-limited.ts';

export interface ContentTypeProxy {
  url: string;
  /** Answers whose content type was not the documented one: what it was, and the request it answered. */
  relabelled: { contentType: string; status: number; requestBody: string }[];
  /** Requests forwarded to the target (the verifier's: the run counts them), and answers that passed through. */
  forwarded: number;
  answers: number;
  close(): Promise<void>;
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

export async function startContentTypeProxy(target: string, o: { timeoutMs: number; maxBytes: number }): Promise<ContentTypeProxy> {
  const base = new URL(target);
  const want = operationSpec().framing.contentType.value;
  const proxy: ContentTypeProxy = { url: '', relabelled: [], forwarded: 0, answers: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
      proxy.forwarded++;
      const out = send({ host: base.hostname, port: base.port, method: req.method, path: req.url, headers: req.headers, timeout: o.timeoutMs }, (answer: IncomingMessage) => {
        readLimited(answer, o.maxBytes).then((bytes) => {
          proxy.answers++;
          const headers = { ...answer.headers };
          const type = String(headers['content-type'] ?? '');
          const text = bytes.toString('utf8');
          if (type.split(';')[0]!.trim().toLowerCase() !== want && text.trim() !== '' && isJson(text)) {
            proxy.relabelled.push({ contentType: type || '(none)', status: answer.statusCode ?? 0, requestBody: body.toString('utf8') });
            headers['content-type'] = want;
          }
          delete headers['transfer-encoding'];
          headers['content-length'] = String(bytes.length);
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(bytes);
        }, () => res.destroy());
      });
      out.on('timeout', () => out.destroy(new Error('deadline')));
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return proxy;
}
