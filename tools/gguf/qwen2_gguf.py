"""Writes test/fixtures/qwen2-tiny (tools/real-arch) as a GGUF file with the real Qwen tokenizer, so a
real llama.cpp server runs the Qwen2 architecture (grouped-query attention, rotary positions, q/k/v
biases, tied embeddings, the 151,936-token vocabulary) with Qwen's FIM tokens, beside the engine.

The weights are rebuilt from the seed in reference.json (tools/real-arch/decoder.py: build), and the
rebuilt model's greedy tokens are checked against the reference before anything is written. llama.cpp
runs Qwen2 with NeoX-style rotary embeddings, which is what the modelling code computes, so q and k are
written as they are (Llama's layout would need them permuted).

usage: python3 qwen2_gguf.py FIXTURE_DIR TOKENIZER_JSON OUT.gguf   (PYTHONPATH must hold Debian unstable's gguf)
"""
import json
import os
import sys

import gguf
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'real-arch'))
import decoder  # noqa: E402
from bpe_vocabulary import add_bpe_vocabulary, finish  # noqa: E402


def main(fixture, tokenizer_path, out_path):
    config = json.load(open(os.path.join(fixture, 'config.json')))
    reference = json.load(open(os.path.join(fixture, 'reference.json')))
    model = decoder.build('qwen2', reference['seed'])
    tokens, _ = decoder.greedy(model, reference['prompt_ids'], len(reference['greedy_ids']), decoder.ARCHITECTURES['qwen2'])
    assert tokens == reference['greedy_ids'], 'the rebuilt model is not the fixture'
    state = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}

    w = gguf.GGUFWriter(out_path, 'qwen2')
    w.add_name('qwen2-tiny')
    w.add_context_length(config['max_position_embeddings'])
    w.add_embedding_length(config['hidden_size'])
    w.add_feed_forward_length(config['intermediate_size'])
    w.add_block_count(config['num_hidden_layers'])
    w.add_head_count(config['num_attention_heads'])
    w.add_head_count_kv(config['num_key_value_heads'])
    w.add_rope_freq_base(config['rope_theta'])
    w.add_layer_norm_rms_eps(config['rms_norm_eps'])
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tensor('token_embd.weight', state['embed_tokens.weight'])
    for i in range(config['num_hidden_layers']):
        p = f'layers.{i}.'
        names = {
            'attn_norm.weight': 'input_layernorm.weight', 'ffn_norm.weight': 'post_attention_layernorm.weight',
            'attn_q.weight': 'self_attn.q_proj.weight', 'attn_q.bias': 'self_attn.q_proj.bias',
            'attn_k.weight': 'self_attn.k_proj.weight', 'attn_k.bias': 'self_attn.k_proj.bias',
            'attn_v.weight': 'self_attn.v_proj.weight', 'attn_v.bias': 'self_attn.v_proj.bias',
            'attn_output.weight': 'self_attn.o_proj.weight',
            'ffn_gate.weight': 'gate_proj.weight', 'ffn_up.weight': 'up_proj.weight', 'ffn_down.weight': 'down_proj.weight',
        }
        for gguf_name, torch_name in names.items():
            w.add_tensor(f'blk.{i}.{gguf_name}', state[p + torch_name])
    w.add_tensor('output_norm.weight', state['norm.weight'])
    write_tokenizer(w, json.load(open(tokenizer_path)), config)
    finish(w)


def write_tokenizer(w, tokenizer, config):
    size = config['vocab_size']
    tokens = [f'[PAD{i}]' for i in range(size)]
    types = [gguf.TokenType.UNUSED] * size
    for text, i in tokenizer['model']['vocab'].items():
        tokens[i], types[i] = text, gguf.TokenType.NORMAL
    for added in tokenizer['added_tokens']:
        # Qwen's FIM and repository tokens are added but not special: llama.cpp finds them by their text.
        tokens[added['id']] = added['content']
        types[added['id']] = gguf.TokenType.CONTROL if added['special'] else gguf.TokenType.USER_DEFINED
    add_bpe_vocabulary(w, 'qwen2', tokens, types, tokenizer)
    w.add_eos_token_id(config['eos_token_id'])
    w.add_bos_token_id(config['bos_token_id'])
    w.add_add_bos_token(False)


if __name__ == '__main__':
    main(*sys.argv[1:])
