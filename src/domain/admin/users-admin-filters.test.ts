import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userFilter, userFilterErrors, userOrder, userOrderErrors } from './users-admin-filters.js';

const idx = (v: string) => (v.trim() === '' ? null : `idx(${v.trim().toLowerCase()})`);

test('range is created (default) or updated', () => {
  assert.deepEqual(userFilterErrors({}), []);
  assert.deepEqual(userFilterErrors({ range: 'created' }), []);
  assert.deepEqual(userFilterErrors({ range: 'updated' }), []);
  assert.deepEqual(userFilterErrors({ range: 'deleted' }), ['admin.user.invalid_range']);
});

test('ordering asc/desc and order_by any users column but the password digest', () => {
  assert.deepEqual(userOrderErrors({ ordering: 'desc', order_by: 'created_at' }), []);
  assert.deepEqual(userOrderErrors({ ordering: 'sideways' }), ['user.ordering.invalid_ordering']);
  assert.deepEqual(userOrderErrors({ order_by: 'password_digest' }), ['user.ordering.invalid_attribute']);
  assert.deepEqual(userOrderErrors({ ordering: 'up', order_by: 'id; drop table users' }), ['user.ordering.invalid_ordering', 'user.ordering.invalid_attribute']);
  assert.deepEqual(userOrder({}), { column: 'id', direction: 'asc' });
  assert.deepEqual(userOrder({ ordering: 'DESC', order_by: 'email' }), { column: 'email', direction: 'desc' });
});

test('filter: names become blind indexes, a blank name matches nothing, range defaults to created', () => {
  assert.deepEqual(userFilter({}, idx), { range: 'created' });
  assert.deepEqual(userFilter({ uid: 'ID1', email: ' a@b.io ', role: 'admin', level: 2, state: 'active', country: ' UA', range: 'updated', from: 1, to: 2 }, idx), {
    uid: 'ID1', email: 'a@b.io', role: 'admin', level: 2, state: 'active', country: 'UA', range: 'updated', from: 1, to: 2,
  });
  assert.deepEqual(userFilter({ first_name: 'Élise', last_name: '  ' }, idx), { range: 'created', firstNameIndex: 'idx(élise)', lastNameIndex: '' });
});
