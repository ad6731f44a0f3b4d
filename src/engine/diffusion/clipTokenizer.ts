// The CLIP tokenizer of a Stable-Diffusion folder through Transformers.js. Diffusers exports ship
// tokenizer/vocab.json + merges.txt; Transformers.js reads tokenizer.json, so when that file is
// missing the same definition is built in memory (never written into the user's folder).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoizeLru } from '../../core/memo';
import { EngineErrorCode } from '../../protocol';
import { EngineError, errorMessage } from '../errors';
import type { TransformersLib } from '../transformers';

/** CLIP's pre-tokenizer regex (openai/CLIP simple_tokenizer, as in Hugging Face's CLIP tokenizer.json). */
const CLIP_PATTERN = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

export interface ClipTokenizer {
  /** Ids of `text` with the start and end tokens, not padded (shared between calls: do not modify). */
  encode(text: string): readonly number[];
  /** Fills `ids` up to the text encoder's length. */
  readonly padId: number;
  /** Longest id sequence (with start and end tokens) the text encoder takes. */
  readonly maxLength: number;
}

interface TokenizerConfig {
  model_max_length?: number;
  bos_token?: string | { content: string };
  eos_token?: string | { content: string };
  pad_token?: string | { content: string };
  unk_token?: string | { content: string };
  [key: string]: unknown;
}

function tokenText(value: TokenizerConfig['bos_token'], fallback: string): string {
  if (typeof value === 'string') return value;
  return value?.content ?? fallback;
}

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new EngineError(EngineErrorCode.ModelInvalid, `${what} (${path}) could not be read: ${errorMessage(error)}. Re-export the model.`);
  }
}

/** tokenizer.json's content for a CLIP BPE vocabulary and merge list (the layout Hugging Face's converter writes). */
export function clipTokenizerJson(vocab: Record<string, number>, merges: string[], config: TokenizerConfig): Record<string, unknown> {
  const bos = tokenText(config.bos_token, '<|startoftext|>');
  const eos = tokenText(config.eos_token, '<|endoftext|>');
  const unk = tokenText(config.unk_token, eos);
  const special = [...new Set([bos, eos, unk, tokenText(config.pad_token, eos)])].filter((t) => t in vocab);
  return {
    version: '1.0',
    added_tokens: special.map((content) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true })),
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_PATTERN }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [eos, vocab[eos]], cls: [bos, vocab[bos]], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: unk, continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}

/** The merge lines of merges.txt (its `#version` header and blank lines dropped). */
export function parseMerges(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#version'));
}

export function loadClipTokenizer(lib: TransformersLib, folder: string, maxPositions: number): ClipTokenizer {
  const dir = join(folder, 'tokenizer');
  const configPath = join(dir, 'tokenizer_config.json');
  const config = existsSync(configPath) ? readJson<TokenizerConfig>(configPath, 'The tokenizer config') : {};
  const jsonPath = join(dir, 'tokenizer.json');
  let definition: Record<string, unknown>;
  if (existsSync(jsonPath)) {
    definition = readJson(jsonPath, 'The tokenizer');
  } else {
    const vocabPath = join(dir, 'vocab.json');
    const mergesPath = join(dir, 'merges.txt');
    if (!existsSync(vocabPath) || !existsSync(mergesPath)) {
      throw new EngineError(
        EngineErrorCode.ModelInvalid,
        `The tokenizer is missing: ${dir} needs tokenizer.json, or vocab.json and merges.txt (the CLIP tokenizer files a diffusers export writes).`,
      );
    }
    definition = clipTokenizerJson(readJson(vocabPath, 'The tokenizer vocabulary'), parseMerges(readFileSync(mergesPath, 'utf8')), config);
  }
  const tokenizer = new lib.CLIPTokenizer(definition, config);
  const vocab = tokenizer.get_vocab() as Map<string, number>;
  const padToken = tokenText(config.pad_token, tokenText(config.eos_token, '<|endoftext|>'));
  const padId = vocab.get(padToken);
  if (padId === undefined) throw new EngineError(EngineErrorCode.ModelInvalid, `The tokenizer's pad token ${padToken} is not in its vocabulary (${dir}). Re-export the tokenizer.`);
  const maxLength = Math.min(config.model_max_length ?? maxPositions, maxPositions);
  return {
    // Regenerating keeps the prompt and negative prompt, so the last few texts' ids are kept.
    encode: memoizeLru((text) => tokenizer.encode(text) as number[], 16),
    padId,
    maxLength,
  };
}

/** The ids padded to the encoder's length; callers check the length first. */
export function padIds(tokenizer: ClipTokenizer, ids: readonly number[]): number[] {
  return [...ids, ...Array<number>(tokenizer.maxLength - ids.length).fill(tokenizer.padId)];
}
