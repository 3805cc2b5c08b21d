#!/usr/bin/env bash
# ctest fixture of the integration tests: starts / stops the 2 x (1 master + 1 replica) MariaDB
# cluster they all share.
#   cluster_fixture.sh start DIR   stop a leftover cluster in DIR, start a fresh one on free ports
#   cluster_fixture.sh stop DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cluster=$here/../cluster/cluster.sh
cmd=${1:?usage: cluster_fixture.sh start|stop DIR}
dir=${2:?usage: cluster_fixture.sh start|stop DIR}

case $cmd in
start)
  mkdir -p "$dir"
  "$cluster" stop --dir "$dir" # a leftover of an interrupted run
  for attempt in 1 2 3; do
    base=$("$cluster" free-port-base)
    if "$cluster" start --dir "$dir" --shards 2 --replicas 1 --base-port "$base"; then
      exit 0
    fi
    echo "cluster start on base port $base failed (attempt $attempt)" >&2
    "$cluster" stop --dir "$dir" || true
  done
  exit 1
  ;;
stop)
  "$cluster" stop --dir "$dir"
  ;;
*)
  echo "unknown command '$cmd'" >&2
  exit 64
  ;;
esac
