#!/usr/bin/env bash
# Builds and runs the JMH benchmarks of the engine (never part of ./mvnw verify). Arguments go to JMH, e.g.
#   benchmarks/run.sh                       # the short run README.md reports
#   benchmarks/run.sh LayerKernels -p shape=384x384 -f 1 -wi 3 -i 5
#   benchmarks/run.sh -l                    # list the benchmarks
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && ./mvnw -B -q -pl benchmarks -am package -DskipTests)
source "$root/cli/native-memory.sh"
cache="${TWIN_CACHE:-$HOME/.cache/twin}"
mkdir -p "$cache/tmp"
if [ "$#" -eq 0 ]; then
  # short: one fork, 2 warm-up and 3 measured iterations of 1 s; mlp and MiniLM shapes, T = 2..16, r = 4, 16, 64
  set -- 'LayerKernels|MlpForward' -f 1 -wi 2 -w 1s -i 3 -r 1s -rf json -rff "$root/benchmarks/target/jmh-short.json"
fi
exec java -Djava.io.tmpdir="$cache/tmp" -jar "$root/benchmarks/target/benchmarks.jar" "$@"
