import { inArray, sql, type Column, type SQL } from 'drizzle-orm'

/**
 * `column IN` the values of a JSON array bound as the prepared statement's `placeholder` (pass `JSON.stringify(ids)`).
 * One statement text and one parameter however many values: no list, however long, meets SQLite's limit on
 * parameters, and a statement prepared once serves every length.
 */
export function inJsonArray(column: Column, placeholder: string): SQL {
  return inArray(column, sql`(SELECT value FROM json_each(${sql.placeholder(placeholder)}))`)
}
