/**
 * Dependencies that build from source against a system library, and the Debian packages their
 * build needs (the BUILD_PACKAGES build argument's proposal when the old Dockerfile names none).
 * The shared libraries those packages bring are then copied into the runtime image by the build
 * (templates/runtime_libs.py), and the check stage fails naming any that is still missing.
 */
import { normaliseName } from './questions.js';

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
