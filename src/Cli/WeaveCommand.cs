using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Weaving;

namespace AsyncProf.Cli
{
    /// <summary><c>asyncprof weave &lt;dll or folder&gt;... [--output DIR] [--include P]... [--exclude P]...</c></summary>
    public static class WeaveCommand
    {
        static readonly OptionSpec[] Options =
        {
            new("output", TakesValue: true, ShortName: "o"),
            new("include", TakesValue: true, Repeatable: true),
            new("exclude", TakesValue: true, Repeatable: true),
            new("verbose", TakesValue: false, ShortName: "v"),
        };

        sealed record Input(string DisplayPath, string FullPath, bool Explicit);

        public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            var parsed = ArgumentParser.Parse("weave", args, Options);
            if (parsed.Positionals.Count == 0) throw new UsageException("weave needs at least one dll or folder (see 'asyncprof weave --help')");

            var settings = new WeaverSettings();
            settings.Include.AddRange(parsed.Values("include"));
            settings.Exclude.AddRange(parsed.Values("exclude"));
            var outputDir = parsed.Value("output");
            if (outputDir != null && File.Exists(outputDir))
                throw new UsageException($"--output {outputDir}: is a file, expected a folder");
            var log = new ConsoleWeaverLog(stdout, stderr, parsed.Has("verbose"));

            // Everything named is checked before anything is written, so a bad argument leaves all files as they were.
            var inputs = new List<Input>();
            var seen = new HashSet<string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
            foreach (var arg in parsed.Positionals)
            {
                if (Directory.Exists(arg))
                {
                    var candidates = Directory.EnumerateFiles(arg, "*.dll", SearchOption.TopDirectoryOnly)
                        .Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                        .Where(f => !Path.GetFileName(f).StartsWith("AsyncProf", StringComparison.OrdinalIgnoreCase))
                        .OrderBy(f => f, StringComparer.Ordinal)
                        .ToList();
                    if (candidates.Count == 0) stdout.WriteLine($"{arg}: no .dll to weave");
                    foreach (var file in candidates)
                        if (seen.Add(Path.GetFullPath(file))) inputs.Add(new Input(file, Path.GetFullPath(file), Explicit: false));
                }
                else if (File.Exists(arg))
                {
                    var full = Path.GetFullPath(arg);
                    if (!seen.Add(full))
                    {
                        // Named explicitly after its folder: the explicit rules (errors, not skips) apply.
                        var i = inputs.FindIndex(x => x.FullPath == full);
                        if (i >= 0) inputs[i] = new Input(arg, full, Explicit: true);
                        continue;
                    }
                    inputs.Add(new Input(arg, full, Explicit: true));
                }
                else
                {
                    throw new InputException($"{arg}: no such file or folder");
                }
            }

            var toWeave = new List<Input>();
            foreach (var input in inputs)
            {
                AssemblyKind kind;
                string problem;
                try
                {
                    kind = AssemblyInspector.Classify(input.FullPath, out problem);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new InputException($"{input.DisplayPath}: cannot read: {OneLine(e.Message)}", e);
                }
                if (kind == AssemblyKind.Weavable) toWeave.Add(input);
                else if (input.Explicit) throw new InputException($"{input.DisplayPath}: {problem}");
                else stdout.WriteLine($"skipped {input.DisplayPath}: {problem}");
            }

            if (outputDir != null) Directory.CreateDirectory(outputDir);

            foreach (var input in toWeave)
            {
                var output = outputDir == null ? input.FullPath : Path.GetFullPath(Path.Combine(outputDir, Path.GetFileName(input.FullPath)));
                WeaveResult result;
                try
                {
                    result = AssemblyWeaver.WeaveFile(input.FullPath, output, settings, log);
                }
                catch (WeavingException e)
                {
                    // The weaver refused the file (e.g. already woven). It wrote nothing: its writes are atomic.
                    if (input.Explicit) throw new InputException(OneLine(e.Message), e);
                    stdout.WriteLine($"skipped {input.DisplayPath}: {StripFilePrefix(OneLine(e.Message), input)}");
                    continue;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new InputException($"{input.DisplayPath}: {OneLine(e.Message)}", e);
                }
                catch (Exception e)
                {
                    // A weaver bug: say which file triggered it (CliApp turns this into an internal error, exit 3).
                    throw new InternalFailureException($"weaving {input.DisplayPath} failed: {e.GetType().Name}: {OneLine(e.Message)}", e);
                }

                var shown = outputDir == null ? input.DisplayPath : Path.Combine(outputDir, Path.GetFileName(input.FullPath));
                stdout.WriteLine($"{shown}: {result}");
                DeploymentResult deployment;
                try
                {
                    deployment = RuntimeDeployment.DeployBeside(output);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new InputException($"{shown}: woven, but the profiler runtime could not be put beside it: {OneLine(e.Message)}", e);
                }
                if (parsed.Has("verbose")) stdout.WriteLine("  " + deployment);
            }
            return ExitCodes.Success;
        }

        /// <summary>The weaver's messages start with the file; in a "skipped FILE: ..." line say it once.</summary>
        static string StripFilePrefix(string message, Input input)
        {
            foreach (var prefix in new[] { input.FullPath, input.DisplayPath, Path.GetFileName(input.FullPath) })
                if (message.StartsWith(prefix + ": ", StringComparison.Ordinal)) return message.Substring(prefix.Length + 2);
            return message;
        }

        static string OneLine(string s) => s.Replace("\r", " ").Replace("\n", " ").Trim();
    }
}
