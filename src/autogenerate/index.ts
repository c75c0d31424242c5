export { describeDatabase } from './describe';
export { compareSchemas } from './compare';
export { storedType, sameStoredType } from './stored-type';
export type { RenderedRevision } from './render';
export { renderRevisionBody } from './render';
