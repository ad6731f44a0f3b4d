// Which files are worth indexing, judged from their first bytes.

/** Bytes inspected, as git does: a NUL byte among them means binary. */
export const SNIFF_BYTES = 8000;

export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}
