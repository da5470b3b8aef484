/**
 * Dependencies that build from source against a system library, and the Debian packages their
 * build needs (the BUILD_PACKAGES build argument's proposal when the old Dockerfile names none).
 * The shared libraries those packages bring are then copied into the runtime image by the build
 * (templates/runtime_libs.py), and the check stage fails naming any that is still missing.
 */
/** PEP 503's normal form of a project name. */
const normaliseName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

const BUILD_ESSENTIAL = 'build-essential';

/** Requirement name (with an extra where it selects the C build) to the -dev packages. */
export const SYSTEM_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  psycopg2: [BUILD_ESSENTIAL, 'libpq-dev'],
  'psycopg[c]': [BUILD_ESSENTIAL, 'libpq-dev'],
  mysqlclient: [BUILD_ESSENTIAL, 'pkg-config', 'default-libmysqlclient-dev'],
  pycurl: [BUILD_ESSENTIAL, 'libcurl4-openssl-dev', 'libssl-dev'],
  uwsgi: [BUILD_ESSENTIAL],
  'python-ldap': [BUILD_ESSENTIAL, 'libldap-dev', 'libsasl2-dev'],
  lxml: [BUILD_ESSENTIAL, 'libxml2-dev', 'libxslt1-dev'],
  xmlsec: [BUILD_ESSENTIAL, 'pkg-config', 'libxmlsec1-dev'],
};

/** A Debian package name, as apt-get takes it. */
export const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

/** Packages that only build: compilers, headers, pkg-config. */
export const isBuildPackage = (name: string): boolean => /-dev$|^build-essential$|^gcc(-\d+)?$|^g\+\+$|^make$|^pkg-config$|^pkgconf$/.test(name);

/** The build packages that requirements (as written, e.g. "psycopg[c]", "mysqlclient==2.2") need, in order, once each. */
export function systemPackagesFor(requirements: readonly string[]): { packages: string[]; needed: string[] } {
  const packages: string[] = [];
  const needed: string[] = [];
  for (const requirement of requirements) {
    const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?/.exec(requirement);
    if (!match) continue;
    const name = normaliseName(match[1]);
    const extras = (match[2] ?? '').slice(1, -1).split(',').map((e) => e.trim()).filter(Boolean);
    const key = [name, ...extras.map((e) => `${name}[${e}]`)].find((k) => k in SYSTEM_PACKAGES);
    if (!key) continue;
    needed.push(key);
    for (const p of SYSTEM_PACKAGES[key]) if (!packages.includes(p)) packages.push(p);
  }
  return { packages, needed };
}

/**
 * Dependencies that find a system library with ctypes.util.find_library at run time, which needs
 * ldconfig or a compiler: neither is in a distroless image, so they cannot start there, whatever
 * is copied in. Each with the builds that bundle or link the library instead.
 */
export const FOUND_AT_RUN_TIME: Readonly<Record<string, { library: string; instead: readonly string[]; fix: string }>> = {
  psycopg: {
    library: 'libpq',
    instead: ['psycopg-binary', 'psycopg-c', 'psycopg[binary]', 'psycopg[c]'],
    fix: 'depend on psycopg[binary] (it bundles libpq) or psycopg[c] (it links libpq; give BUILD_PACKAGES="build-essential libpq-dev")',
  },
};

/** Why requirements (as written, with extras) cannot start on a distroless image, in one sentence; undefined when they can. */
export function foundAtRunTime(requirements: readonly string[]): string | undefined {
  const has = new Set(
    requirements.flatMap((r) => {
      const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?/.exec(r);
      if (!match) return [];
      const name = normaliseName(match[1]);
      return [name, ...(match[2] ?? '').slice(1, -1).split(',').map((e) => e.trim()).filter(Boolean).map((e) => `${name}[${e}]`)];
    }),
  );
  for (const [name, rule] of Object.entries(FOUND_AT_RUN_TIME)) {
    if (has.has(name) && !rule.instead.some((i) => has.has(i))) {
      return `${name} without its binary or C build finds ${rule.library} with ctypes.util.find_library at run time, which needs ldconfig or a compiler, and a distroless image has neither: ${rule.fix}, and run again`;
    }
  }
  return undefined;
}
