using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Shared;
using AsyncProf.Weaver;

namespace AsyncProf.Cli
{
    /// <summary>
    /// <c>asyncprof weave &lt;dll or folder&gt;... [--output DIR] [--include P]... [--exclude P]... [--all] [--dry-run] [--verify] [--key FILE] [--references DIR]...</c>
    /// In three steps, so a failure leaves every file as it was: check (inputs, deps.json, key), weave into a
    /// private staging folder beside each destination (and JIT-compile the result with --verify), then move the
    /// woven files into place, keeping the originals in .asyncprof-backup/ when weaving in place.
    /// </summary>
    public static class WeaveCommand
    {
        static readonly OptionSpec[] Options =
        {
            new("output", TakesValue: true, ShortName: "o"),
            new("include", TakesValue: true, Repeatable: true),
            new("exclude", TakesValue: true, Repeatable: true),
            new("all", TakesValue: false),
            new("verbose", TakesValue: false, ShortName: "v"),
            new("dry-run", TakesValue: false, ShortName: "n"),
            new("verify", TakesValue: false),
            new("key", TakesValue: true),
            new("references", TakesValue: true, Repeatable: true, ShortName: "r"),
        };

        /// <summary>A file woven into staging, waiting to be moved into place.</summary>
        sealed record Staged(WeaveInput Input, string WovenPath, string Destination, WeaveResult Result);

        public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            var parsed = ArgumentParser.Parse("weave", args, Options);
            if (parsed.Positionals.Count == 0) throw new UsageException("weave needs at least one dll or folder (see 'asyncprof weave --help')");

            var outputDir = parsed.Value("output");
            if (outputDir != null && File.Exists(outputDir))
                throw new UsageException($"--output {outputDir}: is a file, expected a folder");
            var dryRun = parsed.Has("dry-run");
            var references = parsed.Values("references");
            foreach (var r in references)
                if (!Directory.Exists(r)) throw new UsageException($"--references {r}: no such folder");
            var keyFile = parsed.Value("key");
            if (keyFile != null) CheckKeyFile(keyFile);
            var log = new ConsoleWeaverLog(stdout, stderr, parsed.Has("verbose"));

            // 1. Check everything before anything is written.
            var inputs = WeaveInputs.Collect(parsed.Positionals, inPlace: outputDir == null, stdout);
            var outputFull = outputDir == null ? null : Path.GetFullPath(outputDir);
            string DestinationOf(WeaveInput i) => outputFull == null ? i.RealPath : Path.Combine(outputFull, Path.GetFileName(i.DisplayPath));
            // Where the runtime goes: beside the file as named (the app folder of a linked library) and, for a link,
            // beside its target too (the host resolves a linked main assembly to its target's folder).
            IEnumerable<string> DeployedAs(WeaveInput i) => outputFull == null
                ? new[] { Path.GetFullPath(i.DisplayPath), i.RealPath }.Distinct(StringComparer.Ordinal)
                : new[] { DestinationOf(i) };
            if (!dryRun)
                foreach (var input in inputs)
                    if (outputFull == null || Directory.Exists(outputFull))
                        foreach (var place in DeployedAs(input)) RuntimeDeployment.CheckDepsFiles(place);

