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

  const INTERNAL_ERROR = '{"errors":["server.internal_error"]}';

  /**
   * One gateway request. Every step that can throw is caught and answered 500: this code runs
   * outside Fastify, where an exception would be uncaught and take the process (and every
   * check) down.
   */
  const serve = (req: IncomingMessage, res: ServerResponse, url: string, started: number) => {
    // Counted in flight from the check's start to its answer, once, whichever way it ends.
    let open = false;
    const done = () => { if (open) { open = false; inFlight!.end(); } };
    const failed = (err: unknown) => {
      done();
      log.error({ err: (err as Error).message, route }, 'gateway check failed');
      try {
        finish(req, res, started, 500, undefined, INTERNAL_ERROR);
      } catch {
        res.destroy(); // nothing sensible can be written any more
      }
    };
    const guarded = <T>(f: (v: T) => void) => (v: T) => {
      try { f(v); } catch (err) { failed(err); }
    };
    const answer = guarded((result: GatewayResult) => {
      done();
      if (!result.allow) finish(req, res, started, result.status, undefined, denialBody(result.key));
      else finish(req, res, started, 200, result.authorization);
    });
    // Gateway.check answers synchronously when it needed no I/O, else with a promise.
    const check = guarded((f: GatewayFacts) => {
      const result = c.gateway.check(f);
      if (result instanceof Promise) result.then(answer, failed);
      else answer(result);
    });
    try {
      const ip = cdnAddress(req, cdnHeader) ?? addressOrPeer(proxyAddr(req, trust), req);
      const facts = gatewayFacts(url, req.method ?? 'GET', req.headers, ip, prefix, c.config.SESSION_COOKIE_NAME, () => trust(req.socket.remoteAddress ?? '', 0));
      if (facts === null) return finish(req, res, started, 400, undefined, INVALID_PATH_BODY);
      if (inFlight) { inFlight.begin(); open = true; }
      if (!hasBody(req)) check(facts);
      else void readBodyText(req).then((text) => check({ ...facts, query: withBodyParams(facts.query, req.headers['content-type'], text) }));
    } catch (err) {
      failed(err);
    }
  };

  return (req, res) => {
    const url = req.url ?? '';
    // The prefix itself is the address Traefik's forwardAuth calls (the URI in X-Forwarded-Uri).
    if (!url.startsWith(prefixSlash) && url !== prefix && !url.startsWith(prefixQuery)) return false;
    serve(req, res, url, performance.now());
    return true;
  };
}
