/**
 * The Python runtimes the generator can target, as data: which versions exist, which runtime
 * families offer them, and for each pairing the strategy, images, tags and paths that make the
 * build stage and the runtime image agree. Templates, prompts, validation and the README table
 * read this; adding a version or a family is a change here (plus a build-stage template for a
 * new strategy), not a branch elsewhere.
 */

export interface PythonVersion {
  /** major.minor */
  version: string;
  /** CPython's support phase on CHECKED: it follows from the dates below (catalogue.test checks it does). */
  status: 'bugfix' | 'security' | 'end of life';
  /** x.y.0's release day (YYYY-MM-DD). */
  released: string;
  /** The end of its bugfix releases (YYYY-MM): security fixes only from then on. */
  endOfBugfix: string;
  /** Upstream end of life (YYYY-MM). */
  endOfLife: string;
}

/**
 * When the versions below were last checked; the end-of-life warnings are computed from the day
 * a project is generated. Sources, read on that day:
 * - the release schedule PEPs 619 (3.10), 664 (3.11), 693 (3.12), 719 (3.13), 745 (3.14) and 790
 *   (3.15), and release_management/python-releases.toml, in python/peps at ba4deeb (2026-08-22):
 *   the release, end-of-bugfix and end-of-life dates (PEP 790 scheduled 3.15.0 for 2026-10-01);
 * - Debian unstable's python3.15 changelog, the newest source reachable here: 3.15.0-1 "Python
 *   3.15.0 final" (2026-10-09), 3.15.2-1 (2026-10-26); python3.14 3.14.10-1 (2026-10-26).
 * 3.16 is in its feature phase (PEP 826, 3.16.0 due 2027-10): not offered.
 */
export const CHECKED = '2026-12-02';

/** CPython minor versions the catalogue knows, oldest first. */
export const PYTHON_VERSIONS: readonly PythonVersion[] = [
  { version: '3.10', status: 'end of life', released: '2021-10-04', endOfBugfix: '2023-04', endOfLife: '2026-10' },
  { version: '3.11', status: 'security', released: '2022-10-24', endOfBugfix: '2024-04', endOfLife: '2027-10' },
  { version: '3.12', status: 'security', released: '2023-10-02', endOfBugfix: '2025-04', endOfLife: '2028-10' },
  { version: '3.13', status: 'security', released: '2024-10-07', endOfBugfix: '2026-10', endOfLife: '2029-10' },
  { version: '3.14', status: 'bugfix', released: '2025-10-07', endOfBugfix: '2027-10', endOfLife: '2030-10' },
  { version: '3.15', status: 'bugfix', released: '2026-10-01', endOfBugfix: '2028-10', endOfLife: '2031-10' },
];

export const DEFAULT_PYTHON = '3.13';

/** How the build stage and the runtime image are made to agree. */
export type Strategy =
  /** Debian's Python in distroless; a builder with the same minor version, the venv linked to the runtime's interpreter path. */
  | 'debian'
  /** A CPython that needs only glibc (python-build-standalone, installed by uv), copied with its venv to identical paths. */
  | 'standalone'
  /** Chainguard's -dev image builds the venv for the same image without -dev. */
  | 'chainguard';

export interface Tags {
  root: string;
  nonroot: string;
  debug: string;
  debugNonroot: string;
}

export interface Target {
  family: string;
  version: string;
  strategy: Strategy;
  /**
   * The build stage's image, with its tag, and the interpreter it builds with; `user`: the user it
   * runs as when not root, which the build stage leaves for root and returns to at its end.
   */
  builder: { image: string; python: string; user?: string };
  /** The runtime image without a tag, the tag for each variant, and the interpreter the app runs on. */
  runtime: {
    image: string;
    tags: Tags;
    /** Absolute path of the interpreter the venv's `bin/python` resolves to, in the runtime image. */
    python: string;
    /** The user the runtime image runs as when no USER is given; `USER` is written when it differs. */
    defaultUser: { root: string; nonroot: string };
    /**
     * Shared libraries (sonames) the runtime image has: the build copies into it only the others
     * that compiled extensions load (runtime_libs.py). Absent: nothing is copied.
     */
    libraries?: readonly string[];
  };
  /** uv's image and where it installs Python (standalone only). */
  uv?: { image: string; installDir: string };
  /** The venv: made at this path in the build stage and copied to the same path. */
  venv: string;
  /** The numeric uid:gid of the runtime's nonroot user. */
  nonrootUser: string;
}

