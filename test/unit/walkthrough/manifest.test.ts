// The "Generative AI, step by step" walkthrough as VS Code reads it from package.json: every idea of
// issue 6 has a step, every step has a readable diagram and one action, and every action and completion
// event names a command or context key that the extension really contributes, registers or sets.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DEMO_NAMES } from '../../../src/protocol';
import { REPO_ROOT } from '../support/builders';

const WALKTHROUGH_ID = 'genaiStudio.generativeAI';
const PLAYGROUND_COMMAND = 'genaiStudio.openPlayground';

/** Every idea the walkthrough must teach, in order, and the step that teaches it. */
const IDEAS: [idea: string, stepId: string][] = [
  ['discriminative vs generative models (P(Y|X) vs P(X) / P(X,Y))', 'discriminativeVsGenerative'],
  ['latent space', 'latentSpace'],
  ['probability distributions and maximum likelihood', 'probabilityAndLikelihood'],
  ['variational autoencoders', 'variationalAutoencoders'],
  ['generative adversarial networks', 'generativeAdversarialNetworks'],
  ['diffusion models', 'diffusionModels'],
  ['transformers and LLMs', 'transformersAndLLMs'],
  ['try text generation', 'tryTextGeneration'],
  ['try image generation', 'tryImageGeneration'],
  ['try inline completion', 'tryInlineCompletion'],
  ['prompt engineering (zero-shot, few-shot, chain-of-thought)', 'promptEngineering'],
  ['retrieval-augmented generation', 'retrievalAugmentedGeneration'],
  ['fine-tuning vs pre-training (goal, data size, cost, use case)', 'fineTuningVsPreTraining'],
  ['applications, responsible use and common questions', 'responsibleUse'],
];

/** Words each step must explain (the sub-ideas the issue lists), case-insensitive, in its description or media. */
const KEY_TERMS: Record<string, RegExp[]> = {
  discriminativeVsGenerative: [/P\(Y \| X\)/, /P\(X\)/, /P\(X, Y\)/],
  variationalAutoencoders: [/encoder/, /mean|μ/, /variance|σ/, /reparameteri[sz]ation/, /decoder/, /reconstruction/, /KL/],
  generativeAdversarialNetworks: [/generator/, /discriminator/, /equilibrium/],
  diffusionModels: [/forward/, /noise/, /reverse/, /denois/],
  transformersAndLLMs: [/self-attention/, /autoregressive/, /next token/],
  promptEngineering: [/zero-shot/, /few-shot/, /chain-of-thought/],
  fineTuningVsPreTraining: [/goal/, /data size/, /cost/, /use case/],
  responsibleUse: [/bias/, /misinformation|false/, /intellectual property/, /energy/, /parameter/, /locally/, /hallucination/],
};

interface Step {
  id: string;
  title: string;
  description: string;
  media: { svg?: string; markdown?: string; image?: string; altText?: string };
  completionEvents?: string[];
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const walkthrough = (pkg.contributes.walkthroughs as { id: string; title: string; steps: Step[] }[]).find((w) => w.id === WALKTHROUGH_ID);
const steps = walkthrough?.steps ?? [];
const contributedCommands = new Set<string>((pkg.contributes.commands as { command: string }[]).map((c) => c.command));

/** The TypeScript sources of the extension, read once. */
const sources = (function read(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return read(path);
    return path.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
})(join(REPO_ROOT, 'src'));

/**
 * What the sources pass as the first argument after a call matching `call` (a regular expression
 * source): string literals, `const NAME = '...'` constants from any source file, and template literals
 * (`genaiStudio.demo.${demo}Run`), which match any word in place of each `${...}`.
 */
function argumentsPassedTo(call: string): (value: string) => boolean {
  const STRING = String.raw`(?<quote>['"])([\w.-]+)\k<quote>|\x60([\w.$\{\}-]+)\x60`;
  const constants = new Map<string, (string | undefined)[]>();
  for (const src of sources) for (const m of src.matchAll(new RegExp(String.raw`\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*(?:${STRING})`, 'g'))) constants.set(m[1], m.slice(1));
  const literals = new Set<string>();
  const patterns: RegExp[] = [];
  const add = (literal: string | undefined, template: string | undefined) => {
    if (literal) literals.add(literal);
    if (template) patterns.push(new RegExp(`^${template.split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\w+')}$`));
  };
  for (const src of sources)
    for (const m of src.matchAll(new RegExp(String.raw`${call}\s*(?:${STRING}|([A-Za-z_$][\w$]*)\s*[,)])`, 'g'))) {
      const constant = m[4] ? constants.get(m[4]) : undefined;
      add(m[2] ?? constant?.[2], m[3] ?? constant?.[3]);
    }
  return (value) => literals.has(value) || patterns.some((p) => p.test(value));
}
const isRegisteredCommand = argumentsPassedTo(String.raw`registerCommand\(`);
const isContextKeySet = argumentsPassedTo(String.raw`executeCommand\(\s*['"]setContext['"]\s*,`);

/** `command:` links of a step description (the markdown link form VS Code renders as buttons). */
const commandLinks = (description: string) => [...description.matchAll(/\]\(command:(?:toSide:)?([\w.-]+)(\?[^)]*)?\)/g)].map((m) => ({ id: m[1], args: m[2] }));

