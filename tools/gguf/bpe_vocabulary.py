"""The byte-level BPE vocabulary both GGUF writers store: llama.cpp's `gpt2` tokenizer model with the
pre-tokenizer named `pre`, the tokens by id with their types, and the merges from tokenizer.json (which
stores them as "a b" strings or as [a, b] pairs)."""


def add_bpe_vocabulary(w, pre, tokens, types, tokenizer):
    w.add_tokenizer_model('gpt2')
    w.add_tokenizer_pre(pre)
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges([m if isinstance(m, str) else ' '.join(m) for m in tokenizer['model']['merges']])


def finish(w):
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
