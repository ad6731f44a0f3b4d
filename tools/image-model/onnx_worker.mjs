// Runs ONNX models for the Python tooling, which has no onnxruntime on Debian: one JSON request per
// stdin line, {model, feeds: {name: {type, dims, data}}}, answered by one JSON line with every output
// as {dims, data}. Sessions are cached per model file.
import * as ort from 'onnxruntime-node';
import * as readline from 'node:readline';

const sessions = new Map();
const arrays = { int64: (d) => BigInt64Array.from(d.map(BigInt)), float32: (d) => Float32Array.from(d) };

async function run({ model, feeds }) {
  if (!sessions.has(model)) sessions.set(model, await ort.InferenceSession.create(model, { intraOpNumThreads: 1 }));
  const session = sessions.get(model);
  const inputs = {};
  for (const [name, { type, dims, data }] of Object.entries(feeds)) inputs[name] = new ort.Tensor(type, arrays[type](data), dims);
  const outputs = await session.run(inputs);
  const result = {};
  for (const [name, t] of Object.entries(outputs)) result[name] = { dims: t.dims, data: Array.from(t.data, Number) };
  return { outputs: result, inputNames: session.inputNames };
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  try {
    process.stdout.write(JSON.stringify(await run(JSON.parse(line))) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e) }) + '\n');
  }
}
