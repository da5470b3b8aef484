/**
 * Command lines, split into words the way a POSIX shell splits them (shell-quote), but never run
 * through a shell: the image has none, and an exec-form ENTRYPOINT runs the words as they are.
 * Whatever a shell would do beyond splitting and quoting (chaining, pipes, redirects, expansion,
 * globbing, comments) is refused with what to do instead.
 */
import { parse, type ParseEntry } from 'shell-quote';

/** A word of a command line, or a shell construct that is not a plain word. */
export type Token = { word: string } | { shell: string };

// shell-quote expands $NAME with this callback; the marker shows where an expansion was.
const EXPANSION = '\u0000';

/**
 * The tokens of a command line: words (quotes removed), and each operator, glob, comment,
 * variable expansion or command substitution as a `shell` token naming it.
 */
export function tokenize(line: string): Token[] {
  const open = unclosedQuote(line);
  if (open) return [{ shell: open }];
  const entries: ParseEntry[] = parse(line, (name: string) => `${EXPANSION}${name}${EXPANSION}`);
  const tokens: Token[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (typeof entry === 'string') {
      if (entry.includes(EXPANSION)) {
        const name = entry.split(EXPANSION)[1];
        const next = entries[i + 1];
        // "$(" arrives as an empty expansion followed by "(".
        const substitution = name === '' && typeof next === 'object' && 'op' in next && next.op === '(';
        tokens.push({ shell: substitution ? '$(...)' : `$${name}` });
        if (substitution) i++;
      } else if (entry.includes('`')) tokens.push({ shell: '`...`' });
      else tokens.push({ word: entry });
    } else if ('comment' in entry) {
      tokens.push({ shell: '#' });
    } else if (entry.op === 'glob') {
      tokens.push({ shell: entry.pattern });
    } else {
      tokens.push({ shell: entry.op });
    }
  }
  return tokens;
}

/** The quote a shell would still be waiting to close (shell-quote accepts the line as if closed). */
function unclosedQuote(line: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === '\\') {
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    }
  }
  return quote;
}

/** Why a shell construct cannot be in a start command, and what to do instead. */
export function shellRefusal(construct: string): string {
  if (['&&', '||', ';', '&', ';;'].includes(construct)) {
    return `'${construct}' chains commands, and the image has no shell: give only the command that starts the app, and run other steps (e.g. migrations) as their own command, e.g. docker run --entrypoint /opt/venv/bin/python IMAGE manage.py migrate`;
  }
  if (construct === '|' || construct === '|&') return `'${construct}' is a pipe, and the image has no shell: give one command; it logs to stdout`;
  if (/^[<>]|^\d*[<>]/.test(construct)) return `'${construct}' is a redirect, and the image has no shell: drop it; the app's output goes to the container's log`;
  if (construct === '$(...)' || construct === '`...`') return `'${construct}' is a command substitution, and the image has no shell: give the value itself`;
  if (construct.startsWith('$')) return `'${construct}' is a variable, and no shell expands it: give the value (the port with --port)`;
  if (construct === "'" || construct === '"') return `a ${construct} quote is not closed: close it, or quote the word differently`;
  if (construct === '#') return "'#' starts a shell comment: remove it, or quote the word that holds it";
  if (construct === '(' || construct === ')') return `'${construct}' groups shell commands, and the image has no shell: give one command`;
  return `'${construct}' is shell syntax, and the image has no shell: give plain words, quoted where they hold spaces`;
}

/** The words of a command line; throws with shellRefusal's text at the first shell construct. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  for (const token of tokenize(line)) {
    if ('shell' in token) throw new Error(shellRefusal(token.shell));
    words.push(token.word);
  }
  return words;
}

/** A command line that splits back into the same words (for prompts, README and messages). */
export function joinCommand(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)).join(' ');
}