            if (outputFull != null && !dryRun) Directory.CreateDirectory(outputFull);
            var staging = new Dictionary<string, StagingFolder>(StringComparer.Ordinal);
            try
            {
                // 2. Weave into staging folders.
                using var progress = ProgressReporter.ForConsole(stderr);
                var staged = new List<Staged>();
                for (var n = 0; n < inputs.Count; n++)
                {
                    var input = inputs[n];
                    progress.Step(n + 1, inputs.Count, "weaving " + input.DisplayPath);
                    var destination = DestinationOf(input);
                    var folder = dryRun ? Path.GetTempPath() : Path.GetDirectoryName(destination)!;
                    if (!staging.TryGetValue(folder, out var stage)) staging[folder] = stage = new StagingFolder(folder);
                    var woven = stage.File(Path.GetFileName(destination));
                    var settings = SettingsFor(parsed, input, references, keyFile);
                    var result = WeaveOne(input, woven, settings, log, stdout);
                    if (result == null) continue;
                    if (parsed.Has("verify") && VerifyStaged(input, woven, settings.ReferenceSearchPaths) is string problem)
                    {
                        stdout.WriteLine($"skipped {input.DisplayPath}: {problem}");
                        continue;
                    }
                    staged.Add(new Staged(input, woven, destination, result));
                }
                progress.Clear();

                if (dryRun)
                {
                    foreach (var s in staged) stdout.WriteLine($"{s.Input.DisplayPath}: would weave: {s.Result}");
                    stdout.WriteLine($"dry run: nothing was written ({staged.Count} of {inputs.Count} assemblies would be woven)");
                    return ExitCodes.Success;
                }

                // 3. Move into place, then put the runtime beside each.
                foreach (var s in staged)
                {
                    Commit(s, inPlace: outputFull == null);
                    var shown = outputFull == null ? s.Input.DisplayPath : Path.Combine(outputDir!, Path.GetFileName(s.Destination));
                    stdout.WriteLine($"{shown}: {s.Result}{(parsed.Has("verify") ? " (verified: every method compiles)" : "")}");
                    foreach (var place in DeployedAs(s.Input))
                    {
                        var deployment = Deploy(place, backup: outputFull == null, shown);
                        if (parsed.Has("verbose")) stdout.WriteLine("  " + deployment);
                    }
                }
                return ExitCodes.Success;
            }
            finally
            {
                foreach (var stage in staging.Values) stage.Dispose();
            }
        }

        static WeaverSettings SettingsFor(ParsedArguments parsed, WeaveInput input, IReadOnlyList<string> references, string? keyFile)
        {
            var settings = new WeaverSettings
            {
                StrongNameKeyFile = keyFile == null ? null : Path.GetFullPath(keyFile),
                WeaveAll = parsed.Has("all"),
            };
            settings.Include.AddRange(parsed.Values("include"));
            settings.Exclude.AddRange(parsed.Values("exclude"));
            settings.ReferenceSearchPaths.AddRange(ReferenceFolders.For(input.DisplayPath, references));
            return settings;
        }

        /// <summary>Weaves one file into staging; null when a folder's file was skipped (an explicit one throws).</summary>
        static WeaveResult? WeaveOne(WeaveInput input, string woven, WeaverSettings settings, IWeaverLog log, TextWriter stdout)
        {
            try
            {
                return AssemblyWeaver.WeaveFile(input.RealPath, woven, settings, log);
            }
            catch (WeavingException e)
            {
                var problem = StripFilePrefix(OneLineText.Of(e.Message), input, woven);
                if (input.Explicit) throw new InputException($"{input.DisplayPath}: {problem}", e);
                stdout.WriteLine($"skipped {input.DisplayPath}: {problem}");
                return null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new InputException($"{input.DisplayPath}: {ConsoleText.Io(e)}", e);
            }
            catch (Exception e)
            {
                // A weaver bug: say which file triggered it (CliApp turns this into an internal error, exit 3).
                throw new InternalFailureException($"weaving {input.DisplayPath} failed: {e.GetType().Name}: {OneLineText.Of(e.Message)}", e);
            }
        }

        /// <summary>
        /// JIT-compiles the woven copy. When it does not compile, the input is compiled too: an input whose own code
        /// does not compile (damaged IL) is bad input; woven code that fails where the input compiled is our bug.
        /// Returns the problem for a folder's file (skipped); throws for a file named explicitly.
        /// </summary>
        static string? VerifyStaged(WeaveInput input, string woven, IEnumerable<string> referenceFolders)
        {
            var report = JitVerifier.Verify(woven, referenceFolders);
            string? problem = null;
            if (report.MissingReference != null)
                problem = $"woven, but cannot be verified: {report.MissingReference}; nothing was written";
            else if (report.FirstFailure != null)
            {
                var original = JitVerifier.Verify(input.RealPath, referenceFolders);
                if (original.FirstFailure == null && original.MissingReference == null)
                    throw new InternalFailureException($"{input.DisplayPath}: the woven code does not compile: {report.FirstFailure}; nothing was written (an AsyncProf bug: please report it)",
                        new InvalidProgramException(report.ToString()));
                problem = $"its own code does not compile (damaged IL?): {original.MissingReference ?? original.FirstFailure}; nothing was written";
            }
            if (problem == null) return null;
            problem = OneLineText.Of(problem);
            if (input.Explicit) throw new InputException($"{input.DisplayPath}: {problem}");
            return problem;
        }

