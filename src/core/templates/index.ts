export * from './builtins';
export * from './promptTemplate';
