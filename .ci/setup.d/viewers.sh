# The viewers the suite opens our exports in (tests/AsyncProf.Tests/Viewers): go tool pprof (golang-go),
# callgrind_annotate (valgrind), flamegraph.pl (Brendan Gregg's, shipped by Debian in libdevel-nytprof-perl), and
# speedscope's real app from npm, installed at the version pinned in .ci/viewers/package.json into
# artifacts/viewers/node_modules (gitignored) with the machine's npm (Debian's nodejs/npm when it has none).
apt_install golang-go valgrind libdevel-nytprof-perl
if ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm; fi

viewers_dir=artifacts/viewers
viewers_pinned=$(grep -o '"speedscope": *"[^"]*"' .ci/viewers/package.json | grep -o '[0-9][0-9.]*')
viewers_have=""
if [ -f "$viewers_dir/node_modules/speedscope/package.json" ]; then
    viewers_have=$(grep -o '"version": *"[^"]*"' "$viewers_dir/node_modules/speedscope/package.json" | head -1 | grep -o '[0-9][0-9.]*')
fi
if [ "$viewers_have" != "$viewers_pinned" ]; then
    echo "setup: installing speedscope $viewers_pinned into $viewers_dir" >&2
    mkdir -p "$viewers_dir"
    cp .ci/viewers/package.json "$viewers_dir/package.json"
    (cd "$viewers_dir" && npm install --no-audit --no-fund --ignore-scripts --no-save --loglevel=error >/dev/null)
fi
for viewer in /usr/bin/go /usr/bin/callgrind_annotate /usr/share/perl5/Devel/NYTProf/flamegraph.pl \
    "$viewers_dir/node_modules/speedscope/dist/release/index.html"; do
    if ! [ -e "$viewer" ]; then echo "setup: viewer $viewer is missing after installing it" >&2; exit 1; fi
done