        /// <summary>Keeps the originals (in place), gives the woven file the original's permissions, renames it into place.</summary>
        static void Commit(Staged s, bool inPlace)
        {
            var stagedPdb = Path.ChangeExtension(s.WovenPath, ".pdb");
            var pdb = Path.ChangeExtension(s.Destination, ".pdb");
            try
            {
                if (inPlace)
                {
                    var backup = new BackupStore(Path.GetDirectoryName(s.Destination)!);
                    backup.Save(s.Destination, keepOlder: false);
                    if (File.Exists(pdb)) backup.Save(pdb, keepOlder: false);
                    else if (File.Exists(stagedPdb)) backup.NoteAdded(pdb);
                }
                InputFileCheck.CopyMode(s.Input.RealPath, s.WovenPath);
                if (File.Exists(stagedPdb))
                {
                    var originalPdb = Path.ChangeExtension(s.Input.RealPath, ".pdb");
                    if (File.Exists(originalPdb)) InputFileCheck.CopyMode(originalPdb, stagedPdb);
                    File.Move(stagedPdb, pdb, overwrite: true);
                }
                File.Move(s.WovenPath, s.Destination, overwrite: true);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new InputException($"{s.Input.DisplayPath}: cannot replace it with the woven assembly: {ConsoleText.Io(e)}", e);
            }
        }

        static DeploymentResult Deploy(string deployedAs, bool backup, string shown)
        {
            try
            {
                if (backup)
                {
                    var store = new BackupStore(Path.GetDirectoryName(deployedAs)!);
                    foreach (var deps in RuntimeDeployment.CheckDepsFiles(deployedAs))
                        store.Save(deps, keepOlder: File.ReadAllText(deps).Contains("\"AsyncProf/", StringComparison.Ordinal));
                    foreach (var file in RuntimeDeployment.RuntimeFilesIn(Path.GetDirectoryName(deployedAs)!))
                        if (File.Exists(file)) store.Save(file, keepOlder: true);
                        else store.NoteAdded(file);
                }
                return RuntimeDeployment.DeployBeside(deployedAs);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new InputException($"{shown}: woven, but the profiler runtime could not be put beside it: {ConsoleText.Io(e)}", e);
            }
        }

        static void CheckKeyFile(string keyFile)
        {
            if (!File.Exists(keyFile)) throw new InputException($"{keyFile}: strong-name key file not found");
            var length = new FileInfo(keyFile).Length;
            if (length == 0) throw new InputException($"{keyFile}: empty, or not a regular file: not a strong-name key");
            if (length <= 160) throw new InputException($"{keyFile}: holds only a public key (delay signing); re-signing needs the full key pair (.snk from 'sn -k')");
            if (length > 64 * 1024) throw new InputException($"{keyFile}: too large for a strong-name key (.snk) file");
        }

        /// <summary>The weaver's messages start with the file; in a "FILE: ..." line say it once.</summary>
        static string StripFilePrefix(string message, WeaveInput input, string woven)
        {
            foreach (var prefix in new[] { input.RealPath, woven, Path.GetFullPath(input.DisplayPath), input.DisplayPath, Path.GetFileName(input.RealPath) })
                if (message.StartsWith(prefix + ": ", StringComparison.Ordinal)) return message.Substring(prefix.Length + 2);
            return message;
        }
    }
}
