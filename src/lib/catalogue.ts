/**
 * The Python runtimes the generator can target, as data. Templates and prompts read this;
 * nothing else decides which images a project uses.
 */

export interface ImageRef {
  /** Image name without a tag. */
  image: string;
  /** Absolute path of the interpreter in that image. */
  python: string;
}

export interface PythonRuntime {
  /** major.minor, the version the user picks. */
  version: string;
  /** How builder and runtime are made to agree. */
  strategy: 'debian';
  status: 'supported';
  /** Upstream end of life (YYYY-MM). */
  endOfLife: string;
  builder: ImageRef & { tag: string };
  runtime: ImageRef & { tags: { root: string; nonroot: string; debug: string; debugNonroot: string } };
  /** Where the dependencies' venv is created in the builder and copied to in the runtime (same path). */
  venv: string;
  /** The uid:gid of the runtime's nonroot user. */
  nonrootUser: string;
}

export const RUNTIMES: readonly PythonRuntime[] = [
  {
    version: '3.13',
    strategy: 'debian',
    status: 'supported',
    endOfLife: '2029-10',
    // Debian trixie's Python 3.13 in distroless; the official slim-trixie image has the same
    // minor version and glibc, so wheels built there run here.
    builder: { image: 'python', tag: '3.13-slim-trixie', python: '/usr/local/bin/python3.13' },
    runtime: {
      image: 'gcr.io/distroless/python3-debian13',
      tags: { root: 'latest', nonroot: 'nonroot', debug: 'debug', debugNonroot: 'debug-nonroot' },
      python: '/usr/bin/python3.13',
    },
    venv: '/opt/venv',
    nonrootUser: '65532:65532',
  },
];

export const DEFAULT_PYTHON = '3.13';

/**
 * Versions users ask for that have no runtime strategy yet, with the reason given when they are refused.
 */
export const UNAVAILABLE: Readonly<Record<string, string>> = {
  '3.10': 'distroless ships only Debian 13\'s Python 3.13; 3.10 needs a standalone CPython runtime, which this generator does not offer yet',
  '3.11': 'gcr.io/distroless/python3-debian12 (Python 3.11) was removed in May 2026; 3.11 needs a standalone CPython runtime, which this generator does not offer yet',
  '3.12': 'distroless ships only Debian 13\'s Python 3.13; 3.12 needs a standalone CPython runtime, which this generator does not offer yet',
  '3.14': 'distroless ships only Debian 13\'s Python 3.13; 3.14 needs a standalone CPython runtime, which this generator does not offer yet',
};

export function findRuntime(version: string): PythonRuntime | undefined {
  return RUNTIMES.find((r) => r.version === version);
}
