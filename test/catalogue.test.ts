/**
 * The runtime catalogue: every offered version has a target whose build stage and runtime agree,
 * nothing removed is used, the end-of-life warnings follow the calendar, and the README shows
 * the catalogue as it is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAMILIES, PYTHON_VERSIONS, TARGETS, catalogueTable, findTarget, supportStatus } from '../lib/catalogue.js';
import { checkCombination, defaultPython, pythonWarning } from '../lib/questions.js';
import { ROOT } from './helpers.js';

describe('catalogue', () => {
  it('distroless offers every version; Debian 13 Python for 3.13, a standalone CPython on cc-debian13 for the rest', () => {
    for (const { version } of PYTHON_VERSIONS) {
      const t = findTarget('distroless', version)!;
      expect(t, version).toBeDefined();
      if (version === '3.13') {
        expect([t.strategy, t.runtime.image]).toEqual(['debian', 'gcr.io/distroless/python3-debian13']);
      } else {
        expect([t.strategy, t.runtime.image, t.builder.image]).toEqual(['standalone', 'gcr.io/distroless/cc-debian13', 'debian:trixie-slim']);
        expect(t.uv?.image).toMatch(/^ghcr\.io\/astral-sh\/uv:\d+\.\d+\.\d+$/);
      }
    }
  });

  it('chainguard offers only the version its free latest tag carries', () => {
    const chainguard = FAMILIES.find((f) => f.name === 'chainguard')!;
    expect(Object.keys(chainguard.targets)).toEqual(['3.14']);
    expect(defaultPython('chainguard')).toBe('3.14');
    expect(defaultPython('distroless')).toBe('3.13');
    expect(() => checkCombination({ runtime: 'chainguard', python: '3.12' })).toThrow(/3\.12 is not offered with --runtime chainguard/);
  });

  it.each(TARGETS.map((t) => [`${t.family} ${t.version}`, t] as const))('%s: no removed image, same venv path, site-packages of its version', (_label, t) => {
    expect(JSON.stringify(t)).not.toContain('python3-debian12');
    expect(t.runtime.python).toMatch(new RegExp(`python(${t.version.replace('.', '\\.')})?$`));
    expect(t.nonrootUser).toBe('65532:65532');
    expect(Object.values(t.runtime.tags).every((tag) => tag.length > 0)).toBe(true);
  });

  it('support status follows the calendar: past, in the last year, or supported', () => {
    const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
    expect(supportStatus('3.10', day('2026-11-28')).status).toBe('end of life');
    expect(supportStatus('3.10', day('2026-10-15')).status).toBe('near end of life');
    expect(supportStatus('3.10', day('2025-11-01')).status).toBe('near end of life');
    expect(supportStatus('3.10', day('2025-10-01')).status).toBe('supported');
    expect(supportStatus('3.11', day('2026-11-28')).status).toBe('near end of life');
    expect(supportStatus('3.13', day('2026-11-28')).status).toBe('supported');
    expect(pythonWarning('3.10', day('2026-11-28'))).toBe('Python 3.10 reached its end of life in 2026-10: it gets no more security fixes');
    expect(pythonWarning('3.11', day('2026-11-28'))).toBe('Python 3.11 reaches its end of life in 2027-10: plan the upgrade');
    expect(pythonWarning('3.14', day('2026-11-28'))).toBeUndefined();
  });

  it("this repository's README shows the catalogue as it is", () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(`${catalogueTable()}\n`);
  });
});
