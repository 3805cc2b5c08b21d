"""Runs a command against a fresh shardgate in front of the test cluster.

  with_shardgate.py [--auth-plugin PLUGIN] [--timeout S] -- COMMAND [ARGS...]

Starts shardgate (harness.Shardgate), runs COMMAND with SHARDGATE_PORT and MASTER_PORT (the
default shard's master) in its environment, then stops shardgate. The exit status is the
command's, or 1 when shardgate did not exit cleanly (its log is printed then).
"""

import argparse
import os
import subprocess
import sys

import harness


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--auth-plugin", default=None)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    sg = harness.Shardgate(auth_plugin=args.auth_plugin).start()
    rc = 1
    try:
        env = dict(os.environ, SHARDGATE_PORT=str(sg.port),
                   MASTER_PORT=str(harness.cluster().master_port))
        sys.stdout.flush()
        try:
            rc = subprocess.run(command, env=env, timeout=args.timeout).returncode
        except subprocess.TimeoutExpired:
            print(f"with_shardgate: {command[0]} did not finish within {args.timeout}s",
                  file=sys.stderr)
            rc = 1
    finally:
        try:
            sg.close(failed=rc != 0)
        except AssertionError as e:
            print(f"with_shardgate: {e}", file=sys.stderr)
            rc = rc or 1
    if rc < 0:
        print(f"with_shardgate: {command[0]} {harness.describe_status(rc)}", file=sys.stderr)
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
