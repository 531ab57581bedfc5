# The library tests (tests/AsyncProf.Tests/Libraries) start their own throwaway PostgreSQL cluster and redis-server
# on 127.0.0.1 from Debian's binaries: initdb/postgres in /usr/lib/postgresql/<version>/bin, /usr/bin/redis-server.
# Installing the packages may start Debian's default services; the tests never use them.
apt_install postgresql redis-server
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! [ -x /usr/bin/redis-server ]; then
    echo "setup: postgresql and redis-server installed but /usr/lib/postgresql/*/bin/initdb or /usr/bin/redis-server is missing" >&2
    exit 1
fi
