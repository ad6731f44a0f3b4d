// A typed event, shaped as vscode-jsonrpc's Emitter/Event (the client's listeners are disposables),
// so that the client can be created when the extension activates without loading vscode-jsonrpc.

export type Event<T> = (listener: (value: T) => unknown) => { dispose(): void };

export class Signal<T> {
  private readonly listeners = new Set<(value: T) => unknown>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
