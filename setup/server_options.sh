#!/usr/bin/env bash
# Prints, one per line, the Odoo command-line options of a server sized for
# this machine (or the one SERVER_CPUS / SERVER_MEMORY_MB describe). Used by
# setup/run.sh and tests/benchmarks/load_test.py, so that both size a server
# the same way. Nothing is printed for the default, threaded server.
#
#   WORKERS           0 (default): one process with threads, for development;
#                     auto: 2 x CPUs + 1, at most one per 512 MB of 3/4 of the
#                     memory; N: N worker processes (prefork)
#   MAX_CRON_THREADS  cron worker processes (scheduled jobs, mail queue,
#                     fetchmail): 1 up to 3 CPUs, else 2
#   LIMIT_MEMORY_HARD a worker is killed past it (MB): 3/4 of the memory shared
#                     by the workers and cron workers, between 1024 and 2560
#   LIMIT_MEMORY_SOFT a worker is recycled after its request past it (MB):
#                     4/5 of the hard limit
#   LIMIT_TIME_CPU, LIMIT_TIME_REAL   seconds per request: 60 and 120
#   LIMIT_TIME_REAL_CRON              seconds per scheduled job: 300
#   GEVENT_PORT       the port of the process serving /websocket (8072)
#   PROXY_MODE=1      behind a reverse proxy (X-Forwarded-* headers trusted)
#   DB_REPLICA_HOST, DB_REPLICA_PORT  a read replica for read-only requests
set -euo pipefail

cpus=${SERVER_CPUS:-$(nproc)}
memory_mb=${SERVER_MEMORY_MB:-$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)}
workers=${WORKERS:-0}

bad() { printf 'ERROR: %s\n' "$1" >&2; exit 1; }
is_count() { [[ $1 =~ ^[0-9]+$ ]]; }

if [ "$workers" = auto ]; then
    workers=$((2 * cpus + 1))
    # a worker of these addons used at most 130 MB under the load test;
    # 512 MB each leaves room for peaks (PDF reports, imports), and 1/4 of
    # the memory for PostgreSQL
    by_memory=$((memory_mb * 3 / 4 / 512))
    [ "$by_memory" -ge 1 ] || by_memory=1
    [ "$workers" -le "$by_memory" ] || workers=$by_memory
fi
is_count "$workers" || bad "WORKERS must be 0, auto or a number (got '$workers')"

if [ "${PROXY_MODE:-0}" = 1 ]; then
    echo "--proxy-mode"
fi
if [ -n "${DB_REPLICA_HOST:-}" ]; then
    echo "--db_replica_host=$DB_REPLICA_HOST"
fi
if [ -n "${DB_REPLICA_PORT:-}" ]; then
    echo "--db_replica_port=$DB_REPLICA_PORT"
fi
[ "$workers" -gt 0 ] || exit 0

if [ "$cpus" -le 3 ]; then crons=1; else crons=2; fi
crons=${MAX_CRON_THREADS:-$crons}
is_count "$crons" || bad "MAX_CRON_THREADS must be a number (got '$crons')"
hard_mb=$((memory_mb * 3 / 4 / (workers + crons)))
[ "$hard_mb" -le 2560 ] || hard_mb=2560
# the limit is on the address space (RLIMIT_AS), well above what a worker
# really uses, and wkhtmltopdf, started by the worker, inherits it: 1 GB at
# least leaves it room
[ "$hard_mb" -ge 1024 ] || hard_mb=1024
hard_mb=${LIMIT_MEMORY_HARD:-$hard_mb}
soft_mb=${LIMIT_MEMORY_SOFT:-$((hard_mb * 4 / 5))}
is_count "$hard_mb" && is_count "$soft_mb" || bad "LIMIT_MEMORY_HARD/SOFT are numbers of MB"
[ "$soft_mb" -le "$hard_mb" ] || bad "LIMIT_MEMORY_SOFT ($soft_mb MB) exceeds LIMIT_MEMORY_HARD ($hard_mb MB)"

echo "--workers=$workers"
echo "--max-cron-threads=$crons"
echo "--limit-memory-hard=$((hard_mb * 1024 * 1024))"
echo "--limit-memory-soft=$((soft_mb * 1024 * 1024))"
echo "--limit-time-cpu=${LIMIT_TIME_CPU:-60}"
echo "--limit-time-real=${LIMIT_TIME_REAL:-120}"
echo "--limit-time-real-cron=${LIMIT_TIME_REAL_CRON:-300}"
echo "--gevent-port=${GEVENT_PORT:-8072}"
