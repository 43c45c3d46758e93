import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, inRanges, ipToBytes, isCidr, parseIpRanges, sameSessionNetwork } from './ip.js';

test('parses IPv4, IPv6 and rejects garbage', () => {
  assert.deepEqual([...ipToBytes('1.2.3.4')!].slice(10), [0xff, 0xff, 1, 2, 3, 4]);
  assert.equal(ipToBytes('::1')![15], 1);
  assert.equal(ipToBytes('2001:db8::1')![0], 0x20);
  assert.equal(ipToBytes('::ffff:10.0.0.1')![12], 10);
  assert.equal(ipToBytes('nope'), null);
  assert.equal(ipToBytes('1.2.3.256'), null);
});

test('cidrContains handles IPv4 and IPv6 prefixes', () => {
  assert.equal(cidrContains('10.0.0.0/8', '10.200.1.1'), true);
  assert.equal(cidrContains('10.0.0.0/8', '11.0.0.1'), false);
  assert.equal(cidrContains('192.168.1.0/24', '192.168.1.255'), true);
  assert.equal(cidrContains('192.168.1.0/25', '192.168.1.128'), false);
  assert.equal(cidrContains('0.0.0.0/0', '8.8.8.8'), true);
  assert.equal(cidrContains('0.0.0.0/0', '::1'), false);
  assert.equal(cidrContains('1.2.3.4', '1.2.3.4'), true);
  assert.equal(cidrContains('2001:db8::/32', '2001:db8:ffff::1'), true);
  assert.equal(cidrContains('2001:db8::/32', '2001:db9::1'), false);
  assert.equal(cidrContains('10.0.0.0/33', '10.0.0.1'), false);
});

test('session network is /16 for IPv4 and /96 for IPv6', () => {
  assert.equal(sameSessionNetwork('1.2.3.4', '1.2.200.200'), true);
  assert.equal(sameSessionNetwork('1.2.3.4', '1.3.3.4'), false);
  assert.equal(sameSessionNetwork('2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:ffff:ffff'), true);
  assert.equal(sameSessionNetwork('2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:5:5:6'), false);
  assert.equal(sameSessionNetwork('1.2.3.4', '::ffff:1.2.9.9'), true);
  assert.equal(sameSessionNetwork('1.2.3.4', '2001:db8::1'), false);
  assert.equal(sameSessionNetwork('nope', 'nope'), false, 'two equal invalid strings are no network');
  assert.equal(sameSessionNetwork('1.2.3.4', 'nope'), false);
  // Answers stay the same once the memo of networks has been filled and emptied.
  for (let i = 0; i < 10_050; i++) sameSessionNetwork(`10.${i >> 8}.${i & 255}.1`, '10.0.0.1');
  assert.equal(sameSessionNetwork('10.0.0.1', '10.0.255.255'), true);
  assert.equal(sameSessionNetwork('10.0.0.1', '10.1.0.1'), false);
});

test('isCidr accepts addresses and networks with in-range prefixes only', () => {
  for (const ok of ['1.2.3.4', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32', '::1', '::/0', '1.2.3.4/32', '2001:db8::1/128']) assert.equal(isCidr(ok), true, ok);
  for (const bad of ['', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/ 8', 'localhost', '1.2.3', '10.0.0.0/8/8', '1.2.3.4/0x8']) assert.equal(isCidr(bad), false, bad);
});

test('address-range settings: names, CIDRs, none, and garbage refused', () => {
  const loop = parseIpRanges('loopback');
  for (const ip of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) assert.ok(inRanges(loop, ip), ip);
  for (const ip of ['10.0.0.1', '198.51.100.1', '::2', 'garbage']) assert.ok(!inRanges(loop, ip), ip);
  assert.deepEqual(parseIpRanges('none'), []);
  assert.deepEqual(parseIpRanges(' 10.0.0.0/8 , 2001:db8::/32,203.0.113.7 '), ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7']);
  assert.ok(inRanges(parseIpRanges('uniquelocal'), '172.20.1.1'));
  assert.ok(!inRanges(parseIpRanges('uniquelocal'), '172.32.0.1'));
  assert.throws(() => parseIpRanges('loopback,office'), /"office" is not an address/);
  assert.throws(() => parseIpRanges('10.0.0.0/33'), /is not an address/);
});
