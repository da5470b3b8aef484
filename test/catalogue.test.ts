/**
 * The runtime catalogue: every offered version has a target whose build stage and runtime agree,
 * nothing removed is used, the end-of-life warnings follow the calendar, and the README shows
 * the catalogue as it is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKED, FAMILIES, OFFERED_VERSIONS, PYTHON_VERSIONS, TARGETS, UV, catalogueTable, findFamily, findTarget, supportStatus, uvRelease } from '../lib/catalogue.js';
import { checkCombination, defaultPython, pythonWarning } from '../lib/questions.js';
import { ROOT } from './helpers.js';

describe('catalogue', () => {
  it('distroless offers Debian 13 Python for 3.13, and a standalone CPython on cc-debian13 for every version the pinned uv has a release of', () => {
    for (const { version } of PYTHON_VERSIONS) {
      const t = findTarget('distroless', version);
      if (version === '3.13') {
        expect([t?.strategy, t?.runtime.image]).toEqual(['debian', 'gcr.io/distroless/python3-debian13']);
      } else if (uvRelease(version)) {
        expect([t?.strategy, t?.runtime.image, t?.builder.image]).toEqual(['standalone', 'gcr.io/distroless/cc-debian13', 'debian:trixie-slim']);
        expect(t?.uv?.image).toBe(`ghcr.io/astral-sh/uv:${UV.version}`);
      } else {
        expect(t, version).toBeUndefined();
      }
    }
    // uv 0.12.5 has only 3.15.0rc1: `uv python install 3.15` would build a release candidate.
    expect(uvRelease('3.15')).toBeUndefined();
    expect(OFFERED_VERSIONS).toEqual(['3.10', '3.11', '3.12', '3.13', '3.14']);
    expect(() => checkCombination({ python: '3.15' })).toThrow(
      '--python: 3.15 is not offered with --runtime distroless: distroless has no 3.15, and the pinned uv 0.12.5 (2026-08-14) has only 3.15.0rc1, a pre-release: 3.15 is offered once the pin moves to a uv with a 3.15 release (offered: 3.10, 3.11, 3.12, 3.13, 3.14)',
    );
  });

  it('chainguard offers only the version its free latest tag carries', () => {
    const chainguard = FAMILIES.find((f) => f.name === 'chainguard')!;
    expect(Object.keys(chainguard.targets)).toEqual(['3.14']);
    expect(defaultPython('chainguard')).toBe('3.14');
    expect(defaultPython('distroless')).toBe('3.13');
    expect(() => checkCombination({ runtime: 'chainguard', python: '3.12' })).toThrow(
      "--python: 3.12 is not offered with --runtime chainguard: Chainguard's free tier publishes only 'latest', which ran Python 3.14 when last checked (offered: 3.14)",
    );
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

  it('a known version no family offers is a row of the table, saying why', () => {
    expect(catalogueTable()).toContain(
      '| 3.15 | not offered | | | distroless has no 3.15, and the pinned uv 0.12.5 (2026-08-14) has only 3.15.0rc1, a pre-release: 3.15 is offered once the pin moves to a uv with a 3.15 release | bugfix releases; end of life 2031-10 |',
    );
  });

  it("this repository's README shows the catalogue as it is", () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(`${catalogueTable()}\n`);
  });
});

/**
 * Drift the catalogue shows without a network: statuses its own dates contradict, a support phase
 * or a release its dates foresee that has come since it was checked, a version past its end of
 * life without the warning, and offered versions the stand-ins and the README do not match.
 */
