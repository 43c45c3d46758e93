import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskPhoneNumber, normalizePhone, smsErrorKey } from './phones-rules.js';

test('numbers are normalised to country code + national number, trunk prefix dropped', () => {
  assert.deepEqual(normalizePhone('+44 07418084106'), { digits: '447418084106', e164: '+447418084106', country: 'GB' });
  assert.deepEqual(normalizePhone('(+380) 97-123-23-22'), { digits: '380971232322', e164: '+380971232322', country: 'UA' });
  assert.equal(normalizePhone('79225551234')?.country, 'RU');
});

test('invalid numbers are refused (strict validity, no default region)', () => {
  for (const bad of ['', '123', '+1112222', '0501234567', 'not a number', '+99912345678901234567890']) assert.equal(normalizePhone(bad), null, bad);
});

test('masking keeps the calling code and the last four digits (Barong examples)', () => {
  assert.equal(maskPhoneNumber('79225551234'), '7******1234');
  assert.equal(maskPhoneNumber('201112341923'), '20******1923');
  assert.equal(maskPhoneNumber('380971232322'), '380*****2322');
  assert.equal(maskPhoneNumber('1112222'), '11*2222');
});

test('provider error codes map to Barong keys', () => {
  assert.deepEqual([21612, 21614, 21618, 21610, 20003, null].map(smsErrorKey), [
    'resource.phone.num_not_reachable', 'resource.phone.num_not_valid', 'resource.phone.sms_content_invalid',
    'resource.phone.unsubscribed_recipient', 'resource.phone.twilio_unexpected', 'resource.phone.twilio_unexpected',
  ]);
});
