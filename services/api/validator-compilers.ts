import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';
import { isStrictDateTime } from './hardening/strict-date-time.ts';

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;
type BuildValidator = NonNullable<NonNullable<SchemaController['compilersFactory']>['buildValidator']>;

/** Over @fastify/ajv-compiler's defaults: an unknown property is an error to report, not one to drop silently. */
const AJV_OPTIONS = { coerceTypes: 'array', removeAdditional: false, allErrors: false } as const;
const pool = AjvCompiler();

/**
 * Query strings and path parameters arrive as text, so Ajv converts them to the types their
 * schemas say (`?limit=5`). A JSON body carries its own types, and converting there hides
 * mistakes: a note of 5 would be stored as "5". So bodies get an Ajv that does not coerce,
 * and a wrongly typed field is a 400 naming it, as any other invalid field.
 */
// After ajv-formats: a date-time must be a real instant with an offset that exists (hardening/strict-date-time.ts).
const onCreate = (ajv: { addFormat(name: string, format: { type: 'string'; validate: (s: string) => boolean }): unknown }) =>
  void ajv.addFormat('date-time', { type: 'string', validate: isStrictDateTime });

const buildValidator: BuildValidator = (externalSchemas) => {
  const lenient = pool(externalSchemas, { customOptions: AJV_OPTIONS, onCreate });
  const strict = pool(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: false }, onCreate });
  return (route) => (route.httpPart === 'body' ? strict : lenient)(route);
};

export const schemaController: SchemaController = { compilersFactory: { buildValidator } };