describe('catalogue drift', () => {
  const month = (iso: string): string => iso.slice(0, 7);
  const addMonths = (ym: string, n: number): string => {
    const [y, m] = ym.split('-').map(Number);
    const total = y * 12 + (m - 1) + n;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
  };
  /** The status its dates give a version in a month: bugfix until its end of bugfix, then security, then end of life. */
  const statusIn = (v: (typeof PYTHON_VERSIONS)[number], ym: string) => (ym > v.endOfLife ? 'end of life' : ym > v.endOfBugfix ? 'security' : 'bugfix');

  it.each(PYTHON_VERSIONS.map((v) => [v.version, v] as const))('%s: released before the check, its status what its dates say then, five years of support', (_version, v) => {
    expect(v.released <= CHECKED).toBe(true);
    expect(v.status).toBe(statusIn(v, month(CHECKED)));
    // PEP 602: a yearly release, each supported for five years, bugfix releases first.
    expect(Number(v.endOfLife.slice(0, 4)) - Number(v.released.slice(0, 4))).toBe(5);
    expect(month(v.released) < v.endOfBugfix && v.endOfBugfix < v.endOfLife).toBe(true);
  });

  it('one minor release a year, none missing', () => {
    const years = PYTHON_VERSIONS.map((v) => Number(v.released.slice(0, 4)));
    expect(years).toEqual(years.map((_, i) => years[0] + i));
    expect(PYTHON_VERSIONS.map((v) => Number(v.version.split('.')[1]))).toEqual(years.map((y) => y - 2011));
  });

  it('has been checked since the last change its dates foresee (a phase ending, the next yearly release)', () => {
    const now = month(new Date().toISOString());
    const newest = PYTHON_VERSIONS.at(-1)!;
    const foreseen = [
      ...PYTHON_VERSIONS.flatMap((v) => [
        { when: addMonths(v.endOfBugfix, 1), what: `${v.version} moved to security fixes only` },
        { when: addMonths(v.endOfLife, 1), what: `${v.version} reached its end of life` },
      ]),
      { when: addMonths(month(newest.released), 12), what: `the minor release after ${newest.version} came out` },
    ];
    const due = foreseen.filter((e) => e.when > month(CHECKED) && e.when <= now).map((e) => `${e.what} (${e.when})`);
    expect(due, `the catalogue was checked on ${CHECKED}; since then, by its own dates: re-check the release PEPs, uv's download metadata and Chainguard's latest`).toEqual([]);
  });

  it('a version past its end of life, today or on the check day, is warned about wherever it is offered', () => {
    for (const day of [new Date(`${CHECKED}T12:00:00Z`), new Date()]) {
      for (const v of PYTHON_VERSIONS) {
        const past = month(day.toISOString()) > v.endOfLife;
        expect(supportStatus(v.version, day).status === 'end of life', v.version).toBe(past);
        if (past) expect(pythonWarning(v.version, day)).toMatch(new RegExp(`^Python ${v.version.replace('.', '\\.')} reached its end of life`));
      }
    }
    for (const v of PYTHON_VERSIONS.filter((v) => v.status === 'end of life')) {
      for (const row of catalogueTable().split('\n').filter((r) => r.startsWith(`| ${v.version} |`))) expect(row).toContain(`end of life since ${v.endOfLife}`);
    }
  });

  // Versions the stand-ins cannot carry: no Debian suite reachable here packages a CPython of them.
  const NO_STANDIN = ['3.10', '3.12'];
  const pbsSections = [...readFileSync(path.join(ROOT, 'test/e2e/standins/pbs-packages.txt'), 'utf8').matchAll(/^\[(\d+\.\d+) (\S+)\]$/gm)].map((m) => m[1]);

  it('every standalone version offered has a stand-in (so the e2e suite builds and runs it) or is one no Debian suite here has', () => {
    const standalone = TARGETS.filter((t) => t.strategy === 'standalone').map((t) => t.version);
    for (const v of standalone) expect(pbsSections.includes(v) !== NO_STANDIN.includes(v), v).toBe(true);
    // The stand-ins carry nothing else but versions offered another way (3.13: Debian's) or waiting for uv (3.15).
    for (const v of pbsSections) {
      expect(standalone.includes(v) || OFFERED_VERSIONS.includes(v) || (UV.pythons[v] !== undefined && !uvRelease(v)), v).toBe(true);
    }
    const ran = standalone.filter((v) => pbsSections.includes(v));
    expect(ran.length).toBeGreaterThan(0);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(
      `Standalone versions built and run on the stand-ins: ${ran.join(', ')}; not here: ${NO_STANDIN.join(', ')} (no reachable Debian suite packages them).`,
    );
  });
});
