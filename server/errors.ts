// Typed errors with stable machine codes. Services throw them; one plugin maps them to HTTP.

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 428 | 429 | 503

const reasonPhrases: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

export function reasonPhrase(statusCode: number): string {
  return reasonPhrases[statusCode] ?? 'Error'
}

export class AppError extends Error {
  constructor(
    readonly statusCode: ErrorStatus,
    readonly code: string,
    message: string,
    /** Extra machine-readable facts for the client (allowed actions, current version, failing fields …). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) => new AppError(400, code, message, details)
export const unauthorized = (message = 'A valid bearer token is required') => new AppError(401, 'UNAUTHORIZED', message)
export const forbidden = (message: string, code = 'FORBIDDEN') => new AppError(403, code, message)
export const notFound = (what: string, code = 'NOT_FOUND') => new AppError(404, code, `${what} not found`)
export const conflict = (code: string, message: string, details?: Record<string, unknown>) => new AppError(409, code, message, details)
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>) => new AppError(422, code, message, details)
