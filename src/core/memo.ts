/**
 * Memoizes a string function with a bounded, least-recently-used table. Completion prompts
 * count the same suffix and snippet texts keystroke after keystroke.
 */
export function memoizeLru<T>(fn: (key: string) => T, capacity: number): (key: string) => T {
  const table = new Map<string, T>();
  return (key) => {
    const hit = table.get(key);
    if (hit !== undefined) {
      table.delete(key);
      table.set(key, hit);
      return hit;
    }
    const value = fn(key);
    table.set(key, value);
    if (table.size > capacity) table.delete(table.keys().next().value as string);
    return value;
  };
}