type Offer = Omit<Target, 'family' | 'version'>;

export interface Family {
  name: string;
  /** The versions the family offers, and how. */
  targets: Readonly<Record<string, Offer>>;
  /** Why a version missing from `targets` is not offered. */
  refusal(version: string): string;
}

const NONROOT = '65532:65532';
const DISTROLESS_TAGS: Tags = { root: 'latest', nonroot: 'nonroot', debug: 'debug', debugNonroot: 'debug-nonroot' };
/**
 * uv, pinned: installs standalone Pythons, and exports uv.lock files of existing projects.
 * `pythons`: the newest CPython of each minor in its download metadata for linux-gnu
 * (crates/uv-python/download-metadata.json at astral-sh/uv's tag 0.12.5, 210d1f6, 2026-08-14:
 * the newest uv release in the sources read on CHECKED). A minor it has only pre-releases of is
 * not offered through it: `uv python install 3.15` would install that release candidate.
 */
export const UV = {
  version: '0.12.5',
  released: '2026-08-14',
  installDir: '/opt/python',
  pythons: { '3.10': '3.10.21', '3.11': '3.11.16', '3.12': '3.12.14', '3.13': '3.13.15', '3.14': '3.14.7', '3.15': '3.15.0rc1' } as Readonly<Record<string, string>>,
} as const;
export const UV_IMAGE = `ghcr.io/astral-sh/uv:${UV.version}`;

/** The final release of `version` the pinned uv installs, if it has one. */
export function uvRelease(version: string): string | undefined {
  const release = UV.pythons[version];
  return release !== undefined && /^\d+\.\d+\.\d+$/.test(release) ? release : undefined;
}

/** The pinned images the Makefile runs its tools in (make sbom, scan, lint). */
export const TOOL_IMAGES = { syft: 'anchore/syft:v1.45.0', grype: 'anchore/grype:v0.114.0', hadolint: 'hadolint/hadolint:v2.14.0' } as const;

/** The official single-stage image `make compare` builds the same app on. */
export const slimImage = (version: string): string => `python:${version}-slim-trixie`;
/**
 * What every distroless image has (base: glibc, OpenSSL; cc: libgcc_s, libstdc++, libgomp), and
 * what Debian's Python needs besides, which python3-debian13 ships with it.
 */
const CC_LIBRARIES = ['libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1', 'libutil.so.1', 'libresolv.so.2', 'libgcc_s.so.1', 'libstdc++.so.6', 'libgomp.so.1', 'libssl.so.3', 'libcrypto.so.3'];
const PYTHON_LIBRARIES = [...CC_LIBRARIES, 'libffi.so.8', 'libz.so.1', 'libexpat.so.1', 'libbz2.so.1.0', 'liblzma.so.5'];
const VENV = '/opt/venv';

/** Debian's Python in gcr.io/distroless/python3-debian13, built in the official slim image of the same Debian. */
const distrolessDebian = (version: string): Offer => ({
  strategy: 'debian',
  builder: { image: slimImage(version), python: `/usr/local/bin/python${version}` },
  runtime: {
    image: 'gcr.io/distroless/python3-debian13',
    tags: DISTROLESS_TAGS,
    python: `/usr/bin/python${version}`,
    defaultUser: { root: '', nonroot: '65532' },
    libraries: PYTHON_LIBRARIES,
  },
  venv: VENV,
  nonrootUser: NONROOT,
});

/** A python-build-standalone CPython installed by uv, copied with the venv into gcr.io/distroless/cc-debian13. */
const distrolessStandalone = (version: string): Offer => {
  const python = `${UV.installDir}/cpython-${version}-linux-<arch>-gnu/bin/python${version}`;
  return {
    strategy: 'standalone',
    builder: { image: 'debian:trixie-slim', python },
    runtime: { image: 'gcr.io/distroless/cc-debian13', tags: DISTROLESS_TAGS, python, defaultUser: { root: '', nonroot: '65532' }, libraries: CC_LIBRARIES },
    uv: { image: UV_IMAGE, installDir: UV.installDir },
    venv: VENV,
    nonrootUser: NONROOT,
  };
};

/** Chainguard's free `latest`: its Python when checked (chainguard-images/images, images/python/locked_config.json at cd7edd2, 2026-08-22: python-3.14=3.14.7-r1; newer sources are not reachable here, so the build checks it). */
const CHAINGUARD_LATEST = '3.14';

