import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStalePlan, StatementNames } from './statement-names.js';

describe('StatementNames', () => {
  it('gives each text one stable name, up to the cap, then runs further texts unnamed', () => {
    const names = new StatementNames(2);
    assert.equal(names.nameFor('SELECT $1'), 'warden_0');
    assert.equal(names.nameFor('SELECT $1, $2'), 'warden_1');
    assert.equal(names.nameFor('SELECT $1'), 'warden_0');
    assert.equal(names.nameFor('SELECT $1, $2, $3'), undefined);
    assert.equal(names.nameFor('SELECT $1, $2, $3'), undefined);
  });

  it('never names a forgotten text again, and never reuses its name for another text', () => {
    const names = new StatementNames(3);
    assert.equal(names.nameFor('SELECT * FROM t WHERE a = $1'), 'warden_0');
    names.forget('SELECT * FROM t WHERE a = $1');
    assert.equal(names.nameFor('SELECT * FROM t WHERE a = $1'), undefined);
    assert.equal(names.nameFor('SELECT $1'), 'warden_1');
  });

  it('recognises only the stale-plan error', () => {
    assert.equal(isStalePlan({ code: '0A000', message: 'cached plan must not change result type' }), true);
    assert.equal(isStalePlan({ code: '0A000', message: 'something else not supported' }), false);
    assert.equal(isStalePlan({ code: '42P01', message: 'cached plan must not change result type' }), false);
    assert.equal(isStalePlan(undefined), false);
  });
});
