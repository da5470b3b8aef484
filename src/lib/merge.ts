/**
 * Three-way merge of one project's generated files, as copier and cruft do it: what this
 * generator wrote last time (the baseline), the file as the owner has it now, and what this
 * version renders now. Edits that do not overlap are kept from both sides; overlapping ones are
 * conflicts, which are written only when asked, with git's diff3-style markers.
 * The line merge itself is node-diff3's.
 */
import { diff3Merge } from 'node-diff3';

export interface Labels {
  /** The owner's side (the file as it is). */
  ours: string;
  /** What the recorded version wrote. */
  base: string;
  /** What this version writes. */
  theirs: string;
}

export interface Merged {
  text: string;
  /** Overlapping edits; when > 0, `text` holds them between conflict markers. */
  conflicts: number;
  /** The merge with this version's side taken at every overlap (what --force writes). */
  theirs: string;
}

const lines = (text: string): string[] => text.split('\n');

/** Merges the owner's and this version's changes to `base`, line by line. */
export function merge3(base: string, ours: string, theirs: string, labels: Labels): Merged {
  if (ours === theirs || theirs === base) return { text: ours, conflicts: 0, theirs: ours };
  if (ours === base) return { text: theirs, conflicts: 0, theirs };
  const out: string[] = [];
  const forced: string[] = [];
  let conflicts = 0;
  for (const region of diff3Merge(lines(ours), lines(base), lines(theirs), { excludeFalseConflicts: true }) as Region[]) {
    if (region.ok) {
      out.push(...region.ok);
      forced.push(...region.ok);
      continue;
    }
    conflicts++;
    const { a, o, b } = region.conflict!;
    out.push(`<<<<<<< ${labels.ours}`, ...a, `||||||| ${labels.base}`, ...o, '=======', ...b, `>>>>>>> ${labels.theirs}`);
    forced.push(...b);
  }
  return { text: out.join('\n'), conflicts, theirs: forced.join('\n') };
}

type Region = { ok?: string[]; conflict?: { a: string[]; o: string[]; b: string[] } };

/** What becomes of one file in a re-run or an upgrade. */
export type Outcome =
  | { file: string; action: 'unchanged' }
  | { file: string; action: 'write'; content: string; how: 'create' | 'update' | 'merge' }
  /** theirs: the merge with this version's side of every overlap. */
  | { file: string; action: 'conflict'; markers: string; theirs: string; conflicts: number }
  | { file: string; action: 'delete' }
  /** Generated before, deleted by the owner: stays deleted. */
  | { file: string; action: 'deleted-by-owner' }
  /** No longer generated, but edited by the owner: kept as it is. */
  | { file: string; action: 'kept-edited' };

/**
 * Every file that was or is generated, merged: `baseline` is what the recorded version wrote
 * (undefined: nothing is known, so a file that differs is a conflict), `rendered` what this
 * version writes, `current` reads the project's file (undefined when it does not exist).
 * Files the generator never wrote are never looked at.
 */
export function mergeProject(
  baseline: ReadonlyMap<string, string> | undefined,
  rendered: ReadonlyMap<string, string>,
  current: (file: string) => string | undefined,
  labels: Labels,
): Outcome[] {
  const files = [...rendered.keys(), ...[...(baseline?.keys() ?? [])].filter((f) => !rendered.has(f))];
  return files.map((file): Outcome => {
    const base = baseline?.get(file);
    const next = rendered.get(file);
    const now = current(file);
    if (next === undefined) {
      // No longer generated: removed if the owner never touched it.
      if (now === undefined) return { file, action: 'unchanged' };
      return now === base ? { file, action: 'delete' } : { file, action: 'kept-edited' };
    }
    if (now === undefined) {
      return base === undefined ? { file, action: 'write', content: next, how: 'create' } : { file, action: 'deleted-by-owner' };
    }
    if (now === next) return { file, action: 'unchanged' };
    // A file of the owner's where this version adds one: everything of it is theirs, so all conflicts.
    const merged = merge3(base ?? '', now, next, labels);
    if (merged.conflicts) return { file, action: 'conflict', markers: merged.text, theirs: merged.theirs, conflicts: merged.conflicts };
    if (merged.text === now) return { file, action: 'unchanged' };
    return { file, action: 'write', content: merged.text, how: now === base ? 'update' : 'merge' };
  });
}
