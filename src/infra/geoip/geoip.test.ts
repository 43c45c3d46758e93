import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { matchesContinent, matchesCountry, openGeoIp, staticGeoIp, type GeoIp, type GeoLocation } from './geoip.js';

const UNKNOWN: GeoLocation = { country: null, countryCode: null, continent: null, continentCode: null };
const UK: GeoLocation = { country: 'United Kingdom', countryCode: 'GB', continent: 'Europe', continentCode: 'EU' };

describe('packaged db-ip country database', () => {
  let geo: GeoIp;
  before(async () => { geo = await openGeoIp(); });

  test('maps the Barong fixtures to English names and ISO codes', () => {
    assert.deepEqual(geo.lookup('196.245.163.202'), UK);
    assert.deepEqual(geo.lookup('140.227.60.114'), { country: 'Japan', countryCode: 'JP', continent: 'Asia', continentCode: 'AS' });
  });

  test('covers IPv6 and IPv4-mapped IPv6', () => {
    const v6 = geo.lookup('2a00:1450:4001::1');
    assert.ok(v6.country && v6.countryCode && v6.continent && v6.continentCode, JSON.stringify(v6));
    assert.deepEqual(geo.lookup('::ffff:196.245.163.202'), UK);
    assert.deepEqual(geo.lookup('::ffff:c4f5:a3ca'), UK);
  });

  test('private, loopback, reserved and malformed addresses are unknown, never an error', () => {
    for (const ip of ['127.0.0.1', '10.0.0.1', '192.168.1.1', '::1', 'fe80::1%eth0', '2001:db8::1', 'garbage', '', '1.2.3', '999.1.1.1']) {
      assert.deepEqual(geo.lookup(ip), UNKNOWN, ip);
    }
    assert.deepEqual(geo.lookup(undefined as unknown as string), UNKNOWN);
  });

  test('the packaged database is opened once per process', async () => {
    assert.equal(await openGeoIp(), geo);
  });
});

describe('matchesCountry / matchesContinent', () => {
  test('accept the name or the ISO code, case-insensitively', () => {
    for (const rule of ['United Kingdom', 'united kingdom', 'GB', 'gb', 'Great Britain']) assert.equal(matchesCountry(rule, UK), true, rule);
    for (const rule of ['Europe', 'europe', 'EU', 'eu']) assert.equal(matchesContinent(rule, UK), true, rule);
    assert.equal(matchesCountry('France', UK), false);
    assert.equal(matchesCountry('FR', UK), false);
    assert.equal(matchesCountry('', UK), false);
    assert.equal(matchesContinent('Asia', UK), false);
  });

  test('an unknown location matches nothing', () => {
    assert.equal(matchesCountry('United Kingdom', UNKNOWN), false);
    assert.equal(matchesContinent('Europe', UNKNOWN), false);
  });
});

describe('staticGeoIp', () => {
  test('fills names and continent from the country code', () => {
    const geo = staticGeoIp({ '1.2.3.4': { countryCode: 'GB' }, '5.6.7.8': { country: 'Atlantis' }, '::ffff:9.9.9.9': { countryCode: 'RU' } });
    assert.deepEqual(geo.lookup('1.2.3.4'), UK);
    assert.deepEqual(geo.lookup('5.6.7.8'), { country: 'Atlantis', countryCode: null, continent: null, continentCode: null });
    assert.deepEqual(geo.lookup('9.9.9.9'), { country: 'Russia', countryCode: 'RU', continent: 'Europe', continentCode: 'EU' });
    assert.deepEqual(geo.lookup('4.3.2.1'), UNKNOWN);
  });
});

test('an operator path that does not exist rejects, naming the file', async () => {
  const missing = path.join(os.tmpdir(), 'warden-no-such-geoip.mmdb');
  await assert.rejects(openGeoIp({ path: missing }), (err: Error) => err.message.includes(missing) && /GeoIP/.test(err.message));
});

