// The two streaming formats inference servers answer in: server-sent events (`data: {...}` lines, ended
// by `data: [DONE]`: OpenAI-compatible servers and llama.cpp) and newline-delimited JSON (Ollama). Both
// arrive in arbitrary byte chunks, so lines are cut only at newlines.

export type StreamFormat = 'sse' | 'ndjson';

/** The JSON objects of a response body, in order; ends at the body's end or at `[DONE]`. */
export async function* streamEvents(body: AsyncIterable<Uint8Array>, format: StreamFormat): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const event = parseLine(line, format);
      if (event === DONE) return;
      if (event !== undefined) yield event;
    }
  }
  const last = parseLine(pending + decoder.decode(), format);
  if (last !== undefined && last !== DONE) yield last;
}

const DONE = Symbol('done');

function parseLine(raw: string, format: StreamFormat): unknown {
  const line = raw.trim();
  if (line === '') return undefined;
  let json = line;
  if (format === 'sse') {
    // Comments (": ping") and other fields (event:, id:) carry no data.
    if (!line.startsWith('data:')) return undefined;
    json = line.slice(5).trim();
    if (json === '[DONE]') return DONE;
  }
  try {
    return JSON.parse(json);
  } catch {
    throw new SyntaxError(`the server sent a line that is not JSON: ${JSON.stringify(line.slice(0, 120))}`);
  }
}
