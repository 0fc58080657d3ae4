import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

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
const buildValidator: BuildValidator = (externalSchemas) => {
  const lenient = pool(externalSchemas, { customOptions: AJV_OPTIONS });
  const strict = pool(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: false } });
  return (route) => (route.httpPart === 'body' ? strict : lenient)(route);
};

export const schemaController: SchemaController = { compilersFactory: { buildValidator } };
