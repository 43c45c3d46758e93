import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStalePlan, StatementNames } from './statement-names.js';

describe('StatementNames', () => {
  it('names a text at its second run, keeps the name, and names no more than the cap', () => {
    const names = new StatementNames(2);
    assert.equal(names.nameFor('SELECT $1'), undefined, 'a first run is unnamed');
    assert.equal(names.nameFor('SELECT $1'), 'warden_0');
    assert.equal(names.nameFor('SELECT $1, $2'), undefined);
    assert.equal(names.nameFor('SELECT $1, $2'), 'warden_1');
    assert.equal(names.nameFor('SELECT $1'), 'warden_0');
    assert.equal(names.nameFor('SELECT $1, $2, $3'), undefined);
    assert.equal(names.nameFor('SELECT $1, $2, $3'), undefined, 'over the cap');
    assert.equal(names.nameFor('SELECT $1, $2, $3'), undefined);
  });

  it('texts run once (a page number in the SQL) use no name and a bounded memory', () => {
    const names = new StatementNames(256, 10);
    for (let page = 0; page < 100; page++) assert.equal(names.nameFor(`SELECT $1 OFFSET ${page * 20}`), undefined);
    assert.equal(names.nameFor('SELECT $1 OFFSET 0'), undefined, 'forgotten when the memory of single runs was emptied');
    assert.equal(names.nameFor('SELECT $1 OFFSET 0'), 'warden_0');
  });

  it('never names a forgotten text again, and never reuses its name for another text', () => {
    const names = new StatementNames(3);
    names.nameFor('SELECT * FROM t WHERE a = $1');
    assert.equal(names.nameFor('SELECT * FROM t WHERE a = $1'), 'warden_0');
    names.forget('SELECT * FROM t WHERE a = $1');
    assert.equal(names.nameFor('SELECT * FROM t WHERE a = $1'), undefined);
    names.nameFor('SELECT $1');
    assert.equal(names.nameFor('SELECT $1'), 'warden_1');
  });

  it('recognises only the stale-plan error', () => {
    assert.equal(isStalePlan({ code: '0A000', message: 'cached plan must not change result type' }), true);
    assert.equal(isStalePlan({ code: '0A000', message: 'something else not supported' }), false);
    assert.equal(isStalePlan({ code: '42P01', message: 'cached plan must not change result type' }), false);
    assert.equal(isStalePlan(undefined), false);
  });
});