/** Distroless: Debian's 3.13, and every other version uv has a final release of, standalone. */
const distrolessTargets: Record<string, Offer> = Object.fromEntries(
  PYTHON_VERSIONS.flatMap(({ version }) =>
    version === '3.13' ? [[version, distrolessDebian(version)]] : uvRelease(version) ? [[version, distrolessStandalone(version)]] : [],
  ),
);

export const FAMILIES: readonly Family[] = [
  {
    name: 'distroless',
    targets: distrolessTargets,
    refusal: (version) =>
      UV.pythons[version] !== undefined
        ? `distroless has no ${version}, and the pinned uv ${UV.version} (${UV.released}) has only ${UV.pythons[version]}, a pre-release: ${version} is offered once the pin moves to a uv with a ${version} release`
        : `distroless offers ${Object.keys(distrolessTargets).join(', ')}`,
  },
  {
    name: 'chainguard',
    targets: {
      [CHAINGUARD_LATEST]: {
        strategy: 'chainguard',
        builder: { image: 'cgr.dev/chainguard/python:latest-dev', python: '/usr/bin/python', user: NONROOT },
        runtime: {
          image: 'cgr.dev/chainguard/python',
          tags: { root: 'latest', nonroot: 'latest', debug: 'latest-dev', debugNonroot: 'latest-dev' },
          python: '/usr/bin/python',
          defaultUser: { root: '65532', nonroot: '65532' },
        },
        venv: VENV,
        nonrootUser: NONROOT,
      },
    },
    refusal: () => `Chainguard's free tier publishes only 'latest', which ran Python ${CHAINGUARD_LATEST} when last checked`,
  },
];

export const DEFAULT_FAMILY = 'distroless';

/** Every (family, version) pairing the generator can write, fully resolved. */
export const TARGETS: readonly Target[] = FAMILIES.flatMap((family) =>
  Object.entries(family.targets).map(([version, offer]) => ({ family: family.name, version, ...offer })),
);

/** The versions some family offers, oldest first. */
export const OFFERED_VERSIONS: readonly string[] = PYTHON_VERSIONS.map((v) => v.version).filter((v) => TARGETS.some((t) => t.version === v));

export function findTarget(family: string, version: string): Target | undefined {
  return TARGETS.find((t) => t.family === family && t.version === version);
}

export function findFamily(name: string): Family | undefined {
  return FAMILIES.find((f) => f.name === name);
}

export function findVersion(version: string): PythonVersion | undefined {
  return PYTHON_VERSIONS.find((v) => v.version === version);
}

/**
 * Support status on a given day: 'end of life' once past it, 'near end of life' in its last
 * year, otherwise 'supported'.
 */
export function supportStatus(version: string, today = new Date()): { status: 'supported' | 'near end of life' | 'end of life'; endOfLife: string } {
  const v = findVersion(version);
  if (!v) throw new Error(`unknown Python ${version}`);
  const [year, month] = v.endOfLife.split('-').map(Number);
  const months = (year - today.getUTCFullYear()) * 12 + (month - (today.getUTCMonth() + 1));
  return { status: months < 0 ? 'end of life' : months < 12 ? 'near end of life' : 'supported', endOfLife: v.endOfLife };
}

/** The catalogue as a Markdown table, for the READMEs: every target, and why a known version has none. */
export function catalogueTable(image: (ref: string) => string = (ref) => ref): string {
  const status = (version: string): string => {
    const v = findVersion(version)!;
    return { 'end of life': `end of life since ${v.endOfLife}`, security: `security fixes until ${v.endOfLife}`, bugfix: `bugfix releases; end of life ${v.endOfLife}` }[v.status];
  };
  const rows = PYTHON_VERSIONS.flatMap(({ version }) => {
    const targets = TARGETS.filter((t) => t.version === version);
    if (!targets.length) return [`| ${version} | not offered | | | ${findFamily(DEFAULT_FAMILY)!.refusal(version)} | ${status(version)} |`];
    return targets.map((t) => {
      const tags = [...new Set([t.runtime.tags.nonroot, t.runtime.tags.root])].map((tag) => `:${tag}`).join(' / ');
      return `| ${t.version} | ${t.family} | ${t.strategy} | \`${image(t.builder.image)}\`${t.uv ? ` + \`${image(t.uv.image)}\`` : ''} | \`${image(t.runtime.image)}\` ${tags} | ${status(version)} |`;
    });
  });
  return [
    `| Python | runtime | strategy | build stage | runtime image | CPython status (${CHECKED}) |`,
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
