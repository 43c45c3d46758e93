import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyBaseLogger } from 'fastify';
import type { Container } from '../../container.js';
import type { HttpMetrics } from '../metrics.js';
import type { InFlight } from '../in-flight.js';
import { addressOrPeer, cdnAddress } from '../request-context.js';
import { hasBody, readBodyText } from '../request-body.js';
import { denialBody, gatewayFacts, INVALID_PATH_BODY, withBodyParams } from './facts.js';
import type { GatewayFacts, GatewayResult } from '../../domain/authz/gateway.js';

type Trust = (addr: string, hop: number) => boolean;

/** The same trust decision Fastify makes for `request.ip` (TRUST_PROXY), so both paths see one client IP. */
export function compileTrust(trustProxy: boolean | number | readonly string[]): Trust {
  if (trustProxy === true) return () => true;
  // Fastify 5 fails closed on a bare hop count: the immediate peer cannot be validated.
  if (trustProxy === false || typeof trustProxy === 'number') return () => false;
  return proxyAddr.compile([...trustProxy]);
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The gateway check answered straight from node:http, before Fastify builds its request and
 * reply objects and runs its hooks: on a check that costs tens of microseconds that framework
 * work is a large share of the CPU (bench/gateway.mjs). The decision itself is the same code
 * as the Fastify route (gatewayFacts + Gateway.check); only the plumbing differs. Returns false
 * for any other URL, which then goes to Fastify.
 */
export function gatewayFastPath(c: Container, metrics: HttpMetrics, log: FastifyBaseLogger, inFlight?: InFlight): (req: IncomingMessage, res: ServerResponse) => boolean {
  const prefix = c.config.AUTHZ_PREFIX;
  const prefixSlash = `${prefix}/`;
  const prefixQuery = `${prefix}?`;
  const route = `${prefix}/*`;
  const trust = compileTrust(c.config.trustProxy);
  const cdnHeader = c.config.CLIENT_IP_HEADER;

  // Headers as a flat [name, value, …] list: no object to build or walk per answer.
  const finish = (req: IncomingMessage, res: ServerResponse, started: number, status: number, authorization?: string, body?: string) => {
    if (!res.headersSent) {
      const headers = body === undefined ? ['content-length', '0'] : ['content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(body))];
      if (authorization !== undefined) headers.push('authorization', authorization);
      res.writeHead(status, headers);
      res.end(body);
    }
    metrics.observe(req.method ?? 'GET', route, status, (performance.now() - started) / 1000);
  };

  return (req, res) => {
    const url = req.url ?? '';
    // The prefix itself is the address Traefik's forwardAuth calls (the URI in X-Forwarded-Uri).
    if (!url.startsWith(prefixSlash) && url !== prefix && !url.startsWith(prefixQuery)) return false;
    const started = performance.now();
    const ip = cdnAddress(req, cdnHeader) ?? addressOrPeer(proxyAddr(req, trust), req);
    const facts = gatewayFacts(url, req.method ?? 'GET', req.headers, ip, prefix, c.config.SESSION_COOKIE_NAME, () => trust(req.socket.remoteAddress ?? '', 0));
    if (facts === null) {
      finish(req, res, started, 400, undefined, INVALID_PATH_BODY);
      return true;
    }
    const answer = (result: GatewayResult) => {
      inFlight?.end();
      if (!result.allow) finish(req, res, started, result.status, undefined, denialBody(result.key));
      else finish(req, res, started, 200, result.authorization);
    };
    const failed = (err: unknown) => {
      inFlight?.end();
      log.error({ err: (err as Error).message, route }, 'gateway check failed');
      finish(req, res, started, 500, undefined, '{"errors":["server.internal_error"]}');
    };
    // Gateway.check answers synchronously when it needed no I/O; a thrown error is handled like a rejection.
    const check = (f: GatewayFacts) => {
      let result: ReturnType<typeof c.gateway.check>;
      try {
        result = c.gateway.check(f);
      } catch (err) {
        failed(err);
        return;
      }
      if (result instanceof Promise) result.then(answer, failed);
      else answer(result);
    };
    inFlight?.begin();
    if (!hasBody(req)) check(facts);
    else void readBodyText(req).then((text) => check({ ...facts, query: withBodyParams(facts.query, req.headers['content-type'], text) }));
    return true;
  };
}
