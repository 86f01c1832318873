import { Type, type TSchema } from 'typebox'

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

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const UnitRef = Type.Object({ id: Type.Integer(), name: Type.String() })
