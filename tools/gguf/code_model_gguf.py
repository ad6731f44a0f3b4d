"""Writes the shipped code model (models/genai-code-tiny) as a GGUF file for llama.cpp's server, so the
same weights run in the engine and behind a real inference server (tests and bench:remote).

Weights come from the ONNX graph the engine loads: the four MatMul weights of each block in graph order
(qkv, proj, fc, out), stored [in, out] as ONNX multiplies; GGUF wants PyTorch's [out, in]. The output
projection is tied to the token embedding, so it is not written (llama.cpp reuses token_embd).

usage: python3 code_model_gguf.py MODEL_DIR OUT.gguf   (PYTHONPATH must hold Debian unstable's gguf)
"""
import json
import sys

import gguf
import numpy as np
from bpe_vocabulary import add_bpe_vocabulary, finish
import onnx
from onnx import numpy_helper


def main(model_dir, out_path):
    config = json.load(open(f'{model_dir}/config.json'))
    graph = onnx.load(f'{model_dir}/onnx/model.onnx', load_external_data=True).graph
    named = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    matmuls = [numpy_helper.to_array(t) for t in graph.initializer if t.name.startswith('onnx::MatMul')]
    layers, width = config['n_layer'], config['n_embd']
    assert len(matmuls) == 4 * layers + 1, f'expected 4 MatMul weights per block and the head, got {len(matmuls)}'

    w = gguf.GGUFWriter(out_path, 'gpt2')
    w.add_name('genai-code-tiny')
    w.add_context_length(config['n_positions'])
    w.add_embedding_length(width)
    w.add_feed_forward_length(4 * width)
    w.add_block_count(layers)
    w.add_head_count(config['n_head'])
    w.add_layer_norm_eps(1e-5)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)

    w.add_tensor('token_embd.weight', named['gpt.wte.weight'])
    w.add_tensor('position_embd.weight', named['gpt.wpe.weight'])
    for i in range(layers):
        p = f'gpt.blocks.{i}.'
        qkv, proj, fc, out = matmuls[4 * i:4 * i + 4]
        for name, array in [
            ('attn_norm.weight', named[p + 'ln1.weight']), ('attn_norm.bias', named[p + 'ln1.bias']),
            ('attn_qkv.weight', qkv.T), ('attn_qkv.bias', named[p + 'qkv.bias']),
            ('attn_output.weight', proj.T), ('attn_output.bias', named[p + 'proj.bias']),
            ('ffn_norm.weight', named[p + 'ln2.weight']), ('ffn_norm.bias', named[p + 'ln2.bias']),
            ('ffn_up.weight', fc.T), ('ffn_up.bias', named[p + 'fc.bias']),
            ('ffn_down.weight', out.T), ('ffn_down.bias', named[p + 'out.bias']),
        ]:
            w.add_tensor(f'blk.{i}.{name}', np.ascontiguousarray(array, dtype=np.float32))
    w.add_tensor('output_norm.weight', named['gpt.ln.weight'])
    w.add_tensor('output_norm.bias', named['gpt.ln.bias'])

    write_tokenizer(w, json.load(open(f'{model_dir}/tokenizer.json')), config)
    finish(w)


def write_tokenizer(w, tokenizer, config):
    vocab = dict(tokenizer['model']['vocab'])
    added = {t['content']: t['id'] for t in tokenizer['added_tokens']}
    vocab.update(added)
    size = config['vocab_size']
    tokens = [''] * size
    for text, i in vocab.items():
        tokens[i] = text
    assert all(tokens), 'every id up to vocab_size has a token'
    types = [gguf.TokenType.CONTROL if t in added else gguf.TokenType.NORMAL for t in tokens]
    add_bpe_vocabulary(w, 'gpt-2', tokens, types, tokenizer)
    w.add_bos_token_id(config['bos_token_id'])
    w.add_eos_token_id(config['eos_token_id'])
    w.add_pad_token_id(config['pad_token_id'])
    w.add_add_bos_token(False)
    w.add_uint32(gguf.Keys.Tokenizer.FIM_PRE_ID, added['<|fim_prefix|>'])
    w.add_uint32(gguf.Keys.Tokenizer.FIM_SUF_ID, added['<|fim_suffix|>'])
    w.add_uint32(gguf.Keys.Tokenizer.FIM_MID_ID, added['<|fim_middle|>'])
    w.add_uint32(gguf.Keys.Tokenizer.FIM_SEP_ID, added['<|file_sep|>'])


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
