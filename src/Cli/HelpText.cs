namespace AsyncProf.Cli
{
    static class HelpText
    {
        public const string Main =
@"asyncprof: a profiler for async .NET code.

usage:
  asyncprof weave <dll or folder>... [--output DIR] [--include PATTERN]... [--exclude PATTERN]... [--all] [--dry-run]
                  [--verify] [--key FILE] [--references DIR]... [--verbose]
  asyncprof verify <dll or folder>... [--references DIR]... [--verbose]
  asyncprof restore <dll or folder>...
  asyncprof report <profile.json> [--format FMT] [-o FILE] [--sort KEY] [--top N] [--tree] [--callers NAME] [--callees NAME] [--blocking] [--critical-path]
  asyncprof diff <before.json> <after.json> [-o FILE] [--metric M] [--top N] [--fail-over PERCENT]
  asyncprof curl <url> [-X METHOD] [-H 'Name: value']... [-d DATA] [--key-file FILE] [-o FILE] [--format FMT]
  asyncprof key new
  asyncprof --version

Weave the app's assemblies, run it with ASYNCPROF_OUTPUT=profile.json, then read the profile with
'asyncprof report profile.json'. On a live ASP.NET Core server (AsyncProf.AspNetCore), 'asyncprof curl URL'
profiles that one request alone. 'asyncprof <command> --help' tells more.

exit codes: 0 done, 1 bad input (missing file, not a .NET assembly, damaged, reference or ReadyToRun
assembly, already woven, read-only, bad profile, code that does not compile), 2 usage error (and --help),
3 internal error (a bug in asyncprof: please report it), 4 diff --fail-over found a regression.";

        public const string Weave =
@"usage: asyncprof weave <dll or folder>... [--output DIR] [--include PATTERN]... [--exclude PATTERN]... [--all] [--dry-run]
                       [--verify] [--key FILE] [--references DIR]... [--verbose]

Rewrites .NET assemblies so every method reports calls, wall time (awaits included), CPU time while running
and allocations, then puts the profiler runtime AsyncProf.dll beside them and registers it in the app's
deps.json so 'dotnet app.dll' still starts. Everything is checked and woven before any file is replaced: a
damaged input or a malformed deps.json leaves every file as it was.

  <dll>              an assembly to weave; one that cannot be woven (not .NET, damaged, reference assembly,
                     ReadyToRun image, already woven, read-only) is an error. A symbolic link is followed: its
                     target is woven and the link stays a link; FIFOs and devices are refused without opening
  <folder>           every managed .dll directly in it except AsyncProf*.dll; ones that cannot be woven
                     are skipped with one line each
  -o, --output DIR   write woven copies (with their .pdb) to DIR and leave the originals untouched;
                     without it assemblies are rewritten in place, keeping their permissions, and the
                     originals (and deps.json) are kept in .asyncprof-backup/ for 'asyncprof restore'.
                     The runtime is registered in a deps.json in DIR when DIR has one.
  -n, --dry-run      weave in memory only: list what would be woven and why anything is skipped; writes nothing
  --verify           JIT-compile every woven method before replacing anything (see 'asyncprof verify')
  --key FILE         re-sign strong-named assemblies with this key pair (.snk), so the result still binds
                     where its strong name is checked
  -r, --references DIR  another folder to look for referenced assemblies in (besides the app folder, the
                     packages its deps.json names in the NuGet cache, and the shared frameworks); repeatable
  --include PATTERN  weave only methods whose name (Namespace.Type.Method) matches; * matches any run of
                     characters; repeatable. A pattern without * also weaves the method it names when the
                     default would leave it out (see --all)
  --exclude PATTERN  do not weave methods whose name matches; repeatable
  --all              weave trivial methods too. By default a method whose probe would cost more than it
                     tells is left out: a body of a few bytes with no call and no loop (getters, field stores,
                     constants) or one marked [MethodImpl(AggressiveInlining)]; its time is its caller's self
                     time, as if inlined. Compiler plumbing (auto-property accessors, record members, closure
                     constructors) is always left out. The summary counts what was left out and why.
  -v, --verbose      print what the weaver does

Progress ([3/40] weaving ...) is shown on stderr only when it is a terminal and the run takes over a second.";

        public const string Verify =
@"usage: asyncprof verify <dll or folder>... [--references DIR]... [--verbose]

JIT-compiles every method of each assembly (generic ones instantiated where their constraints allow; nothing
is run) and reports the first failure with the method and IL offset. References are found as 'weave' finds
them. Exit 0 when everything compiles, 1 when something does not or a reference is missing.

  -r, --references DIR  another folder to look for referenced assemblies in; repeatable
  -v, --verbose      print every failure and every skipped open generic";

        public const string Restore =
@"usage: asyncprof restore <dll or folder>...

Puts back, byte for byte, what in-place weaving replaced, from the folder's .asyncprof-backup/:
  <folder>           every assembly, pdb and deps.json kept there; the runtime files weaving added are removed
  <dll>              that assembly and its pdb";

        public const string Report =
@"usage: asyncprof report <profile.json> [--format FMT] [-o FILE] [text options]

Without --format or -o, prints one row per profiled function: calls, suspensions, inclusive wall time (total and
per call, awaits included), self and inclusive CPU time, inclusive allocations; in-flight calls and faults when
there are any.

  -f, --format FMT     text (default), speedscope, chrome, pprof, callgrind, folded (cpu), folded-wall,
                       folded-cpu, folded-alloc, html, json
  -o, --output FILE    write to FILE; without --format the format comes from its extension (.speedscope.json,
                       .trace.json, .pb.gz, callgrind.out.*, .folded, .html, .txt, .json). A non-text format
                       without -o goes beside the profile (profile.speedscope.json, ...)
text options:
  -s, --sort KEY       wall (default), cpu, self, calls, suspends, alloc, name, blocked or suspended
  -n, --top N          show only the first N functions
  --tree               the call tree, indented, with each node's share of the total
  --depth N            (tree) stop at depth N
  --min-percent P      (tree) hide nodes under P% of the total
  -m, --metric M       (tree) wall (default), cpu or alloc
  --callers NAME       who calls NAME, with their share of its time (like pstats' print_callers)
  --callees NAME       what NAME calls, with their share of its time
  --blocking           the blocking call sites woven code reached (Task.Wait, .Result, GetAwaiter().GetResult(),
                       Monitor.Enter/lock, SemaphoreSlim.Wait, Thread.Sleep, WaitHandle.WaitOne, Thread.Join):
                       function, call, file:line, calls, total and worst time blocked, pool-thread blocks
  --critical-path      from the root with the most wall time down, the callee each async call's resumptions
                       waited on last (of things awaited together: Task.WhenAll, a task started earlier)";

        public const string Curl =
@"usage: asyncprof curl <url> [-X METHOD] [-H 'Name: value']... [-d DATA] [--key-file FILE] [-o FILE] [--format FMT]

Sends one request to a server running AsyncProf.AspNetCore (builder.Services.AddAsyncProf(), app.UseAsyncProf()),
signed with its key: a token good for this method and path only, once, for 60 s. The server profiles that request
alone; curl prints the response status, fetches the profile and shows it as 'asyncprof report' does. The
response body is not printed.

  -X, --request METHOD  the method (GET; POST with -d)
  -H, --header 'Name: value'  a request header; repeatable
  -d, --data DATA       the request body (@FILE reads it from FILE), sent as application/x-www-form-urlencoded
                        unless -H sets Content-Type
  --key-file FILE       the key, as 'asyncprof key new' printed it; without it, ASYNCPROF_KEY
  -o, --output FILE     write the profile to FILE, its format from --format or from the extension (as 'report')
  -f, --format FMT      text (default: printed), json, speedscope, chrome, pprof, html, ...; a file format without
                        -o goes to ./asyncprof-<id><extension>
  --timeout SECONDS     give up on a response after this long (100)

exit codes: 0 profiled, 1 when it was not: the server cannot be reached, runs no AsyncProf (or has no key),
refuses the key, or did not profile the request (its reason, such as too many profiled requests at once,
is printed), 2 usage error.";

        public const string Key =
@"usage: asyncprof key new

Prints a fresh key for AsyncProf.AspNetCore: <id>:<secret>, the id naming the key in every token (k and 8 hex
digits), the secret 32 random bytes in base64. Give it to the server as AsyncProf:Key (appsettings.json, or
AsyncProf__Key in the environment) and to 'asyncprof curl' as --key-file or ASYNCPROF_KEY. Keep it secret: it
lets its holder profile any request and read the profiles.";

        public const string Diff =
@"usage: asyncprof diff <before.json> <after.json> [-o FILE] [--metric M] [--top N] [--fail-over PERCENT [--min-share P]]

Compares two profiles function by function (matched by name) and call path by call path: calls, wall time,
CPU time and allocated bytes, inclusive, in total and per call, sorted by what moved most (the largest absolute
change of the metric first). Prints the totals, then the functions and the call paths.

  -o, --output FILE    write to FILE: a .html name gets a differential flame graph (grown red, shrunk blue, wall /
                       CPU / allocated switch), any other name the text
  -m, --metric M       what to sort and detail by: wall (default), cpu, alloc, calls, or a part of the
                       wall split: running, blocked, suspended, queued, gc
  -n, --top N          rows per table (default 20)
  --fail-over PERCENT  exit 4, naming them, when functions grew by more than PERCENT % in the metric (inclusive
                       total); functions only one profile has are not judged (their callers are)
  --min-share P        (with --fail-over) judge only functions with at least P % (default 1) of the larger total";
    }
}
