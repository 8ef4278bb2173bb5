# Sourced by test.sh: a throwaway PostgreSQL cluster (Debian's package) in a temp
# folder, on a free port of 127.0.0.1, for the service suite's run on PostgreSQL.
# Exports PIAOJIA_TEST_POSTGRES; `stop_postgres` stops it and removes the folder.
need_debs postgresql
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_dir=$(mktemp -d /tmp/piaojia-postgres.XXXXXX)
chown postgres: "$pg_dir"
# initdb refuses to run as root: the cluster belongs to the package's postgres user.
# Its data is thrown away, so it need not survive a crash (fsync off).
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 \
    --no-sync >/dev/null
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if ! runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -t 60 start \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" >/dev/null; then
    echo "PostgreSQL did not start; its log:" >&2
    cat "$pg_dir/log" >&2
    exit 1
fi
stop_postgres() {
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$pg_dir"
}
export PIAOJIA_TEST_POSTGRES="postgres://postgres@127.0.0.1:$pg_port/postgres"
