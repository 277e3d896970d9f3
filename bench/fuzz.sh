#!/usr/bin/env bash
# Fuzzes each parser of untrusted input with Jazzer for a while and prints executions and findings per target.
#   bench/fuzz.sh [seconds per target, default 120] [target ...]
# Targets: otlp-protobuf otlp-json slo-yaml policy-yaml (default: all). Run from the repository root after
# `mvn -q -DskipTests install`. A finding fails its target; Jazzer stores the input as crash-<sha1> in the
# target's ...FuzzTestInputs/<method>/ test resources directory, where every `mvn verify` replays it from then on.
# The coverage corpus grows in <module>/.cifuzz-corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-120}
shift || true
declare -A targets=(
  [otlp-protobuf]="collector dev.callsight.collector.ingest.OtlpDecoderFuzzTest#protobuf"
  [otlp-json]="collector dev.callsight.collector.ingest.OtlpDecoderFuzzTest#json"
  [slo-yaml]="collector dev.callsight.collector.slo.SloParserFuzzTest#parse"
  [policy-yaml]="agent dev.callsight.agent.core.policy.PolicyFileReaderFuzzTest#parse"
)
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=(otlp-protobuf otlp-json slo-yaml policy-yaml)

logs=$(mktemp -d)
summary=()
status=0
for name in "${selected[@]}"; do
  read -r module test <<<"${targets[$name]}"
  log="$logs/$name.log"
  echo "== fuzzing $name ($test) for ${seconds}s; log: $log" >&2
  # One fuzz test per JVM: Jazzer fuzzes a single test per run. Jazzer hands each test's @Timeout to libFuzzer as
  # the limit per input (a hang is a finding); JUnit must not apply it to the whole fuzzing run.
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" \
      JAZZER_INSTRUMENTATION_INCLUDES="dev.callsight.**:com.google.protobuf.**:com.google.gson.**:org.snakeyaml.**" \
      mvn -B -ntp test -pl "$module" -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djunit.jupiter.execution.timeout.mode=disabled >"$log" 2>&1; then
    result=ok
  else
    result=FINDING
    status=1
  fi
  # libFuzzer's last status line: "#<executions> DONE cov: <edges> ft: <features> corp: <inputs>/<bytes> exec/s: <rate>".
  done_line=$(grep -aE '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 || true)
  executions=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$done_line")
  coverage=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$done_line")
  rate=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$done_line")
  findings=$(grep -acE 'Test unit written to .*/crash-' "$log" || true)
  summary+=("$(printf '%-14s %-8s executions=%-10s exec/s=%-7s edges=%-6s findings=%s' "$name" "$result" \
      "${executions:-?}" "${rate:-?}" "${coverage:-?}" "$findings")")
  if [ "$result" = FINDING ]; then
    grep -aE 'Test unit written to|FuzzTestFindingException|^Caused by' "$log" | head -10 >&2 || tail -40 "$log" >&2
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
