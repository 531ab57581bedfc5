namespace AsyncProf.Cli
{
    static class HelpText
    {
        public const string Main =
@"asyncprof: a profiler for async .NET code.

usage:
  asyncprof weave <dll or folder>... [--output DIR] [--include PATTERN]... [--exclude PATTERN]... [--verbose]
  asyncprof report <profile.json> [--format FMT] [-o FILE] [--sort KEY] [--top N] [--tree] [--callers NAME] [--callees NAME]
  asyncprof --version

Weave the app's assemblies, run it with ASYNCPROF_OUTPUT=profile.json, then read the profile with
'asyncprof report profile.json'. 'asyncprof <command> --help' tells more.

exit codes: 0 done, 1 bad input (missing file, not a .NET assembly, reference or ReadyToRun assembly,
already woven, bad profile), 2 usage error (and --help), 3 internal error.";

        public const string Weave =
@"usage: asyncprof weave <dll or folder>... [--output DIR] [--include PATTERN]... [--exclude PATTERN]... [--verbose]

Rewrites .NET assemblies so every method reports calls, wall time (awaits included), CPU time while running
and allocations, then puts the profiler runtime AsyncProf.dll beside them and registers it in the app's
deps.json so 'dotnet app.dll' still starts.

  <dll>              an assembly to weave; one that cannot be woven (not .NET, reference assembly,
                     ReadyToRun image, already woven) is an error
  <folder>           every managed .dll directly in it except AsyncProf*.dll; ones that cannot be woven
                     are skipped with one line each
  -o, --output DIR   write woven copies (with their .pdb) to DIR and leave the originals untouched;
                     without it assemblies are rewritten in place. The runtime is registered in a deps.json
                     in DIR when DIR has one (copy the whole app there to run it from DIR).
  --include PATTERN  weave only methods whose name (Namespace.Type.Method) matches; * matches any run of
                     characters; repeatable
  --exclude PATTERN  do not weave methods whose name matches; repeatable
  -v, --verbose      print what the weaver does";

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
  -s, --sort KEY       wall (default), cpu, self, calls, suspends, alloc or name
  -n, --top N          show only the first N functions
  --tree               the call tree, indented, with each node's share of the total
  --depth N            (tree) stop at depth N
  --min-percent P      (tree) hide nodes under P% of the total
  -m, --metric M       (tree) wall (default), cpu or alloc
  --callers NAME       who calls NAME, with their share of its time (like pstats' print_callers)
  --callees NAME       what NAME calls, with their share of its time";
    }
}
