const ort = require('onnxruntime-node');
(async () => {
  const m = '/work/main/models/genai-code-tiny/onnx/' + (process.argv[2] || 'model.onnx');
  for (const opts of [{}, { intraOpNumThreads: 1 }, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' }, { intraOpNumThreads: 2 }]) {
    const s = await ort.InferenceSession.create(m, opts);
    const H = 6, D = 32;
    for (const pastLen of [16, 256, 480]) {
      const feeds = (ids, p) => ({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]), attention_mask: new ort.Tensor('int64', new BigInt64Array(p + ids.length).fill(1n), [1, p + ids.length]), position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(p + i)), [1, ids.length]) });
      const past = {}; for (let i = 0; i < 4; i++) for (const kv of ['key', 'value']) past[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(H * pastLen * D).fill(0.01), [1, H, pastLen, D]);
      const times = [];
      for (let r = 0; r < 60; r++) { const t = performance.now(); await s.run({ ...feeds([5], pastLen), ...past }); times.push(performance.now() - t); }
      times.sort((a, b) => a - b);
      const t7 = []; for (let r = 0; r < 30; r++) { const t = performance.now(); await s.run({ ...feeds([5,6,7,8,9,10,11], pastLen), ...past }); t7.push(performance.now() - t); }
      t7.sort((a, b) => a - b);
      console.log(JSON.stringify(opts), 'past', pastLen, '1 tok p50', times[30].toFixed(3), ' 7 tok p50', t7[15].toFixed(3));
    }
    await s.release();
  }
})();
