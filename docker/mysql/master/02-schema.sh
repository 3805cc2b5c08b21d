#!/bin/bash
# Runs once on each master after 01-accounts.sql (the MySQL image's /docker-entrypoint-initdb.d,
# against its temporary server on the local socket). The sample schema of scripts/demo, without
# its rows: users and orders are sharded on the user id (docker/shardgate/shardmap.toml),
# countries is a global table, the same on every shard. SHARD_INDEX (0, 1, ...) comes from
# docker/compose.yaml: new order ids of shard N start at N * 1000000 + 1000, so they never
# collide across shards. The image may source this file rather than run it: no `exit` here.

: "${SHARD_INDEX:?SHARD_INDEX must be set (docker/compose.yaml)}"

MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql --protocol=socket -uroot app <<SQL
CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(64), email VARCHAR(128),
                    created_at DATETIME);
CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL,
                     amount DECIMAL(10,2), created_at DATETIME, KEY (user_id));
ALTER TABLE orders AUTO_INCREMENT = $((SHARD_INDEX * 1000000 + 1000));
CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(64));
INSERT INTO countries VALUES ('DE','Germany'), ('FR','France'), ('IT','Italy'),
  ('JP','Japan'), ('BR','Brazil'), ('CA','Canada'), ('IN','India'), ('KE','Kenya'),
  ('NZ','New Zealand'), ('US','United States');
SQL
