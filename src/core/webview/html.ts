// The HTML shell of every webview panel and its Content-Security-Policy. Pure, so the policy can be
// checked in unit tests: nothing loads from the network, and only scripts carrying this load's nonce run.

export interface WebviewShell {
  title: string;
  /** `webview.cspSource`: the scheme/host the webview serves the extension's local resources from. */
  cspSource: string;
  /** Fresh for every load: a script without it does not run. */
  nonce: string;
  /** Webview URIs (already converted with `asWebviewUri`) of style sheets and module scripts. */
  styles: readonly StyleSheet[];
  scripts: readonly string[];
  /** The panel's markup; it must not contain scripts of its own. */
  body: string;
  /** Initial state for the page script, embedded as JSON (read with `readInitialState`). */
  state?: unknown;
}

export interface StyleSheet {
  href: string;
  /** Some libraries find their style sheet by id (vscode-elements: `vscode-codicon-stylesheet`). */
  id?: string;
}

export const INITIAL_STATE_ID = 'genai-initial-state';

/**
 * default-src 'none' blocks everything not listed. Images: the webview's own resources and data: URIs
 * (@vscode-elements' textarea draws its resize grip with one; generated images go on canvases).
 * Styles: extension files plus the nonce (no 'unsafe-inline'). Fonts: the codicon font from the extension.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

const escapeMap: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapeMap[c]);
}

/** JSON that cannot close the <script> element it sits in. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value ?? null).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function webviewHtml(shell: WebviewShell): string {
  const nonce = escapeHtml(shell.nonce);
  const styles = shell.styles.map(
    ({ href, id }) => `  <link rel="stylesheet"${id ? ` id="${escapeHtml(id)}"` : ''} nonce="${nonce}" href="${escapeHtml(href)}">`,
  );
  // Modules: the controls library ships as one; they run in order, after the document is parsed.
  const scripts = shell.scripts.map((src) => `  <script type="module" nonce="${nonce}" src="${escapeHtml(src)}"></script>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '  <meta charset="UTF-8">',
    `  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(shell.cspSource, shell.nonce))}">`,
    '  <meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `  <title>${escapeHtml(shell.title)}</title>`,
    ...styles,
    '</head>',
    '<body>',
    shell.body,
    `  <script nonce="${nonce}" type="application/json" id="${INITIAL_STATE_ID}">${scriptSafeJson(shell.state)}</script>`,
    ...scripts,
    '</body>',
    '</html>',
  ].join('\n');
}
