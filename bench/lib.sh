# Sourced by the bench scripts: the local servers a benchmark runs against, each a bench program in a JVM of its own,
# stopped (and the script's work directory removed) when the script exits.
# Needs $work (a directory of the script's own) and $classes (bench's compiled classes) set first.

bench_pids=()
trap 'for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT

# start_server NAME MAIN [ARGS...]: runs bench's MAIN in the background, its output in $work/NAME.log.
start_server() {
  local name=$1 main=$2; shift 2
  java -cp "$classes" "dev.callsight.bench.$main" "$@" >"$work/$name.log" 2>&1 &
  bench_pids+=($!)
}

# server_url NAME KEY: waits (10 s at most) for the server's "KEY=URL" line and prints the URL; fails if none came.
server_url() {
  local name=$1 key=$2 url
  for _ in $(seq 1 100); do
    url=$(grep -o "$key=[^ ]*" "$work/$name.log" 2>/dev/null | head -1 | cut -d= -f2)
    [ -n "$url" ] && { echo "$url"; return 0; }
    sleep 0.1
  done
  echo "$name did not start: $(cat "$work/$name.log")" >&2
  return 1
}

# A loopback port nothing listens on: a collector that is down.
closed_port_url() {
  echo "http://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
}

# agent_option JAR POLICY: the -javaagent option, under the policy with every feature when POLICY is "all".
agent_option() {
  if [ "$2" = all ]; then
    echo "-javaagent:$1=config=bench/policy-every-feature.yaml"
  else
    echo "-javaagent:$1"
  fi
}
