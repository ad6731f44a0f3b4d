// Fill-in-the-middle prompt formats of the model families we run, checked
// against each family's tokenizer marker tokens.
import { lineCommentPrefix } from './languageSyntax';

export const FIM_FORMAT_NAMES = [
  'qwen',
  'deepseek',
  'starcoder',
  'starcoder2',
  'codegemma',
  'codestral',
  'genai-code-tiny',
  'plain',
] as const;

export type FimFormatName = (typeof FIM_FORMAT_NAMES)[number];

/** A file (or a window of one) shown to the model as context. */
export interface ContextFile {
  readonly path: string;
  readonly text: string;
}

export interface FimFormat {
  readonly name: FimFormatName;
  /** Generation ends at the first of these. */
  readonly stopStrings: readonly string[];
  /** False for plain continuation: the model never sees the text after the cursor. */
  readonly usesSuffix: boolean;
  /**
   * True where the suffix comes after the prefix in the prompt (prefix-suffix-middle): each keystroke at
   * the cursor changes the prompt before the suffix, so the suffix is read again every time.
   */
  readonly rereadsSuffix: boolean;
  /** Names the repository at the very top; '' where the family has no token for it. */
  repoHeader(repoName: string): string;
  /** One context file from elsewhere in the workspace. */
  contextFile(file: ContextFile, languageId: string): string;
  /** Announces the file being completed, after the context files. */
  currentFileHeader(path: string, languageId: string): string;
  /** Joins the rendered context, the prefix and the suffix into the prompt. */
  assemble(context: string, prefix: string, suffix: string): string;
}

type ContextStyle = Pick<FimFormat, 'repoHeader' | 'contextFile' | 'currentFileHeader'>;

function endWithNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Families trained on repository-level data separate files with a dedicated token. */
function fileSeparatorStyle(separator: string, repoHeader: ContextStyle['repoHeader'] = () => ''): ContextStyle {
  return {
    repoHeader,
    contextFile: (file) => `${separator}${file.path}\n${endWithNewline(file.text)}`,
    currentFileHeader: (path) => `${separator}${path}\n`,
  };
}

/**
 * Families without such a token see other files as comments of the current
 * language, so the model does not mistake them for the file being edited.
 */
const commentStyle: ContextStyle = {
  repoHeader: () => '',
  contextFile: (file, languageId) => {
    const marker = lineCommentPrefix(languageId) ?? '//';
    const body = file.text
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => (line ? `${marker} ${line}` : marker));
    return `${marker} Path: ${file.path}\n${body.join('\n')}\n`;
  },
  currentFileHeader: (path, languageId) => `${lineCommentPrefix(languageId) ?? '//'} Path: ${path}\n`,
};

// The prefix-suffix-middle layouts put the context first, which keeps the start of the prompt
// stable while the user types; the suffix, after the cursor, is still re-read on every keystroke.
// Suffix-first layouts (SPM, Codestral) end with the prefix, so only its last tokens change.

/** Context as files before the FIM tokens (repository-level training). */
function contextBeforeFim(prefixToken: string, suffixToken: string, middleToken: string): FimFormat['assemble'] {
  return (context, prefix, suffix) => `${context}${prefixToken}${prefix}${suffixToken}${suffix}${middleToken}`;
}

/** Context as comments at the top of the prefix (file-level training). */
function contextInPrefix(prefixToken: string, suffixToken: string, middleToken: string): FimFormat['assemble'] {
  return (context, prefix, suffix) => `${prefixToken}${context}${prefix}${suffixToken}${suffix}${middleToken}`;
}

const QWEN_STOPS = [
  '<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|fim_pad|>',
  '<|repo_name|>', '<|file_sep|>', '<|im_start|>', '<|im_end|>',
];
const STARCODER_STOPS = ['<|endoftext|>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<fim_pad>'];

