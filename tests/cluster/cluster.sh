#!/usr/bin/env bash
# Starts, inspects and stops throwaway MariaDB 10.11 clusters for shardgate's tests, demo and
# benchmarks: N shards, each one master plus R GTID replicas, all on 127.0.0.1.
# Every server lives under the cluster directory and is only ever signalled through the pid it
# recorded there, so several clusters (a demo and a test run, say) can run side by side.
# Usage and layout: tests/cluster/README.md (or `cluster.sh help`).
#
# Process spawns cost ~10 ms each on small CI machines (a mariadb client ~60 ms), so the helpers
# below set globals instead of echoing through $(...), and SQL runs on all servers concurrently.
set -euo pipefail

readonly kProg=${0##*/}
readonly kStartTimeoutS=30     # per server, from launch to accepting connections
readonly kStopTimeoutS=30      # SIGTERM grace before SIGKILL
readonly kReplTimeoutS=30      # replicas catching up with their master
readonly kKeysPerShard=5000000 # key range width per shard in the generated shard map
readonly kPortSpan=100         # ports free-port-base keeps free: 8 shards x (1 + up to 9) + spare
readonly kT0=${EPOCHREALTIME/./}

die() {
  echo "$kProg: $*" >&2
  exit 1
}
note() { echo "$kProg: $*" >&2; }

# CLUSTER_TIMING=1 prints how long the phases of a command took.
phase() {
  if [ "${CLUSTER_TIMING:-0}" = 1 ]; then
    local us=$((${EPOCHREALTIME/./} - kT0))
    note "$(printf '%d.%02ds' $((us / 1000000)) $((us % 1000000 / 10000))) $*"
  fi
  return 0
}

usage() {
  cat <<EOF
usage:
  $kProg start   --dir DIR --shards N --replicas R --base-port P [--template-dir T]
  $kProg stop    --dir DIR
  $kProg status  --dir DIR                        # exit status 1 if a server is down
  $kProg kill           --dir DIR --server NAME   # SIGKILL one server (e.g. s0-replica1)
  $kProg stop-server    --dir DIR --server NAME   # clean shutdown of one server
  $kProg restart-server --dir DIR --server NAME   # start it again, same datadir and options
  $kProg client  --dir DIR --server NAME [-- MARIADB_ARGS...]  # mariadb client, admin, via socket
  $kProg free-port-base [--span K]                # prints P with P..P+K-1 free (K=$kPortSpan)

Servers are named sI-master and sI-replicaJ. Shard i member j (j=0 master, j>=1 replicas)
listens on 127.0.0.1:P+10*i+j. Accounts on every server: app/app (all privileges except
READ_ONLY ADMIN), monitor/monitor, repl/repl. start writes DIR/cluster.env and DIR/shardmap.toml.
The template datadir is cached in T (default /tmp/shardgate-mariadb-template-\$UID).
EOF
}

# ---------------------------------------------------------------------------------------------
# Naming and state of one server (all set as globals, no subshells)

# Sets SHARD MEMBER PORT SDIR DATA PIDF ELOG SOCK for server $1 (sI-master / sI-replicaJ).
# PIDF is written once by the launcher (see launch_server); mariadbd keeps its own mysqld.pid,
# which it truncates and rewrites during startup, so the harness never relies on it.
server_vars() {
  [[ $1 =~ ^s(0|[1-9][0-9]*)-(master|replica([1-9]))$ ]] ||
    die "bad server name '$1' (expected sI-master or sI-replicaJ)"
  SHARD=${BASH_REMATCH[1]}
  MEMBER=${BASH_REMATCH[3]:-0}
  PORT=$((CLUSTER_BASE_PORT + 10 * SHARD + MEMBER))
  SDIR=$CLUSTER_DIR/$1
  DATA=$SDIR/data
  PIDF=$SDIR/server.pid
  ELOG=$SDIR/error.log
  if [ -n "$SOCK_DIR" ]; then SOCK=$SOCK_DIR/$1.sock; else SOCK=$SDIR/mysqld.sock; fi
}

is_server_name() { [[ $1 =~ ^s(0|[1-9][0-9]*)-(master|replica[1-9])$ ]]; }

# Unix socket paths are limited to 107 bytes; deep cluster dirs put sockets under /tmp instead.
init_sock_dir() {
  SOCK_DIR=""
  if ((${#CLUSTER_DIR} + 26 > 100)); then
    local h
    h=$(printf '%s' "$CLUSTER_DIR" | md5sum)
    SOCK_DIR=/tmp/shardgate-sock-$EUID-${h:0:12}
  fi
}

# Sets LIVE_PID to the pid of server $1 if it runs, else to "". A pid only counts if that process
# has this server's --datadir on its command line (the launcher and mariadbd both do), so stale
# pid files and reused pids are never signalled. PID_KNOWN=0 means the pid file is missing or not
# yet written (a launcher that has not run yet).
check_alive() {
  LIVE_PID=""
  PID_KNOWN=0
  server_vars "$1"
  local pid="" stat args=() a
  { read -r pid <"$PIDF"; } 2>/dev/null || true
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  PID_KNOWN=1
  { read -r stat <"/proc/$pid/stat" && mapfile -d '' args <"/proc/$pid/cmdline"; } 2>/dev/null ||
    return 0
  stat=${stat##*) }
  [ "${stat%% *}" != Z ] || return 0
  for a in "${args[@]}"; do
    if [ "$a" = "--datadir=$DATA" ]; then
      LIVE_PID=$pid
      return 0
    fi
  done
}

# Sets NAMES to the servers of a cluster with $1 shards and $2 replicas.
all_names() {
  NAMES=()
  local i j
  for ((i = 0; i < $1; i++)); do
    NAMES+=("s$i-master")
    for ((j = 1; j <= $2; j++)); do NAMES+=("s$i-replica$j"); done
  done
}

# Sets NAMES to the servers present in DIR: from cluster.env, else from the server dirs.
existing_names() {
  NAMES=()
  if [ -n "${CLUSTER_SERVERS:-}" ]; then
    read -r -a NAMES <<<"$CLUSTER_SERVERS"
    return 0
  fi
  local d
  for d in "$CLUSTER_DIR"/s[0-9]*-*/; do
    [ -d "$d" ] || continue
    d=${d%/}
    d=${d##*/}
    if is_server_name "$d"; then NAMES+=("$d"); fi
  done
}

load_env() {
  [ -f "$CLUSTER_DIR/cluster.env" ] || die "$CLUSTER_DIR has no cluster.env (no cluster started there?)"
  # shellcheck disable=SC1091
  source "$CLUSTER_DIR/cluster.env"
}

load_env_if_present() {
  if [ -f "$CLUSTER_DIR/cluster.env" ]; then
    # shellcheck disable=SC1091
    source "$CLUSTER_DIR/cluster.env"
  fi
  return 0
}

log_tail() { # name
  server_vars "$1"
  echo "---- last lines of $ELOG ----" >&2
  tail -n 25 "$ELOG" >&2 2>/dev/null || echo "(no error log)" >&2
  echo "----" >&2
}

# ---------------------------------------------------------------------------------------------
# SQL as the socket-authenticated admin (the OS user, unix_socket auth; see template_sql)

admin_sql() { # name sql
  server_vars "$1"
  mariadb --no-defaults -S "$SOCK" -u"$ADMIN_USER" -N -B --connect-timeout=5 -e "$2"
}

# Runs "name sql" pairs concurrently. Output of job k is in OUT[k]; failures print the server's
# error and make the function fail after all jobs finished.
sql_parallel() { # name sql [name sql ...]
  local pids=() names=() k rc=0 f
  OUT=()
  mkdir -p "$CLUSTER_DIR/.work"
  while (($#)); do
    k=${#names[@]}
    names+=("$1")
    admin_sql "$1" "$2" >"$CLUSTER_DIR/.work/$k.out" 2>"$CLUSTER_DIR/.work/$k.err" &
    pids+=($!)
    shift 2
  done
  for k in "${!pids[@]}"; do
    f=$CLUSTER_DIR/.work/$k
    if ! wait "${pids[$k]}"; then
      note "SQL on ${names[$k]} failed: $(<"$f.err")"
      rc=1
    fi
    OUT[k]=""
    { IFS= read -r -d '' "OUT[$k]" <"$f.out"; } 2>/dev/null || true
    OUT[k]=${OUT[k]%$'\n'}
  done
  return $rc
}

replica_diagnostics() { # name
  server_vars "$1"
  note "replication status of $1:"
  mariadb --no-defaults -S "$SOCK" -u"$ADMIN_USER" --connect-timeout=5 -e "SHOW SLAVE STATUS\\G" 2>&1 |
    grep -E 'Slave_(IO|SQL)_Running:|Last_(IO|SQL)_Error:|Gtid_IO_Pos|Master_Port' >&2 || true
}

# ---------------------------------------------------------------------------------------------
# Template datadir: mariadb-install-db runs once per (MariaDB version, template version); every
# server starts from a copy, so all accounts exist and all GTID histories start empty and equal.

template_sql() {
  local h u
  echo "FLUSH PRIVILEGES;" # bootstrap runs with grant tables off; CREATE USER needs them loaded
  for h in "'localhost'" "'127.0.0.1'" "'%'"; do
    u="'app'@$h"
    echo "CREATE USER $u IDENTIFIED BY 'app';"
    echo "GRANT ALL PRIVILEGES ON *.* TO $u;"
    # Replicas run read_only. ALL PRIVILEGES includes READ_ONLY ADMIN, which would let app write
    # to them anyway: a write the proxy sent to a replica by mistake would silently succeed.
    echo "REVOKE READ_ONLY ADMIN ON *.* FROM $u;"
    u="'monitor'@$h"
    echo "CREATE USER $u IDENTIFIED BY 'monitor';"
    # BINLOG MONITOR is the old REPLICATION CLIENT; SLAVE MONITOR allows SHOW ALL SLAVES STATUS.
    echo "GRANT PROCESS, SELECT, BINLOG MONITOR, SLAVE MONITOR ON *.* TO $u;"
    echo "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON shardgate.* TO $u;"
    u="'repl'@$h"
    echo "CREATE USER $u IDENTIFIED BY 'repl';"
    echo "GRANT REPLICATION SLAVE ON *.* TO $u;"
  done
  echo "CREATE DATABASE app;"
}

# InnoDB sizes shared by mariadb-install-db and the servers, so copies start without resizing.
readonly kInnodbOpts=(--innodb-buffer-pool-size=64M --innodb-log-file-size=48M)

# Sets TEMPLATE_DATA, building the template under $1 if needed (serialised by a lock file).
ensure_template() {
  local root=$1 key bin dir tmp
  # Keyed by the mariadbd binary (size, mtime) and this script, whose edits may change accounts.
  bin=$(type -P mariadbd) || die "mariadbd not found (run scripts/deps)"
  key=$(stat -L -c '%n %s %Y' "$bin" "${BASH_SOURCE[0]}" | cksum)
  dir=$root/${key%% *}
  TEMPLATE_DATA=$dir/data
  [ -f "$dir/READY" ] && return 0
  mkdir -p "$root"
  exec 9>"$root/.lock"
  flock -w 300 9 || die "timed out waiting for the template lock $root/.lock"
  if [ ! -f "$dir/READY" ]; then
    note "building the MariaDB template datadir in $dir (once per MariaDB version)"
    tmp=$root/.build.$$
    rm -rf "$dir" "$tmp"
    mkdir -p "$tmp"
    template_sql >"$tmp/accounts.sql"
    local user_opt=()
    if ((EUID == 0)); then user_opt=(--user=root); fi
    if ! mariadb-install-db --no-defaults "${user_opt[@]}" --datadir="$tmp/bootstrap" \
      --auth-root-authentication-method=socket --auth-root-socket-user="$ADMIN_USER" \
      --skip-test-db --skip-name-resolve --extra-file="$tmp/accounts.sql" \
      "${kInnodbOpts[@]}" >"$tmp/install.log" 2>&1; then
      tail -n 30 "$tmp/install.log" >&2
      rm -rf "$tmp"
      die "mariadb-install-db failed"
    fi
    # The redo log and system tablespace are mostly zeros: a sparse template copies ~10x faster.
    cp -a --sparse=always "$tmp/bootstrap" "$tmp/data"
    rm -rf "$tmp/bootstrap"
    mv "$tmp" "$dir"
    touch "$dir/READY"
    # Templates of other MariaDB builds or script versions: drop those unused for an hour.
    find "$root" -mindepth 1 -maxdepth 1 -type d ! -path "$dir" -mmin +60 -exec rm -rf {} + || true
  fi
  exec 9>&-
}

# ---------------------------------------------------------------------------------------------
# One server

# Sets ARGS to the mariadbd command line of server $1.
server_args() {
  server_vars "$1"
  ARGS=(--no-defaults
    --datadir="$DATA" --socket="$SOCK" --pid-file="$SDIR/mysqld.pid" --log-error="$ELOG"
    --port="$PORT" --bind-address=127.0.0.1 --report-host=127.0.0.1 --report-port="$PORT"
    --server-id="$PORT"
    --log-bin=mysql-bin --relay-log=relay-bin --log-slave-updates
    --binlog-format=ROW --gtid-strict-mode=ON
    "${kInnodbOpts[@]}"
    --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 --innodb-doublewrite=0
    --innodb-buffer-pool-load-at-startup=OFF --innodb-buffer-pool-dump-at-shutdown=OFF
    --performance-schema=OFF --skip-name-resolve
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
    --max-allowed-packet=64M --max-connections=1000)
  if ((MEMBER > 0)); then ARGS+=(--read-only=ON); fi
  if ((EUID == 0)); then ARGS+=(--user=root); fi
}

# Launches server $1 detached (own session, outlives this script). The launcher writes its own
# pid into PIDF and execs mariadbd, which keeps that pid: the file is valid from the first instant,
# even if the server dies during startup.
launch_server() {
  server_args "$1"
  if [ -n "$SOCK_DIR" ]; then mkdir -p "$SOCK_DIR"; fi
  rm -f "$SOCK" "$PIDF"
  echo "=== $kProg launching $1" >>"$ELOG"
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$1"; shift; exec mariadbd "$@"' launcher "$PIDF" "${ARGS[@]}" \
    </dev/null >>"$ELOG" 2>&1 &
}

# Waits until all named servers listen on their socket; on failure prints their log tails.
wait_ready() { # names...
  local deadline=$((SECONDS + kStartTimeoutS)) pending=("$@") still name failed=()
  while ((${#pending[@]})); do
    still=()
    for name in "${pending[@]}"; do
      server_vars "$name"
      [ -S "$SOCK" ] && continue
      check_alive "$name"
      if [ -z "$LIVE_PID" ] && ((PID_KNOWN)); then
        failed+=("$name") # exited during startup
        continue
      fi
      still+=("$name")
    done
    pending=("${still[@]+"${still[@]}"}")
    if ((${#pending[@]})); then
      if ((SECONDS >= deadline)); then
        failed+=("${pending[@]}")
        break
      fi
      sleep 0.05
    fi
  done
  ((${#failed[@]})) || return 0
  for name in "${failed[@]}"; do
    server_vars "$name"
    check_alive "$name"
    if [ -n "$LIVE_PID" ]; then
      note "server $name (port $PORT) did not come up within ${kStartTimeoutS}s"
    else
      note "server $name (port $PORT) exited during startup"
    fi
    log_tail "$name"
  done
  return 1
}

# Sends signal $1 to the named servers that run and waits until they are gone; SIGTERM escalates
# to SIGKILL after kStopTimeoutS.
signal_and_wait() { # signal names...
  local sig=$1 name alive=() deadline
  shift
  for name in "$@"; do
    check_alive "$name"
    [ -n "$LIVE_PID" ] || continue
    kill "-$sig" "$LIVE_PID" 2>/dev/null || true
    alive+=("$name")
  done
  deadline=$((SECONDS + kStopTimeoutS))
  while ((${#alive[@]})); do
    local still=()
    for name in "${alive[@]}"; do
      check_alive "$name"
      if [ -n "$LIVE_PID" ]; then still+=("$name"); fi
    done
    alive=("${still[@]+"${still[@]}"}")
    ((${#alive[@]})) || break
    if ((SECONDS >= deadline)); then
      [ "$sig" != KILL ] || die "still alive after SIGKILL: ${alive[*]}"
      note "still running after ${kStopTimeoutS}s, sending SIGKILL: ${alive[*]}"
      sig=KILL
      for name in "${alive[@]}"; do
        check_alive "$name"
        if [ -n "$LIVE_PID" ]; then kill -KILL "$LIVE_PID" 2>/dev/null || true; fi
      done
      deadline=$((SECONDS + 10))
    fi
    sleep 0.05
  done
}

# ---------------------------------------------------------------------------------------------
# Replication

change_master_sql() { # replica
  server_vars "$1"
  echo "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$((CLUSTER_BASE_PORT + 10 * SHARD)),
    MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos,
    MASTER_CONNECT_RETRY=1; START SLAVE;"
}

# Waits until each replica applied the GTID position its entry in the associative array named $1
# says, and runs both replication threads; prints diagnostics on failure.
replicas_caught_up() { # pos_by_replica(assoc name) timeout replicas...
  local -n pos_of=$1
  local timeout=$2 jobs=() name k rc=0
  shift 2
  for name in "$@"; do
    jobs+=("$name" "SELECT MASTER_GTID_WAIT('${pos_of[$name]}', $timeout);
      SHOW GLOBAL STATUS LIKE 'Slave_running';")
  done
  sql_parallel "${jobs[@]}" || rc=1
  k=0
  for name in "$@"; do
    if [ "${OUT[k]:-}" != $'0\nSlave_running\tON' ]; then
      note "$name did not catch up with its master (position ${pos_of[$name]}) within ${timeout}s"
      replica_diagnostics "$name"
      rc=1
    fi
    k=$((k + 1))
  done
  return $rc
}

# Points every replica at its master and proves replication works: each master writes a probe
# table and row and drops it again; each replica must apply all of it (reach the master's GTID
# position) with both replication threads running. The probe leaves no table behind.
setup_replication() { # replicas...
  local replicas=("$@") jobs=() name k i
  local -A pos=() want=()
  for name in "${replicas[@]}"; do jobs+=("$name" "$(change_master_sql "$name")"); done
  for ((i = 0; i < CLUSTER_SHARDS; i++)); do
    jobs+=("s$i-master" "CREATE DATABASE cluster_probe;
      CREATE TABLE cluster_probe.t (id INT PRIMARY KEY, v VARCHAR(64));
      INSERT INTO cluster_probe.t VALUES (1, 's$i-master');
      DROP DATABASE cluster_probe; SELECT @@gtid_binlog_pos;")
  done
  sql_parallel "${jobs[@]}" || return 1
  for ((k = ${#replicas[@]}, i = 0; i < CLUSTER_SHARDS; i++, k++)); do pos[s$i]=${OUT[k]}; done
  for name in "${replicas[@]}"; do want[$name]=${pos[${name%%-*}]}; done
  replicas_caught_up want "$kReplTimeoutS" "${replicas[@]}"
}

# ---------------------------------------------------------------------------------------------
# Generated files

write_env() {
  local f=$CLUSTER_DIR/cluster.env name p
  all_names "$CLUSTER_SHARDS" "$CLUSTER_REPLICAS"
  {
    echo "# Written by tests/cluster/cluster.sh; source it from shell scripts."
    echo "CLUSTER_DIR='$CLUSTER_DIR'"
    echo "CLUSTER_SHARDS=$CLUSTER_SHARDS"
    echo "CLUSTER_REPLICAS=$CLUSTER_REPLICAS"
    echo "CLUSTER_BASE_PORT=$CLUSTER_BASE_PORT"
    echo "CLUSTER_SERVERS='${NAMES[*]}'"
    echo "CLUSTER_SHARD_MAP='$CLUSTER_DIR/shardmap.toml'"
    for name in "${NAMES[@]}"; do
      check_alive "$name"
      p=${name^^}
      p=${p//-/_}
      echo "${p}_PORT=$PORT"
      echo "${p}_PID=$LIVE_PID"
      echo "${p}_SOCKET='$SOCK'"
      echo "${p}_DATADIR='$DATA'"
    done
  } >"$f.tmp"
  mv "$f.tmp" "$f"
}

write_shard_map() {
  local i j f=$CLUSTER_DIR/shardmap.toml reps
  {
    echo "version = 1"
    echo 'default_shard = "s0"'
    echo 'global_tables = ["countries"]'
    echo "[sharded_tables]"
    echo 'users  = "id"'
    echo 'orders = "user_id"'
    for ((i = 0; i < CLUSTER_SHARDS; i++)); do
      reps=""
      for ((j = 1; j <= CLUSTER_REPLICAS; j++)); do
        reps+="${reps:+, }\"127.0.0.1:$((CLUSTER_BASE_PORT + 10 * i + j))\""
      done
      echo "[shards.s$i]"
      echo "master   = \"127.0.0.1:$((CLUSTER_BASE_PORT + 10 * i))\""
      echo "replicas = [$reps]"
    done
    for ((i = 0; i < CLUSTER_SHARDS; i++)); do
      echo "[[ranges]]"
      echo "start = $((i * kKeysPerShard))"
      if ((i + 1 < CLUSTER_SHARDS)); then echo "end   = $(((i + 1) * kKeysPerShard))"; fi
      echo "shard = \"s$i\""
    done
  } >"$f.tmp"
  mv "$f.tmp" "$f"
}

# Sets USED_PORTS to " p1 p2 ... " (every TCP port something listens on, any address).
scan_used_ports() {
  USED_PORTS=" $(ss -ltnH 2>/dev/null | awk '{n = split($4, a, ":"); printf "%s ", a[n]}') "
}

# ---------------------------------------------------------------------------------------------
# Commands

cmd_start() {
  local name replicas=() busy=() alive=() d
  if [ -z "${OPT_SHARDS:-}" ] || [ -z "${OPT_REPLICAS:-}" ] || [ -z "${OPT_BASE_PORT:-}" ]; then
    die "start needs --dir, --shards, --replicas and --base-port"
  fi
  [[ $OPT_SHARDS =~ ^[1-9][0-9]*$ ]] || die "--shards must be >= 1"
  [[ $OPT_REPLICAS =~ ^[0-9]$ ]] || die "--replicas must be 0..9 (ten ports per shard)"
  [[ $OPT_BASE_PORT =~ ^[1-9][0-9]*$ ]] || die "--base-port must be a number"
  ((OPT_BASE_PORT >= 1024 && OPT_BASE_PORT + 10 * OPT_SHARDS <= 65535)) ||
    die "ports $OPT_BASE_PORT..$((OPT_BASE_PORT + 10 * OPT_SHARDS)) out of range"

  # Refuse while anything of an earlier cluster in DIR still runs (whatever its shape was).
  load_env_if_present
  existing_names
  for name in "${NAMES[@]+"${NAMES[@]}"}"; do
    check_alive "$name"
    if [ -n "$LIVE_PID" ]; then alive+=("$name"); fi
  done
  ((${#alive[@]} == 0)) ||
    die "$CLUSTER_DIR already holds a running cluster (${alive[*]}); run '$kProg stop --dir $CLUSTER_DIR' first"

  CLUSTER_SHARDS=$OPT_SHARDS
  CLUSTER_REPLICAS=$OPT_REPLICAS
  CLUSTER_BASE_PORT=$OPT_BASE_PORT
  all_names "$CLUSTER_SHARDS" "$CLUSTER_REPLICAS"
  local names=("${NAMES[@]}")
  scan_used_ports
  for name in "${names[@]}"; do
    server_vars "$name"
    if [[ $USED_PORTS == *" $PORT "* ]]; then busy+=("$PORT ($name)"); fi
  done
  ((${#busy[@]} == 0)) ||
    die "port(s) already in use: ${busy[*]}; pick another --base-port (try '$kProg free-port-base')"
  phase "checks done"

  ensure_template "${OPT_TEMPLATE_DIR:-/tmp/shardgate-mariadb-template-$EUID}"
  phase "template ready"

  # Old server dirs of a stopped cluster go to a trash dir that is deleted in the background
  # (deleting a used datadir takes long enough to matter).
  local trash=$CLUSTER_DIR/.trash.$$
  for d in "$CLUSTER_DIR"/s[0-9]*-*/ "$CLUSTER_DIR"/.work; do
    [ -d "$d" ] || continue
    d=${d%/}
    if [ "$d" = "$CLUSTER_DIR/.work" ] || is_server_name "${d##*/}"; then
      mkdir -p "$trash"
      mv "$d" "$trash/"
    fi
  done
  if compgen -G "$CLUSTER_DIR/.trash.*" >/dev/null; then
    (rm -rf "$CLUSTER_DIR"/.trash.* >/dev/null 2>&1 &)
  fi
  rm -f "$CLUSTER_DIR/cluster.env" "$CLUSTER_DIR/shardmap.toml"

  for name in "${names[@]}"; do
    server_vars "$name"
    mkdir -p "$SDIR"
    cp -a "$TEMPLATE_DATA" "$DATA" &
  done
  wait
  phase "datadirs copied"

  # From here on a failure would leave a half-started cluster: stop what was started.
  STARTED=("${names[@]}")
  # SIGKILL: mariadbd can miss a SIGTERM that arrives early in its startup.
  trap 'note "start failed; killing what was started"; signal_and_wait KILL "${STARTED[@]}"' EXIT
  for name in "${names[@]}"; do
    launch_server "$name"
    if ((MEMBER > 0)); then replicas+=("$name"); fi
  done
  phase "servers launched"
  wait_ready "${names[@]}" || die "cluster start failed"
  phase "servers ready"
  if ((${#replicas[@]})); then
    setup_replication "${replicas[@]}" || die "replication setup failed"
    phase "replication verified"
  else
    local jobs=()
    for name in "${names[@]}"; do jobs+=("$name" "SELECT 1"); done
    sql_parallel "${jobs[@]}" || die "servers do not answer queries"
  fi
  trap - EXIT

  write_env
  write_shard_map
  phase "files written"
  server_vars "${names[-1]}"
  echo "cluster up in $CLUSTER_DIR: $CLUSTER_SHARDS shard(s) x (1 master + $CLUSTER_REPLICAS" \
    "replica(s)) on ports $CLUSTER_BASE_PORT..$PORT; see cluster.env and shardmap.toml there"
}

cmd_stop() {
  if [ ! -d "$CLUSTER_DIR" ]; then
    echo "nothing to stop: $CLUSTER_DIR does not exist"
    return 0
  fi
  load_env_if_present
  existing_names
  if ((${#NAMES[@]} == 0)); then
    echo "nothing to stop in $CLUSTER_DIR"
    return 0
  fi
  signal_and_wait TERM "${NAMES[@]}"
  if [ -n "$SOCK_DIR" ]; then rmdir "$SOCK_DIR" 2>/dev/null || true; fi
  echo "cluster in $CLUSTER_DIR stopped"
}

cmd_status() {
  [ -d "$CLUSTER_DIR" ] || die "$CLUSTER_DIR does not exist"
  load_env
  local name repl down=0 io sq behind line
  existing_names
  printf '%-13s %-6s %-8s %-6s %s\n' SERVER PORT PID STATE REPLICATION
  for name in "${NAMES[@]}"; do
    check_alive "$name"
    repl=""
    if [ -z "$LIVE_PID" ]; then
      down=1
    elif ((MEMBER > 0)); then
      io="?" sq="?" behind="?"
      while IFS= read -r line; do
        case $line in
        *Slave_IO_Running:*) io=${line##*: } ;;
        *Slave_SQL_Running:*) sq=${line##*: } ;;
        *Seconds_Behind_Master:*) behind=${line##*: } ;;
        esac
      done < <(mariadb --no-defaults -S "$SOCK" -u"$ADMIN_USER" --connect-timeout=5 \
        -e "SHOW SLAVE STATUS\\G" 2>/dev/null || true)
      repl="io=$io sql=$sq behind=${behind}s"
    fi
    printf '%-13s %-6s %-8s %-6s %s\n' "$name" "$PORT" "${LIVE_PID:--}" \
      "$([ -n "$LIVE_PID" ] && echo alive || echo down)" "$repl"
  done
  return $down
}

# Checks --server and loads the cluster; leaves server_vars set for it.
need_server() {
  [ -n "${OPT_SERVER:-}" ] || die "--server NAME is required (e.g. s0-replica1)"
  load_env
  server_vars "$OPT_SERVER"
  [ -d "$DATA" ] || die "no server $OPT_SERVER in $CLUSTER_DIR"
}

cmd_kill() {
  need_server
  check_alive "$OPT_SERVER"
  if [ -z "$LIVE_PID" ]; then
    echo "$OPT_SERVER is not running"
    return 0
  fi
  signal_and_wait KILL "$OPT_SERVER"
  write_env
  echo "$OPT_SERVER killed"
}

cmd_stop_server() {
  need_server
  signal_and_wait TERM "$OPT_SERVER"
  write_env
  echo "$OPT_SERVER stopped"
}

cmd_restart_server() {
  need_server
  local name=$OPT_SERVER master
  check_alive "$name"
  [ -z "$LIVE_PID" ] || die "$name is already running (pid $LIVE_PID)"
  scan_used_ports
  server_vars "$name"
  [[ $USED_PORTS != *" $PORT "* ]] || die "port $PORT of $name is in use by another process"
  launch_server "$name"
  wait_ready "$name" || die "$name did not come back"
  if ((MEMBER > 0)); then
    # The replica restarts its replication threads itself (its master.info is kept). They can
    # only catch up while the master runs, so a master that is down is a warning, not an error.
    master="s$SHARD-master"
    check_alive "$master"
    if [ -n "$LIVE_PID" ]; then
      sql_parallel "$master" "SELECT @@gtid_binlog_pos" || die "cannot query $master"
      # shellcheck disable=SC2034 # read through a nameref
      local -A want=([$name]=${OUT[0]})
      replicas_caught_up want 15 "$name" || die "$name runs but does not replicate"
    else
      note "warning: $master is down; $name will reconnect when it is back"
    fi
  else
    sql_parallel "$name" "SELECT 1" || die "$name does not answer queries"
  fi
  write_env
  check_alive "$name"
  echo "$name restarted (pid $LIVE_PID)"
}

cmd_client() {
  need_server
  exec mariadb --no-defaults -S "$SOCK" -u"$ADMIN_USER" "${EXTRA_ARGS[@]+"${EXTRA_ARGS[@]}"}"
}

cmd_free_port_base() {
  local span=${OPT_SPAN:-$kPortSpan} base tries p ok
  scan_used_ports
  # Below the kernel's ephemeral range (32768+), so outgoing connections never hold our ports.
  for ((tries = 0; tries < 200; tries++)); do
    base=$((20000 + (RANDOM % 120) * 100))
    ok=1
    for ((p = base; p < base + span; p++)); do
      if [[ $USED_PORTS == *" $p "* ]]; then
        ok=0
        break
      fi
    done
    if ((ok)); then
      echo "$base"
      return 0
    fi
  done
  die "no free block of $span ports found in 20000..32000"
}

# ---------------------------------------------------------------------------------------------

main() {
  local cmd=${1:-help}
  shift || true
  EXTRA_ARGS=()
  while (($#)); do
    case $1 in
    --dir) OPT_DIR=${2:?--dir needs a value}; shift 2 ;;
    --shards) OPT_SHARDS=${2:?--shards needs a value}; shift 2 ;;
    --replicas) OPT_REPLICAS=${2:?--replicas needs a value}; shift 2 ;;
    --base-port) OPT_BASE_PORT=${2:?--base-port needs a value}; shift 2 ;;
    --template-dir) OPT_TEMPLATE_DIR=${2:?--template-dir needs a value}; shift 2 ;;
    --server) OPT_SERVER=${2:?--server needs a value}; shift 2 ;;
    --span) OPT_SPAN=${2:?--span needs a value}; shift 2 ;;
    --) shift; EXTRA_ARGS=("$@"); break ;;
    *) die "unknown argument '$1' (see '$kProg help')" ;;
    esac
  done
  case $cmd in
  help | -h | --help) usage; return 0 ;;
  free-port-base) cmd_free_port_base; return ;;
  esac
  [ -n "${OPT_DIR:-}" ] || die "$cmd needs --dir DIR"
  if [ "$cmd" = start ]; then mkdir -p "$OPT_DIR" || die "cannot create $OPT_DIR"; fi
  CLUSTER_DIR=$(realpath -m -- "$OPT_DIR")
  ADMIN_USER=$(id -un)
  CLUSTER_BASE_PORT=0 # until cluster.env or --base-port says otherwise
  init_sock_dir
  case $cmd in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  kill) cmd_kill ;;
  stop-server) cmd_stop_server ;;
  restart-server) cmd_restart_server ;;
  client) cmd_client ;;
  *) usage >&2; die "unknown command '$cmd'" ;;
  esac
}

main "$@"
