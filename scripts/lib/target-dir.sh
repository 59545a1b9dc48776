# Cargo's target directory, as cargo itself resolves it (CARGO_TARGET_DIR,
# --config build.target-dir, or <repo>/target), for scripts that run the
# binaries cargo built. Sourced; needs REPO (the repository root).
#   vtep_target_dir   prints the absolute directory
vtep_target_dir() {
  local d=""
  if command -v cargo >/dev/null 2>&1 && command -v jq >/dev/null 2>&1; then
    d=$(cd "$REPO" && cargo metadata --format-version 1 --no-deps 2>/dev/null | jq -r '.target_directory // empty') || d=""
  fi
  if [ -z "$d" ]; then  # no cargo or jq here: the environment, as cargo reads it
    d=${CARGO_TARGET_DIR:-target}
    case $d in /*) ;; *) d=$REPO/$d ;; esac
  fi
  printf '%s\n' "$d"
}
