using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Shared;

namespace AsyncProf.Cli
{
    /// <summary>
    /// <c>asyncprof verify &lt;dll or folder&gt;... [--references DIR]...</c>: JIT-compiles every method of each
    /// assembly (generics instantiated where their constraints allow) and reports the first failure, with the method
    /// and IL offset. Exit 0 when everything compiles, 1 otherwise.
    /// </summary>
    public static class VerifyCommand
    {
        static readonly OptionSpec[] Options =
        {
            new("references", TakesValue: true, Repeatable: true, ShortName: "r"),
            new("verbose", TakesValue: false, ShortName: "v"),
        };

        public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            var parsed = ArgumentParser.Parse("verify", args, Options);
            if (parsed.Positionals.Count == 0) throw new UsageException("verify needs at least one dll or folder (see 'asyncprof verify --help')");
            foreach (var r in parsed.Values("references"))
                if (!Directory.Exists(r)) throw new UsageException($"--references {r}: no such folder");

            // In-place rules do not apply: verify only reads.
            var inputs = WeaveInputs.Collect(parsed.Positionals, inPlace: false, stdout);
            var failures = new List<string>();
            using var progress = ProgressReporter.ForConsole(stderr);
            for (var n = 0; n < inputs.Count; n++)
            {
                var input = inputs[n];
                progress.Step(n + 1, inputs.Count, "verifying " + input.DisplayPath);
                var report = JitVerifier.Verify(input.RealPath, ReferenceFolders.For(input.DisplayPath, parsed.Values("references")));
                if (parsed.Has("verbose")) stdout.WriteLine("  " + OneLineText.Of(report.ToString()));
                var problem = report.MissingReference ?? report.FirstFailure;
                if (problem == null)
                {
                    stdout.WriteLine($"{input.DisplayPath}: {report.Prepared} methods compile" +
                                     (report.SkippedOpenGenerics.Count > 0 ? $" ({report.SkippedOpenGenerics.Count} open generics could not be instantiated and were not checked)" : ""));
                    continue;
                }
                var line = $"{input.DisplayPath}: {(report.MissingReference != null ? "cannot be verified: " : "does not compile: ")}{OneLineText.Of(problem)}" +
                           (report.Failures.Count > 1 ? $" ({report.Failures.Count} failures in all; --verbose lists them)" : "");
                if (inputs.Count == 1) throw new InputException(line);
                stderr.WriteLine("asyncprof: " + line);
                failures.Add(line);
            }
            progress.Clear();
            return failures.Count == 0 ? ExitCodes.Success : ExitCodes.BadInput;
        }
    }
}
