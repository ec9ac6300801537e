#!/usr/bin/env bash
# Breaking-change check of the contract against the previous main commit (called by .ci/run).
#
# CI runs on a fresh clone of main whose HEAD is the new commit, so "previous" is HEAD~1 (the first parent;
# for a merge commit, the main it was merged into). Skips with a printed reason on the first commit or when
# HEAD~1 has no contract document yet; otherwise the exit code of the diff passes through
# (0 = compatible or major version raised, 1 = breaking without a major bump, 2 = error).
#
# Environment (all optional):
#   CONTRACT_DIFF_INPUT   document path inside the repository (default asyncapi/tars.asyncapi.yaml)
#   CONTRACT_DIFF_FORMAT  text | json | github (default: github under GitHub Actions, else text)
#   CONTRACT_DIFF_REPO    repository to check (default: this project; used by the tests)
#   CONTRACT_DIFF_MODE    backward | forward | full (default: the document's info.x-compatibility, else full)
set -uo pipefail

project="$(cd "$(dirname "$0")/.." && pwd)"
repo="${CONTRACT_DIFF_REPO:-$project}"
input="${CONTRACT_DIFF_INPUT:-asyncapi/tars.asyncapi.yaml}"
if [ -n "${CONTRACT_DIFF_FORMAT:-}" ]; then
  format="$CONTRACT_DIFF_FORMAT"
elif [ "${GITHUB_ACTIONS:-}" = "true" ]; then
  format=github
else
  format=text
fi

say() { echo "contract-diff: $*"; }

if ! git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  say "skipped: $repo is not a git checkout, so there is no previous version to compare with"
  exit 0
fi
if ! git -C "$repo" rev-parse --verify --quiet 'HEAD~1^{commit}' >/dev/null; then
  if [ "$(git -C "$repo" rev-parse --is-shallow-repository 2>/dev/null)" = "true" ]; then
    say "shallow clone: fetching one more commit of history"
    git -C "$repo" fetch --quiet --deepen=1 >/dev/null 2>&1 || true
  fi
fi
if ! git -C "$repo" rev-parse --verify --quiet 'HEAD~1^{commit}' >/dev/null; then
  say "skipped: HEAD is the first commit (no HEAD~1), nothing to compare against"
  exit 0
fi
if [ ! -f "$repo/$input" ]; then
  say "skipped: the current commit has no $input"
  exit 0
fi
if ! git -C "$repo" cat-file -e "HEAD~1:$input" 2>/dev/null; then
  say "HEAD~1 has no $input: the contract is new, nothing to compare against (no breaking change possible)"
  exit 0
fi

say "comparing $input with HEAD~1 ($(git -C "$repo" rev-parse --short HEAD~1))"
cd "$repo" || exit 2
mode_args=()
if [ -n "${CONTRACT_DIFF_MODE:-}" ]; then mode_args=(--mode "$CONTRACT_DIFF_MODE"); fi
"$project/node_modules/.bin/tsx" "$project/generator/diff/main.ts" --against HEAD~1 --input "$input" --format "$format" "${mode_args[@]}"
exit $?
