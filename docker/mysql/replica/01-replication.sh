#!/bin/bash
# Runs once on each replica, when the MySQL image initialises an empty data directory
# (/docker-entrypoint-initdb.d, against its temporary server on the local socket; that server
# listens on no TCP port, so the container's healthcheck stays red until the real one starts).
# Makes this server a GTID replica of $SOURCE_HOST (docker/compose.yaml) and read-only.
# The image may source this file rather than run it: no `exit 0` here.

: "${SOURCE_HOST:?SOURCE_HOST must name the master (docker/compose.yaml)}"

# compose starts replicas only once their master is healthy; wait anyway, in case this runs
# by hand or the master restarts meanwhile (START REPLICA would retry on its own, too).
for _ in $(seq 60); do
  if MYSQL_PWD=repl mysqladmin ping --protocol=tcp -h"$SOURCE_HOST" -P3306 -urepl \
       --connect-timeout=2 --silent >/dev/null 2>&1; then
    break
  fi
  echo "01-replication.sh: waiting for $SOURCE_HOST:3306"
  sleep 2
done

# RESET MASTER: forget this server's own init transactions, so that the master's binary log,
# from its first GTID, brings every account, schema and row (01-accounts.sql, 02-schema.sh).
# GET_SOURCE_PUBLIC_KEY: repl uses caching_sha2_password and the link is not TLS.
# super_read_only is persisted last (mysqld-auto.cnf): given on the command line it would also
# apply to the image's own init steps, which create root@'%'. Replication is exempt from it.
MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql --protocol=socket -uroot <<SQL
RESET MASTER;
CHANGE REPLICATION SOURCE TO
  SOURCE_HOST = '$SOURCE_HOST',
  SOURCE_PORT = 3306,
  SOURCE_USER = 'repl',
  SOURCE_PASSWORD = 'repl',
  SOURCE_AUTO_POSITION = 1,
  GET_SOURCE_PUBLIC_KEY = 1,
  SOURCE_CONNECT_RETRY = 5;
START REPLICA;
SET PERSIST super_read_only = ON;
SQL