/** MaxMind DB encoding of maps, short strings and small unsigned ints: enough for a fixture file. */
function mmdbValue(v: unknown): Buffer {
  const ctrl = (type: number, size: number) => { assert.ok(size < 29); return Buffer.from([(type << 5) | size]); };
  if (typeof v === 'string') { const b = Buffer.from(v, 'utf8'); return Buffer.concat([ctrl(2, b.length), b]); }
  if (typeof v === 'number') {
    const b = Buffer.alloc(4); b.writeUInt32BE(v);
    const bytes = b.subarray(b.findIndex((x) => x !== 0) === -1 ? 4 : b.findIndex((x) => x !== 0));
    return Buffer.concat([ctrl(6, bytes.length), bytes]);
  }
  const entries = Object.entries(v as Record<string, unknown>);
  return Buffer.concat([ctrl(7, entries.length), ...entries.flatMap(([k, x]) => [mmdbValue(k), mmdbValue(x)])]);
}

/** An IPv4 MaxMind DB with one node: 0.0.0.0/1 has no data, 128.0.0.0/1 maps to `record`. */
function tinyMmdb(record: object, databaseType: string): Buffer {
  const nodeCount = 1;
  const tree = Buffer.from([0, 0, nodeCount, 0, 0, nodeCount + 16]); // 24-bit records: left "no data", right data offset 0
  const metadata = mmdbValue({ node_count: nodeCount, record_size: 24, ip_version: 4, database_type: databaseType, binary_format_major_version: 2, binary_format_minor_version: 0 });
  return Buffer.concat([tree, Buffer.alloc(16), mmdbValue(record), Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'), metadata]);
}

describe('an operator database (GEOIP_DB_PATH)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-geoip-'));
  const write = (name: string, buf: Buffer) => { const f = path.join(dir, name); fs.writeFileSync(f, buf); return f; };

  test('reads GeoLite2/GeoIP2 Country records, preferring the names in the file', async () => {
    const geo = await openGeoIp({ path: write('country.mmdb', tinyMmdb({
      continent: { code: 'EU', geoname_id: 6255148, names: { en: 'Europe', de: 'Europa' } },
      country: { geoname_id: 2635167, iso_code: 'GB', names: { en: 'Britain (file)', de: 'Vereinigtes Konigreich' } },
      registered_country: { geoname_id: 2635167, iso_code: 'GB', names: { en: 'Britain (file)' } },
    }, 'GeoLite2-Country')) });
    assert.deepEqual(geo.lookup('196.245.163.202'), { country: 'Britain (file)', countryCode: 'GB', continent: 'Europe', continentCode: 'EU' });
    assert.deepEqual(geo.lookup('10.0.0.1'), UNKNOWN);
    assert.deepEqual(geo.lookup('2a00:1450:4001::1'), UNKNOWN, 'IPv6 against an IPv4-only file is unknown, not an error');
    assert.equal(matchesCountry('britain (FILE)', geo.lookup('200.1.1.1')), true);
    assert.equal(matchesCountry('gb', geo.lookup('200.1.1.1')), true);
  });

  test('fills what a record lacks from the ISO code', async () => {
    const geo = await openGeoIp({ path: write('codes.mmdb', tinyMmdb({ country: { iso_code: 'JP' } }, 'GeoIP2-City')) });
    assert.deepEqual(geo.lookup('140.227.60.114'), { country: 'Japan', countryCode: 'JP', continent: 'Asia', continentCode: 'AS' });
    const flat = await openGeoIp({ path: write('flat.mmdb', tinyMmdb({ country_code: 'gb' }, 'country')) });
    assert.deepEqual(flat.lookup('196.245.163.202'), UK);
  });

  test('a file that is no MaxMind DB rejects, naming the file', async () => {
    const f = write('junk.mmdb', Buffer.from('not a database'));
    await assert.rejects(openGeoIp({ path: f }), (err: Error) => err.message.includes(f));
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));
});
