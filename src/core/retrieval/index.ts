export * from './answerDocument';
export * from './askPrompt';
export * from './chunker';
export * from './fileKind';
export * from './passage';
export * from './terms';
