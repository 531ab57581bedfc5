using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using AsyncProf.Cli;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Fuzz.Reports
{
    /// <summary>What one <c>asyncprof report</c> run did: exit code, output, and the bytes it allocated (in process).</summary>
    public sealed record ReportRunResult(int ExitCode, string StdOut, string StdErr, long AllocatedBytes);

    /// <summary>
    /// Runs <c>asyncprof report</c> on one profile for one format, in process (the CLI's own entry point, on a thread
    /// of its own so a hang is caught and its allocations counted) or as a real process under a GC heap limit, and
    /// checks what every run must do: exit 0 with a valid output and nothing else written, or exit 1 with one line
    /// naming the file and the problem in words and nothing written; never another exit code, a stack trace or a
    /// temporary file left behind.
    /// </summary>
    public static class ReportRun
    {
        /// <summary>A hang guard, not a performance assertion: a case takes milliseconds.</summary>
        static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(90);

        /// <summary>The heap a real `asyncprof report` process may use (DOTNET_GCHeapHardLimit): the largest hostile input is 4 MB.</summary>
        public const string HeapLimitHex = "0x20000000";

        static readonly Regex Words = new(@"[A-Za-z]{2,}\W+[A-Za-z]{2,}");

        public static IReadOnlyList<string> Formats { get; } = AsyncProf.Reports.Exporters.ExporterRegistry.Names;

        public static string Extension(string format) => AsyncProf.Reports.Exporters.ExporterRegistry.Find(format)!.FileExtension;

        public static ReportRunResult InProcess(IReadOnlyList<string> args)
        {
            ReportRunResult? result = null;
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    var stdout = new StringWriter();
                    var stderr = new StringWriter();
                    var exit = CliApp.Run(args, stdout, stderr);
                    result = new ReportRunResult(exit, stdout.ToString(), stderr.ToString(), GC.GetAllocatedBytesForCurrentThread() - before);
                }
                catch (Exception e) { failure = e; }
            }) { IsBackground = true, Name = "asyncprof report (fuzz)" };
            thread.Start();
            if (!thread.Join(HangLimit)) Assert.Fail($"asyncprof {string.Join(" ", args)}: still running after {HangLimit.TotalSeconds} s (a hang)");
            if (failure != null) Assert.Fail($"asyncprof {string.Join(" ", args)}: an exception escaped the command line: {failure}");
            return result!;
        }

        public static ReportRunResult AsProcess(IReadOnlyList<string> args)
        {
            var all = new List<string> { CliRunner.ToolPath };
            all.AddRange(args);
            var r = ProcessRunner.Run("dotnet", all, environment: new Dictionary<string, string?> { ["DOTNET_GCHeapHardLimit"] = HeapLimitHex },
                timeout: HangLimit);
            return new ReportRunResult(r.ExitCode, r.StdOut, r.StdErr, 0);
        }

        public static string[] Args(string profile, string format, string? output) =>
            output == null ? new[] { "report", profile } : new[] { "report", profile, "--format", format, "-o", output };

        /// <summary>Null when the run did what every run must; otherwise what went wrong, for the failure message.</summary>
        public static string? Problem(ReportRunResult r, string profile, string format, string? output, string outputDir)
        {
            var written = Directory.Exists(outputDir) ? Directory.GetFileSystemEntries(outputDir).Select(Path.GetFileName).ToArray() : Array.Empty<string?>();
            var all = r.StdOut + r.StdErr;
            if (all.Contains("   at ", StringComparison.Ordinal)) return "a stack trace was printed:\n" + Short(all);
            if (r.ExitCode == 0)
            {
                if (r.StdErr.Length > 0) return "exit 0 with something on stderr: " + Short(r.StdErr);
                if (output == null) return r.StdOut.Trim().Length > 0 ? null : "exit 0 with an empty report";
                if (!written.SequenceEqual(new[] { Path.GetFileName(output) })) return $"exit 0, but the output folder holds [{string.Join(", ", written)}]";
                return ReportOutputChecks.Problem(format, output) is string invalid ? "exit 0 with an invalid output: " + invalid : null;
            }
            if (r.ExitCode != 1) return $"exit {r.ExitCode}: {Short(all)}";
            if (written.Length > 0) return $"exit 1, but left [{string.Join(", ", written)}] behind";
            var lines = CliRunner.Lines(r.StdErr);
            if (lines.Count != 1) return $"exit 1 with {lines.Count} lines on stderr: {Short(r.StdErr)}";
            var line = lines[0];
            if (!line.StartsWith("asyncprof: ", StringComparison.Ordinal)) return "the error line does not start with 'asyncprof: ': " + Short(line);
            if (!line.Contains(Path.GetFileName(profile), StringComparison.Ordinal)) return "the error line does not name the file: " + Short(line);
            var problem = line.Substring(line.IndexOf(Path.GetFileName(profile), StringComparison.Ordinal) + Path.GetFileName(profile).Length);
            if (!Words.IsMatch(problem)) return "the error line does not say the problem in words: " + Short(line);
            if (line.Any(char.IsControl)) return "control characters in the error line: " + Short(line);
            if (line.Length > 500) return $"an error line of {line.Length} characters";
            if (line.Contains("internal error", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal)) return "an internal error: " + Short(line);
            return null;
        }

        static string Short(string s) => s.Length > 600 ? s.Substring(0, 600) + "..." : s;
    }
}
