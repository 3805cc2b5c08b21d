-- Runs once on each master, when the MySQL image initialises an empty data directory
-- (/docker-entrypoint-initdb.d). Binary-logged on purpose: the replicas start from the master's
-- first GTID (SOURCE_AUTO_POSITION = 1), so they get these accounts and schemas by replication.
-- Passwords are the demo's (conf/shardgate.toml, tests/cluster/cluster.sh): change them, and
-- docker/shardgate/shardgate.toml with them, for anything but a local try-out.

CREATE DATABASE IF NOT EXISTS app;

-- Replication: what the replicas' CHANGE REPLICATION SOURCE TO logs in with.
CREATE USER 'repl'@'%' IDENTIFIED BY 'repl';
GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';

-- shardgate's [backend] account (docs/configuration.md, docs/routing.md): the application schema,
-- the `shardgate` schema (shardgate.xa_log, created by shardgate on every master), and
-- XA RECOVER of other sessions' prepared branches (crash recovery of cross-shard commits).
CREATE USER 'app'@'%' IDENTIFIED BY 'app';
GRANT ALL PRIVILEGES ON app.* TO 'app'@'%';
GRANT ALL PRIVILEGES ON shardgate.* TO 'app'@'%';
GRANT XA_RECOVER_ADMIN ON *.* TO 'app'@'%';

-- shardgate's [monitor] account: SHOW REPLICA STATUS on the replicas, and the heartbeat table
-- shardgate.heartbeat (the monitor creates it and writes it on masters, reads it on replicas).
CREATE USER 'monitor'@'%' IDENTIFIED BY 'monitor';
GRANT REPLICATION CLIENT ON *.* TO 'monitor'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON shardgate.* TO 'monitor'@'%';
