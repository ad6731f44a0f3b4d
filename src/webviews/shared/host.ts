// The page side of a webview's channel to the extension: typed posting, typed receiving, and the
// initial state the extension embedded in the HTML shell.
import { INITIAL_STATE_ID } from '../../core/webview/html';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface Host<Out, In> {
  post(message: Out): void;
  onMessage(handler: (message: In) => void): void;
  initialState<T>(): T;
}

export function connectToHost<Out, In>(): Host<Out, In> {
  // acquireVsCodeApi may be called once per page load.
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    // Only the extension posts into a webview; messages are its typed replies.
    onMessage: (handler) => window.addEventListener('message', (event: MessageEvent<In>) => handler(event.data)),
    initialState: <T>() => JSON.parse(document.getElementById(INITIAL_STATE_ID)?.textContent ?? 'null') as T,
  };
}

/** The element with this id, typed; a missing one is a bug in the panel's markup. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The panel has no element #${id}`);
  return element as T;
}
