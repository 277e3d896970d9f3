# Sourced by the bench scripts before anything runs: what they need from the build.

# require_built PATH...: stops the script, naming the first build output missing, before it starts anything.
require_built() {
  local f
  for f in "$@"; do
    [ -e "$f" ] || { echo "missing $f: run mvn -q -DskipTests package first" >&2; exit 1; }
  done
}

# bench_classpath: bench's classes and the libraries it was packaged with, for java -cp.
bench_classpath() {
  echo "bench/target/classes:$(ls bench/target/lib/*.jar | tr '\n' ':')"
}
