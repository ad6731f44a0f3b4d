// Checks that the shipped vocab.json + merges.txt give the same ids in Transformers.js as clip_bpe.py:
// builds the tokenizer.json a CLIP conversion produces (CLIP normalizer and split, byte-level BPE with
// `</w>`, bos/eos post-processor) and compares ids on cases written by evaluate.py.
// Usage: node tools/image-model/check_tokenizer.mjs <tokenizer dir> <cases.json>; prints "N/M identical".
import { CLIPTokenizer } from '@huggingface/transformers';
import fs from 'node:fs';
const dir = process.argv[2];
const vocab = JSON.parse(fs.readFileSync(dir + '/vocab.json', 'utf8'));
const merges = fs.readFileSync(dir + '/merges.txt', 'utf8').trim().split('\n').slice(1);
const config = JSON.parse(fs.readFileSync(dir + '/tokenizer_config.json', 'utf8'));
const bos = vocab['<|startoftext|>'], eos = vocab['<|endoftext|>'];
const tj = {
  version: '1.0', truncation: null, padding: null,
  added_tokens: [
    { id: bos, content: '<|startoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true },
    { id: eos, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
  normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
  pre_tokenizer: { type: 'Sequence', pretokenizers: [
    { type: 'Split', pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" }, behavior: 'Removed', invert: true },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] },
  post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', eos], cls: ['<|startoftext|>', bos], trim_offsets: false, add_prefix_space: false },
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: { type: 'BPE', dropout: null, unk_token: '<|endoftext|>', continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges },
};
const tok = new CLIPTokenizer(tj, config);
const lines = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
let same = 0;
for (const { text, ids } of lines) {
  const got = tok(text, { padding: 'max_length', max_length: 32, truncation: true }).input_ids.tolist()[0].map(Number);
  if (JSON.stringify(got) === JSON.stringify(ids)) same++; else console.log('DIFF', text, got.join(','), '|', ids.join(','));
}
console.log(`${same}/${lines.length} identical`);
process.exitCode = same === lines.length ? 0 : 1;
