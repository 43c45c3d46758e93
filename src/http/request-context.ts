import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../domain/activities/activity-log.js';
import type { GeoIp } from '../infra/geoip/geoip.js';

/**
 * The client IP and user agent of a request. `request.ip` already applies TRUST_PROXY to
 * X-Forwarded-For (the rightmost untrusted address); a trusted CDN header (CLIENT_IP_HEADER)
 * wins when present.
 */
export function clientIp(req: FastifyRequest, cdnHeader?: string): string {
  if (cdnHeader) {
    const v = req.headers[cdnHeader.toLowerCase()];
    const s = Array.isArray(v) ? v[0] : v;
    if (s && s.trim()) return s.trim();
  }
  return req.ip;
}

/** With `geoip`, also the GeoIP country name of the client IP (null when unknown), as activities store it. */
export function requestContext(req: FastifyRequest, cdnHeader?: string, geoip?: GeoIp): RequestContext {
  const ua = req.headers['user-agent'];
  const ip = clientIp(req, cdnHeader);
  return { ip, userAgent: typeof ua === 'string' ? ua : '', country: geoip?.lookup(ip).country ?? null };
}
