// genai-studio complete: the inline suggestion at a line and column of a file.
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { EngineProcess } from '../../client/engineProcess';
import { DEFAULTS } from '../../defaults';
import { modelOf, numberOption, UsageError, type Values } from '../options';

export async function completeCommand(engine: EngineProcess, values: Values): Promise<number> {
  if (!values.file || values.line === undefined || values.col === undefined) throw new UsageError('complete needs --file, --line and --col.');
  const file = resolve(values.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const offset = offsetOf(text, numberOption(values, 'line', 1), numberOption(values, 'col', 1));
  const result = await engine.complete({
    model: modelOf(values, DEFAULTS.model),
    filePath: file,
    languageId: languageOf(file),
    prefix: text.slice(0, offset),
    suffix: text.slice(offset),
    maxTokens: numberOption(values, 'max-tokens', 64),
  });
  process.stdout.write(`${result.text}\n`);
  if (values.verbose) {
    process.stderr.write(
      `[${result.device}] ${result.fimFormat} ${result.shape}-line, ${result.promptTokens} prompt tokens (${result.reusedPromptTokens} reused), ${result.generatedTokens} generated, ${result.totalMs.toFixed(0)} ms; raw: ${JSON.stringify(result.raw)}\n`,
    );
  }
  return 0;
}

/** 1-based line and column to a string offset; out-of-range positions are a usage error. */
function offsetOf(text: string, line: number, col: number): number {
  const lines = text.split('\n');
  if (!Number.isInteger(line) || line < 1 || line > lines.length) throw new UsageError(`--line must be from 1 to ${lines.length}; got ${line}.`);
  if (!Number.isInteger(col) || col < 1 || col > lines[line - 1].length + 1) throw new UsageError(`--col must be from 1 to ${lines[line - 1].length + 1} on line ${line}; got ${col}.`);
  return lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + col - 1;
}

const LANGUAGES: Record<string, string> = {
  '.ts': 'typescript', '.tsx': 'typescriptreact', '.js': 'javascript', '.jsx': 'javascriptreact', '.mjs': 'javascript', '.cjs': 'javascript',
  '.py': 'python', '.go': 'go', '.rs': 'rust', '.json': 'json', '.md': 'markdown', '.java': 'java', '.c': 'c', '.h': 'c', '.cpp': 'cpp', '.cs': 'csharp', '.rb': 'ruby', '.sh': 'shellscript',
};

function languageOf(file: string): string {
  return LANGUAGES[extname(file).toLowerCase()] ?? 'plaintext';
}
