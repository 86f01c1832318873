import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/** Every project file a file imports: static, type-only, re-exports and dynamic imports alike. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  return importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name))
}

/** The cycles of the import graph, each once, as project-relative paths (Tarjan's strongly connected components). */
function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((target) => target !== f)]))
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  let next = 0
  const visit = (node: string) => {
    index.set(node, next)
    low.set(node, next)
    next++
    stack.push(node)
    onStack.add(node)
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue
      if (!index.has(target)) {
        visit(target)
        low.set(node, Math.min(low.get(node)!, low.get(target)!))
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!))
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(relative(root, member))
      } while (member !== node)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file)
  return found
}

describe('imports', () => {
  it('form no cycle in server/, db/ and scripts/, type-only imports included', () => {
    const files = ['server', 'db', 'scripts'].flatMap((dir) => sourceFiles(join(root, dir)))
    expect(files.length).toBeGreaterThan(50)
    expect(cycles(files)).toEqual([])
  })

  it('keep the items repository behind the items service: only it and the composition root import it', () => {
    const files = ['server', 'db', 'scripts'].flatMap((dir) => sourceFiles(join(root, dir)))
    const repo = join(root, 'server/modules/items/items.repo.ts')
    const importers = files.filter((f) => importsOf(f).includes(repo)).map((f) => relative(root, f))
    expect(importers.sort()).toEqual(['server/modules/items/items.service.ts', 'server/services.ts'])
  })
})
