import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../domain/activities/activity-log.js';
import type { GeoIp } from '../infra/geoip/geoip.js';

/**
 * The client IP and user agent of a request. `request.ip` already applies TRUST_PROXY to
 * X-Forwarded-For (the rightmost untrusted address); a trusted CDN header (CLIENT_IP_HEADER)
 * wins when present.
 */
export function clientIp(req: FastifyRequest, cdnHeader?: string): string {
  return cdnAddress(req.raw, cdnHeader) ?? addressOrPeer(req.ip, req.raw);
}

/** The address in CLIENT_IP_HEADER, when that header is set and holds an address. */
export function cdnAddress(req: IncomingMessage, cdnHeader: string | undefined): string | undefined {
  if (!cdnHeader) return undefined;
  const v = req.headers[cdnHeader.toLowerCase()];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s && isIP(s) !== 0 ? s : undefined;
}

/**
 * What X-Forwarded-For named, unless it is not an address at all ("unknown", garbage): then
 * the peer's, as Rails drops such entries. A string that is no address must never become a
 * rate-limit bucket, a session binding or an activity's IP.
 */
export function addressOrPeer(chosen: string | undefined, req: IncomingMessage): string {
  return chosen !== undefined && isIP(chosen) !== 0 ? chosen : (req.socket.remoteAddress ?? '');
}

/** With `geoip`, also the GeoIP country name of the client IP (null when unknown), as activities store it. */
export function requestContext(req: FastifyRequest, cdnHeader?: string, geoip?: GeoIp): RequestContext {
  const ua = req.headers['user-agent'];
  const ip = clientIp(req, cdnHeader);
  return { ip, userAgent: typeof ua === 'string' ? ua : '', country: geoip?.lookup(ip).country ?? null };
}
