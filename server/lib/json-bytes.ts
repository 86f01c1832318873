import fastJson from 'fast-json-stringify'
import type { TSchema } from 'typebox'

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/**
 * A value's JSON as UTF-8 bytes, written by the serializer compiled from its response schema (as Fastify would)
 * and, for a frozen value, kept with it: a service hands out the same frozen view again while nothing it shows
 * has changed, and writing ~1 KB of Chinese text per item, then encoding it, was most of what a list cost.
 * Sending bytes also spares Fastify measuring a string and Node encoding it.
 */
export function createJsonBytes(schema: TSchema): (value: object) => Buffer {
  const serialize = fastJson(schema as Parameters<typeof fastJson>[0])
  const kept = new WeakMap<object, Buffer>()
  return (value) => {
    let bytes = kept.get(value)
    if (bytes === undefined) {
      const json = serialize(value)
      if (!Object.isFrozen(value)) return Buffer.from(json)
      // Its own memory, not a slice of Node's shared 8 KB pool: a kept slice would keep its whole slab alive.
      bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json))
      bytes.write(json)
      kept.set(value, bytes)
    }
    return bytes
  }
}

const COMMA = Buffer.from(',')

/** `open` + the elements' JSON separated by commas + `close`, as one buffer: a JSON array inside its envelope. */
export function joinJsonBytes(open: string, elements: readonly Buffer[], close: string): Buffer {
  const parts: Buffer[] = [Buffer.from(open)]
  for (const [i, element] of elements.entries()) {
    if (i > 0) parts.push(COMMA)
    parts.push(element)
  }
  parts.push(Buffer.from(close))
  return Buffer.concat(parts)
}
