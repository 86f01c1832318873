import { Type, type Static, type TSchema, type TUnsafe } from 'typebox'

// Shapes shared by many routes. Request bodies are closed (`additionalProperties: false`), so a typo is a 400.

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'Stable machine code, e.g. VALIDATION_FAILED, VERSION_CONFLICT' }),
    error: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { $id: 'ErrorResponse', title: 'Error' },
)

/** The error responses a route can give, all in the one error shape. */
export function errorResponses(...codes: number[]): Record<number, TSchema> {
  return Object.fromEntries([400, 401, ...codes].map((c) => [c, Type.Ref('ErrorResponse')]))
}

export const IdParam = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })

export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', description: 'YYYY-MM-DD' })
export const PeriodString = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' })
export const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 instant' })

/** A non-empty line of text, trimmed by the service; bounded so no field can swallow the database. */
export const Text = (maxLength: number, options: { minLength?: number; description?: string } = {}) =>
  Type.String({ minLength: options.minLength ?? 1, maxLength, ...(options.description ? { description: options.description } : {}) })

/**
 * The schema or null. One with a single type is spelled as OpenAPI 3.0 spells it (`nullable: true`): the document
 * at /docs/json stays valid 3.0 (which has no null type), and the response serializer writes such a field directly
 * instead of validating the value against each branch of a union to pick one.
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const { type } = schema as { type?: unknown }
  if (typeof type === 'string' && type !== 'null' && !('enum' in schema) && !('const' in schema)) {
    return Type.Unsafe<Static<T> | null>({ ...schema, nullable: true })
  }
  return Type.Unsafe<Static<T> | null>(Type.Union([schema, Type.Null()]))
}

export const UnitRef = Type.Object({ id: Type.Integer(), name: Type.String() })