// Colour-bearing SVG attributes; their values must follow the theme.
const COLOUR_ATTRIBUTES = ['fill', 'stroke', 'stop-color', 'flood-color', 'lighting-color', 'color'];
const THEMED_COLOUR = /^(none|currentColor|url\(#[\w-]+\)|var\(--vscode-[\w-]+(,\s*#[0-9a-fA-F]{3,8})?\))$/;

type XmlNode = Record<string, XmlNode[] | Record<string, string> | string>;
/** Visits every element of a `preserveOrder` fast-xml-parser tree with its name and attributes. */
function visit(nodes: XmlNode[], fn: (name: string, attrs: Record<string, string>) => void): void {
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text') continue;
    fn(name, (node[':@'] as Record<string, string> | undefined) ?? {});
    visit(node[name] as XmlNode[], fn);
  }
}

function mediaText(step: Step): string {
  const file = step.media.svg ?? step.media.markdown;
  return file ? readFileSync(join(REPO_ROOT, file), 'utf8') : '';
}

describe('walkthrough "Generative AI, step by step" (package.json)', () => {
  it('is contributed beside the getting-started walkthrough', () => {
    assert.ok(walkthrough, `no walkthrough ${WALKTHROUGH_ID} in package.json`);
    assert.equal(walkthrough.title, 'Generative AI, step by step');
    assert.ok(pkg.contributes.walkthroughs.some((w: { id: string }) => w.id === 'genaiStudio.gettingStarted'));
  });

  it('has one step per idea, in the order of the issue, and no other steps', () => {
    assert.deepEqual(
      steps.map((s) => s.id),
      IDEAS.map(([, id]) => id),
    );
    assert.equal(new Set(steps.map((s) => s.title)).size, steps.length, 'step titles are unique');
  });

  it('explains the sub-ideas of each step', () => {
    for (const [id, terms] of Object.entries(KEY_TERMS)) {
      const step = steps.find((s) => s.id === id)!;
      const text = `${step.description}\n${step.media.altText ?? ''}\n${step.media.markdown ? mediaText(step) : ''}`;
      for (const term of terms) assert.match(text, new RegExp(term.source, 'i'), `step ${id} does not mention ${term}`);
    }
  });

  it('gives every step exactly one action link, a completion event, and a media file that exists', () => {
    for (const step of steps) {
      assert.equal(commandLinks(step.description).length, 1, `step ${step.id}: exactly one command: link`);
      assert.ok(step.description.length >= 120, `step ${step.id}: the description explains the idea`);
      assert.ok(step.completionEvents?.length, `step ${step.id}: completes on an action, not when opened`);
      for (const event of step.completionEvents!) assert.match(event, /^on(Command|Context):/, `step ${step.id}: ${event}`);
      const file = step.media.svg ?? step.media.markdown;
      assert.ok(file, `step ${step.id}: media is an svg or markdown file`);
      assert.ok(existsSync(join(REPO_ROOT, file)), `step ${step.id}: ${file} is missing`);
      if (step.media.svg) {
        assert.match(step.media.svg, /^media\/walkthrough\/[\w-]+\.svg$/);
        assert.ok((step.media.altText ?? '').length >= 40, `step ${step.id}: the diagram has a real alt text`);
      }
    }
  });

  it('draws every diagram as well-formed SVG in the theme colours, with nothing the walkthrough webview blocks', () => {
    const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '' });
    for (const step of steps.filter((s) => s.media.svg)) {
      const file = step.media.svg!;
      const text = mediaText(step);
      const valid = XMLValidator.validate(text);
      assert.equal(valid, true, `${file}: ${JSON.stringify(valid)}`);
      const tree = parser.parse(text) as XmlNode[];
      const names: string[] = [];
      visit(tree, (name, attrs) => {
        names.push(name);
        for (const attr of COLOUR_ATTRIBUTES)
          if (attrs[attr] !== undefined) assert.match(attrs[attr], THEMED_COLOUR, `${file}: <${name} ${attr}="${attrs[attr]}"> is not a theme colour`);
        // The walkthrough renders SVGs inline under a CSP that allows only its own nonced style: no
        // style attributes or elements, no scripts, no external resources.
        assert.equal(attrs.style, undefined, `${file}: <${name}> has a style attribute`);
        for (const link of [attrs.href, attrs['xlink:href']]) if (link !== undefined) assert.match(link, /^#/, `${file}: <${name}> links ${link}`);
      });
      assert.equal(names[0], 'svg', `${file}: the root element is <svg>`);
      assert.ok(names.includes('title'), `${file}: has a <title> for screen readers`);
      for (const blocked of ['style', 'script', 'image', 'foreignObject']) assert.ok(!names.includes(blocked), `${file}: contains <${blocked}>`);
      assert.ok(names.includes('text'), `${file}: labels its parts`);
    }
  });

  it('writes markdown media with well-formed tables', () => {
    const markdownSteps = steps.filter((s) => s.media.markdown);
    assert.ok(markdownSteps.some((s) => s.id === 'fineTuningVsPreTraining'), 'fine-tuning vs pre-training is a table');
    for (const step of markdownSteps) {
      const lines = mediaText(step).split('\n');
      const header = lines.findIndex((l, i) => l.startsWith('|') && /^\|(\s*:?-+:?\s*\|)+$/.test(lines[i + 1] ?? ''));
      assert.ok(header >= 0, `${step.media.markdown}: has a table`);
      const cells = (l: string) => l.trim().replace(/^\||\|$/g, '').split('|').length;
      const rows = lines.slice(header).filter((l, i, all) => l.startsWith('|') && all.slice(0, i).every((p) => p.startsWith('|')));
      assert.ok(rows.length >= 4, `${step.media.markdown}: the table has rows`);
      for (const row of rows) assert.equal(cells(row), cells(rows[0]), `${step.media.markdown}: row "${row}" has the header's column count`);
    }
  });

  it('links and completes on commands the extension contributes and registers', () => {
    const used = steps.flatMap((s) => [
      ...commandLinks(s.description).map((l) => l.id),
      ...(s.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)),
    ]);
    for (const id of new Set(used)) {
      assert.ok(contributedCommands.has(id), `${id} is not in contributes.commands`);
      assert.ok(isRegisteredCommand(id), `${id} is not registered by src/ (registerCommand)`);
    }
  });

  it('opens the Model Playground on each model family\'s demo and completes when that demo runs', () => {
    const demoSteps = steps.filter((s) => commandLinks(s.description).some((l) => l.id === PLAYGROUND_COMMAND));
    assert.ok(demoSteps.length >= 7, 'the model-family steps open a playground demo');
    const contextSteps = steps.filter((s) => s.completionEvents?.some((e) => e.startsWith('onContext:')));
    assert.deepEqual(contextSteps, demoSteps, 'only demo steps complete on a context key (the demo\'s)');
    const demos = demoSteps.map((step) => (JSON.parse(decodeURIComponent(commandLinks(step.description)[0].args!.slice(1))) as string[])[0]);
    assert.deepEqual([...new Set(demos)].sort(), [...DEMO_NAMES].sort(), 'every demo the playground has is one step\'s action, by its protocol name');
    for (const [i, step] of demoSteps.entries()) {
      const demo = demos[i];
      assert.deepEqual(step.completionEvents, [`onContext:genaiStudio.demo.${demo}Run`], `${step.id} completes when its demo (${demo}) runs`);
      assert.ok(isContextKeySet(`genaiStudio.demo.${demo}Run`), `no setContext of genaiStudio.demo.${demo}Run in src/`);
    }
  });

  it('passes JSON arguments that parse', () => {
    for (const step of steps)
      for (const { id, args } of commandLinks(step.description))
        if (args) assert.doesNotThrow(() => JSON.parse(decodeURIComponent(args.slice(1))), `${step.id}: ${id}${args}`);
  });
});