const FORMATS: Readonly<Record<FimFormatName, FimFormat>> = {
  // Qwen2.5-Coder puts repository context before the FIM tokens, not inside them.
  qwen: {
    name: 'qwen',
    rereadsSuffix: true,
    stopStrings: QWEN_STOPS,
    usesSuffix: true,
    ...fileSeparatorStyle('<|file_sep|>', (repoName) => `<|repo_name|>${repoName}\n`),
    assemble: contextBeforeFim('<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'),
  },
  // Our shipped model, trained on both layouts, prompted suffix-first (SPM) for the KV cache.
  'genai-code-tiny': {
    name: 'genai-code-tiny',
    rereadsSuffix: false,
    stopStrings: ['<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|file_sep|>'],
    usesSuffix: true,
    ...fileSeparatorStyle('<|file_sep|>'),
    assemble: (context, prefix, suffix) => `${context}<|fim_prefix|><|fim_suffix|>${suffix}<|fim_middle|>${prefix}`,
  },
  starcoder2: {
    name: 'starcoder2',
    rereadsSuffix: true,
    stopStrings: [...STARCODER_STOPS, '<file_sep>', '<repo_name>'],
    usesSuffix: true,
    // StarCoder2's repository layout has no line break after the name.
    ...fileSeparatorStyle('<file_sep>', (repoName) => `<repo_name>${repoName}`),
    assemble: contextBeforeFim('<fim_prefix>', '<fim_suffix>', '<fim_middle>'),
  },
  starcoder: {
    name: 'starcoder',
    rereadsSuffix: true,
    stopStrings: [...STARCODER_STOPS, '<filename>'],
    usesSuffix: true,
    ...commentStyle,
    assemble: contextInPrefix('<fim_prefix>', '<fim_suffix>', '<fim_middle>'),
  },
  deepseek: {
    name: 'deepseek',
    rereadsSuffix: true,
    stopStrings: ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', '<｜end▁of▁sentence｜>'],
    usesSuffix: true,
    ...commentStyle,
    assemble: contextInPrefix('<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'),
  },
  codegemma: {
    name: 'codegemma',
    rereadsSuffix: true,
    stopStrings: ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|file_separator|>', '<end_of_turn>', '<eos>'],
    usesSuffix: true,
    ...commentStyle,
    assemble: contextInPrefix('<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'),
  },
  // Codestral is trained suffix-first.
  codestral: {
    name: 'codestral',
    rereadsSuffix: false,
    stopStrings: ['[PREFIX]', '[SUFFIX]', '[MIDDLE]'],
    usesSuffix: true,
    ...commentStyle,
    assemble: (context, prefix, suffix) => `[SUFFIX]${suffix}[PREFIX]${context}${prefix}`,
  },
  plain: {
    name: 'plain',
    rereadsSuffix: false,
    stopStrings: [],
    usesSuffix: false,
    ...commentStyle,
    assemble: (context, prefix) => `${context}${prefix}`,
  },
};

export function isFimFormatName(value: string): value is FimFormatName {
  return (FIM_FORMAT_NAMES as readonly string[]).includes(value);
}

export function getFimFormat(name: FimFormatName): FimFormat {
  return FORMATS[name];
}

/** Every marker token `detectFimFormat` looks for. */
export const FIM_MARKER_TOKENS: readonly string[] = [
  '<｜fim▁begin｜>', '[SUFFIX]', '[PREFIX]', '<|fim_prefix|>', '<|file_separator|>', '<|repo_name|>', '<fim_prefix>', '<file_sep>',
];

/**
 * The marker tokens a tokenizer encodes as one token each. Tokenizers list FIM markers as added
 * tokens, special or not (Qwen2.5-Coder's, CodeGemma's and DeepSeek's are not), so the tokenizer
 * itself is asked: a marker it does not know splits into several pieces.
 */
export function fimTokensOf(encode: (text: string) => readonly number[]): Set<string> {
  return new Set(FIM_MARKER_TOKENS.filter((token) => encode(token).length === 1));
}

/**
 * Recognises the family from the marker tokens its tokenizer knows. Several
 * families share `<|fim_prefix|>`, so the token that only one of them has
 * decides, most specific first.
 */
export function detectFimFormat(fimTokens: ReadonlySet<string>): FimFormatName {
  const has = (token: string) => fimTokens.has(token);
  if (has('<｜fim▁begin｜>')) return 'deepseek';
  if (has('[SUFFIX]') && has('[PREFIX]')) return 'codestral';
  if (has('<|fim_prefix|>')) {
    if (has('<|file_separator|>')) return 'codegemma';
    if (has('<|repo_name|>')) return 'qwen';
    return 'genai-code-tiny';
  }
  if (has('<fim_prefix>')) return has('<file_sep>') ? 'starcoder2' : 'starcoder';
  return 'plain';
}

/** The format to use: the setting when it names one, else (`auto` or unknown) the detected one. */
export function resolveFimFormat(setting: string, fimTokens: ReadonlySet<string>): FimFormat {
  return getFimFormat(isFimFormatName(setting) ? setting : detectFimFormat(fimTokens));
}
