namespace AsyncProf.Cli
{
    static class HelpText
    {
        public const string Main =
@"asyncprof: a profiler for async .NET code.

usage:
  asyncprof weave <dll or folder>... [--output DIR] [--include PATTERN]... [--exclude PATTERN]... [--verbose]
  asyncprof report <profile.json> [--sort KEY] [--top N]
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
@"usage: asyncprof report <profile.json> [--sort KEY] [--top N]

Prints one row per profiled function: calls, suspensions, inclusive wall time (total and per call, awaits
included), self and inclusive CPU time, inclusive allocations; in-flight calls and faults when there are any.

  --sort KEY   wall (default), cpu, self, calls, suspends, alloc or name
  --top N      show only the first N functions";
    }
}
