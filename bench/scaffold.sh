#!/usr/bin/env bash
# How fast and light `npm create distroless-python` is, beside create-vite, in one run:
#   - `--yes` scaffold time: our bundled bin, the same bin unbundled (npm deps from node_modules),
#     create-vite 9.3.0 (`--template vanilla --no-interactive`); median of RUNS runs;
#   - time to first prompt in a terminal (tmux), bundled bin and create-vite;
#   - first `npm exec` with an empty npm cache: our packed tarball vs create-vite from the registry,
#     alternated, median of RUNS each;
#   - installed size and package count (`npm install --omit=dev`).
# Prints Markdown tables and ratios to create-vite; asserts nothing. Needs the npm registry and tmux.
#
# usage: bash bench/scaffold.sh   (after npm run build; RUNS=N to change the 7 runs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-7}
vite_version=9.3.0
work=$(mktemp -d)
trap 'tmux kill-session -t dp-bench 2>/dev/null || true; rm -rf "$work"' EXIT

now() { date +%s%N; }
ms() { echo $(((${2} - ${1}) / 1000000)); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# The contenders: our bin bundled (as published), unbundled (built for this bench), create-vite installed.
bundled=$root/packages/create-distroless-python/dist/cli.js
unbundled=$root/packages/create-distroless-python/.bench/cli.js
node "$root/packages/create-distroless-python/build.mjs" --unbundled "$unbundled"
(cd "$work" && npm install --no-audit --no-fund --silent "create-vite@$vite_version" >/dev/null)
vite=$work/node_modules/create-vite/index.js

scaffold() { # label command... -> median ms of a --yes scaffold into a fresh directory
  local i t0 t1 times=()
  for i in $(seq "$runs"); do
    rm -rf "$work/out" && mkdir "$work/out"
    t0=$(now)
    (cd "$work/out" && "$@" >/dev/null 2>&1)
    t1=$(now)
    times+=("$(ms "$t0" "$t1")")
  done
  printf '%s\n' "${times[@]}" | median
}

first_prompt() { # text command... -> median ms until the first prompt shows in a terminal
  local text=$1 i t0 t1 times=()
  shift
  for i in $(seq "$runs"); do
    rm -rf "$work/out" && mkdir "$work/out"
    t0=$(now)
    tmux new-session -d -s dp-bench -x 120 -y 30 -c "$work/out" "$*; sleep 5"
    until tmux capture-pane -p -t dp-bench 2>/dev/null | grep -qF "$text"; do sleep 0.005; done
    t1=$(now)
    tmux kill-session -t dp-bench
    times+=("$(ms "$t0" "$t1")")
  done
  printf '%s\n' "${times[@]}" | median
}

first_exec() { # cwd npm-exec-args... -> ms of one npm exec with an empty npm cache
  local t0 t1 cache
  cache=$(mktemp -d)
  rm -rf "$work/out" && mkdir "$work/out"
  t0=$(now)
  (cd "$work/out" && npm_config_cache=$cache npm exec --yes "$@" >/dev/null 2>&1)
  t1=$(now)
  rm -rf "$cache"
  ms "$t0" "$t1"
}

footprint() { # package-spec -> "bytes packages" of `npm install --omit=dev`
  local dir=$work/install-$RANDOM
  mkdir "$dir" && echo '{"private":true}' >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --silent --omit=dev "$1" >/dev/null)
  echo "$(du -sb "$dir/node_modules" | cut -f1) $(find "$dir/node_modules" -name package.json -not -path '*/node_modules/*/node_modules/*/test/*' | grep -c '/node_modules/\(@[^/]*/\)\?[^/]*/package.json$')"
}

tgz=$(cd "$work" && npm pack --silent "$root/packages/create-distroless-python" | tail -1)
tgz=$work/$tgz

ours_bundled=$(scaffold node "$bundled" app --yes)
ours_unbundled=$(scaffold node "$unbundled" app --yes)
vite_scaffold=$(scaffold node "$vite" app --template vanilla --no-interactive)
ours_prompt=$(first_prompt '? Project directory' node "$bundled")
vite_prompt=$(first_prompt 'Project name' node "$vite")
# One sample of each is mostly noise: alternate them, take each one's median.
ours_execs=() vite_execs=()
for i in $(seq "$runs"); do
  ours_execs+=("$(first_exec "--package=$tgz" -- create-distroless-python app --yes)")
  vite_execs+=("$(first_exec "create-vite@$vite_version" -- app --template vanilla --no-interactive)")
done
ours_exec=$(printf '%s\n' "${ours_execs[@]}" | median)
vite_exec=$(printf '%s\n' "${vite_execs[@]}" | median)
read -r ours_bytes ours_pkgs <<<"$(footprint "$tgz")"
read -r vite_bytes vite_pkgs <<<"$(footprint "create-vite@$vite_version")"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }

echo "| measure (median of $runs where repeated) | create-distroless-python | create-vite $vite_version | ratio | goal |"
echo "|---|---|---|---|---|"
echo "| \`--yes\` scaffold, bundled bin | $ours_bundled ms | $vite_scaffold ms | $(ratio "$ours_bundled" "$vite_scaffold") | ≤ 1.5 |"
echo "| \`--yes\` scaffold, unbundled bin | $ours_unbundled ms | $vite_scaffold ms | $(ratio "$ours_unbundled" "$vite_scaffold") | |"
echo "| time to first prompt | $ours_prompt ms | $vite_prompt ms | $(ratio "$ours_prompt" "$vite_prompt") | |"
echo "| first \`npm exec\`, empty npm cache | $ours_exec ms | $vite_exec ms | $(ratio "$ours_exec" "$vite_exec") | ≤ 1.5 |"
echo "| installed (\`--omit=dev\`) | $(mb "$ours_bytes"), $ours_pkgs package(s) | $(mb "$vite_bytes"), $vite_pkgs package(s) | $(ratio "$ours_bytes" "$vite_bytes") | 1 package, ≤ 2 MB |"
