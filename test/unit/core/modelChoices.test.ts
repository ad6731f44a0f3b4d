import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_ROLES, RECOMMENDED_MODELS, refersTo } from '../../../src/core/modelChoices';
import { parseModelRef } from '../../../src/core/modelRef';
import { REPO_ROOT } from '../support/builders';

describe('model choices', () => {
  it('recommends hub ids, each listed in the README with the same download size', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const model of RECOMMENDED_MODELS) {
      assert.equal(parseModelRef(model.id, '/home').kind, 'hub', model.id);
      assert.match(readme, new RegExp(`\\| \`${model.id.replace(/\./g, '\\.')}\` \\|[^\\n]*\\| ${model.download} \\|`), `${model.id} is in the README's table`);
    }
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
