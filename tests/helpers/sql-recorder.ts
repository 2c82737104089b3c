// Records the SQL a Kysely instance sends, by the repository function that sent it: the outermost
// frame of the call stack in server/db/repositories/<name>.repository.ts names the repository, and
// the exported function that encloses its line names the function (callbacks too). Values are bound parameters ($1, $2, …) and stay out of the text.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { type KyselyPlugin, PostgresQueryCompiler, type RootOperationNode } from 'kysely'

export const repositoriesDir = path.join(import.meta.dirname, '..', '..', 'server', 'db', 'repositories')

const repositoryFrame = /\/server\/db\/repositories\/([\w-]+)\.repository\.ts:(\d+):\d+\)?$/

/** Each repository's exported functions by the line they start on (stack lines are source lines). */
const exportsByLine = new Map<string, { line: number; fn: string }[]>()

function exportedFunctionAt(repository: string, line: number): string | undefined {
  let starts = exportsByLine.get(repository)
  if (!starts) {
    const source = readFileSync(path.join(repositoriesDir, `${repository}.repository.ts`), 'utf8').split('\n')
    starts = source.flatMap((text, n) => {
      const match = /^export (?:async )?function (\w+)/.exec(text)
      return match ? [{ line: n + 1, fn: match[1] }] : []
    })
    exportsByLine.set(repository, starts)
  }
  return starts.filter((start) => start.line <= line).at(-1)?.fn
}

/** The outermost repository function on the stack (a repository function may call another). */
function callerOf(stack: string): { repository: string; fn: string } | undefined {
  let found: { repository: string; fn: string } | undefined
  for (const frame of stack.split('\n')) {
    const match = repositoryFrame.exec(frame.trim())
    const fn = match && exportedFunctionAt(match[1], Number(match[2]))
    if (match && fn) found = { repository: match[1], fn }
  }
  return found
}

export class SqlRecorder implements KyselyPlugin {
  /** repository → function → the statements it sent, each once, in the order first sent */
  readonly statements = new Map<string, Map<string, Set<string>>>()
  private readonly compiler = new PostgresQueryCompiler()

  transformQuery(args: { node: RootOperationNode; queryId: { readonly queryId: string } }): RootOperationNode {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 80
    const stack = new Error().stack ?? ''
    Error.stackTraceLimit = limit
    const caller = callerOf(stack)
    if (caller) this.record(caller.repository, caller.fn, this.compiler.compileQuery(args.node, args.queryId).sql)
    return args.node
  }

  async transformResult<T>(args: { result: T }): Promise<T> {
    return args.result
  }

  record(repository: string, fn: string, text: string): void {
    const functions = this.statements.get(repository) ?? new Map<string, Set<string>>()
    this.statements.set(repository, functions)
    const sent = functions.get(fn) ?? new Set<string>()
    functions.set(fn, sent)
    sent.add(
      text
        .split('\n')
        .map((line) => line.trimEnd())
        .join('\n')
        .trim(),
    )
  }

  /** One repository's statements as a file: each function's, functions in alphabetical order. */
  render(repository: string): string {
    const functions = [...(this.statements.get(repository) ?? new Map<string, Set<string>>())].sort(([a], [b]) =>
      a.localeCompare(b),
    )
    return functions.map(([fn, sent]) => `-- ${fn}\n${[...sent].map((s) => `${s};`).join('\n\n')}\n`).join('\n')
  }
}
