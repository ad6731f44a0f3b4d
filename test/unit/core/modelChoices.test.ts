import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSize, machineFit, memoryNeededMB, MODEL_ROLES, RECOMMENDED_MODELS, refersTo } from '../../../src/core/modelChoices';
import { parseModelRef } from '../../../src/core/modelRef';
import { REPO_ROOT } from '../support/builders';

describe('model choices', () => {
  it('recommends hub ids, each listed in the README with the same download size and memory', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const model of RECOMMENDED_MODELS) {
      assert.equal(parseModelRef(model.id, '/home').kind, 'hub', model.id);
      const row = `| \`${model.id}\` |`;
      const line = readme.split('\n').find((l) => l.startsWith(row));
      assert.ok(line, `${model.id} is in the README's table`);
      assert.ok(line.includes(`| ${formatSize(model.downloadMB)} | ${formatSize(memoryNeededMB(model))} |`), line);
    }
  });

  it('says whether a model fits this machine, leaving a quarter of the memory to the rest', () => {
    assert.equal(formatSize(640), '~640 MB');
    assert.equal(formatSize(1600), '~1.6 GB');
    assert.equal(memoryNeededMB({ downloadMB: 640 }), 2540);
    assert.deepEqual(machineFit(2540, 16384), { fits: true, text: 'needs ~2.5 GB of memory; fits this machine (16 GB)' });
    assert.deepEqual(machineFit(3500, 4096), { fits: false, text: 'needs ~3.5 GB of memory, more than this machine (4 GB) can spare' });
  });

  it('writes each role to a machine-scoped model setting', () => {
    const properties = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).contributes.configuration.properties;
    for (const { setting } of Object.values(MODEL_ROLES)) assert.equal(properties[`genaiStudio.${setting}`].scope, 'machine', setting);
  });

  it('knows a setting that names a repository at any revision', () => {
    assert.ok(refersTo('org/model', 'org/model'));
    assert.ok(refersTo('org/model@v2', 'org/model'));
    assert.ok(!refersTo('org/model-large', 'org/model'));
  });
});
