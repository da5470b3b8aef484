/**
 * An existing project's .dockerignore, merged with distroless-python's rules
 * (templates/dockerignore-existing.ejs) rather than replaced.
 *
 * In a .dockerignore the last line that matches a path decides, and `!` re-includes. So ours go
 * after the project's, in one block between a start and an end comment line, at the end:
 * - every line of theirs is kept, byte for byte and in its order (a missing final newline is added);
 * - ours only exclude, so they never let in a path theirs keep out;
 * - theirs come first, so no `!rule` of theirs lets in what ours keep out: the build files, and
 *   the always-excluded secrets and local environments (`.env`, `.env.*`, `*.pem`, `.git`, `.venv`).
 * A re-run replaces that block, and only it: the text outside it is theirs, and stays as it is,
 * except that the block goes back to the end, where it must be to win.
 */

/** The first line of our block; found again by its start (`# >>> distroless-python`). */
export const BLOCK_START = '# >>> distroless-python: the rules down to the end line win over any above; a re-run replaces only this block';
/** The last line of our block. */
export const BLOCK_END = '# <<< distroless-python';

const isStart = (line: string): boolean => stripEol(line).startsWith('# >>> distroless-python');
const isEnd = (line: string): boolean => stripEol(line).startsWith(BLOCK_END);
const stripEol = (line: string): string => line.replace(/\r?\n$/, '');

/** The lines of a text, each with its own line ending (the last may have none). */
const linesOf = (text: string): string[] => text.split(/(?<=\n)/).filter((line) => line !== '');

/**
 * The project's own part of a .dockerignore: the text without any block of ours. A block is an
 * end line with the nearest start line before it; a start line with no end line after it is
 * left alone, so no line of theirs is ever dropped.
 */
export function theirRules(text: string): string {
  const kept: string[] = [];
  let open = -1;
  for (const line of linesOf(text)) {
    if (isStart(line)) open = kept.length;
    if (isEnd(line) && open >= 0) {
      kept.length = open;
      open = -1;
    } else {
      kept.push(line);
    }
  }
  return kept.join('');
}

/**
 * The .dockerignore to write: `existing` (the project's file, if it has one) with any earlier
 * block of ours taken out, then our rules in a fresh block, in the file's line endings.
 * `ours` must only exclude: a `!` line could re-include what the project keeps out.
 */
export function mergeDockerignore(existing: string | undefined, ours: string): string {
  const rules = ours.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const reincluding = rules.find((line) => line.trim().startsWith('!'));
  if (reincluding !== undefined) throw new Error(`distroless-python's .dockerignore rules only exclude; '${reincluding}' would re-include`);
  const eol = existing?.includes('\r\n') ? '\r\n' : '\n';
  const block = [BLOCK_START, ...rules, BLOCK_END].map((line) => line + eol).join('');
  const theirs = existing === undefined ? '' : theirRules(existing);
  return theirs === '' || theirs.endsWith('\n') ? theirs + block : theirs + eol + block;
}
