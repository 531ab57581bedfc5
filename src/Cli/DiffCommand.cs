using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using AsyncProf.Reports;
using AsyncProf.Reports.Diff;
using AsyncProf.Reports.Html;
using AsyncProf.Shared;

namespace AsyncProf.Cli
{
    /// <summary>
    /// <c>asyncprof diff before.json after.json [-o FILE] [--metric M] [--top N] [--fail-over PERCENT] [--min-share PERCENT]</c>:
    /// the two profiles compared per function and per call path, sorted by what moved most; text on the terminal
    /// (or to a file), a differential flame graph with <c>-o diff.html</c>. Exit 0, or <see cref="ExitCodes.Regression"/>
    /// when <c>--fail-over</c> finds a function that grew by more than its percentage.
    /// </summary>
    public static class DiffCommand
    {
        static readonly OptionSpec[] Options =
        {
            new("output", TakesValue: true, ShortName: "o"),
            new("metric", TakesValue: true, ShortName: "m"),
            new("top", TakesValue: true, ShortName: "n"),
            new("fail-over", TakesValue: true),
            new("min-share", TakesValue: true),
        };

        public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            var parsed = ArgumentParser.Parse("diff", args, Options);
            if (parsed.Positionals.Count != 2)
                throw new UsageException($"diff compares two profiles: asyncprof diff before.json after.json (got {parsed.Positionals.Count} file{(parsed.Positionals.Count == 1 ? "" : "s")})");
            var metric = Metric(parsed.Value("metric"));
            var top = parsed.Value("top") is string t ? PositiveInt("top", t) : 20;
            double? failOver = parsed.Value("fail-over") is string f ? NonNegative("fail-over", f, max: double.MaxValue) : null;
            var minShare = parsed.Value("min-share") is string s ? NonNegative("min-share", s, max: 100) : 1;
            if (failOver == null && parsed.Has("min-share")) throw new UsageException("--min-share only applies with --fail-over");

            var before = Load(parsed.Positionals[0]);
            var after = Load(parsed.Positionals[1]);
            var diff = ProfileDiff.Compute(before, after);

            var output = parsed.Value("output");
            if (output == null)
                stdout.Write(DiffTextReport.Render(diff, new DiffReportOptions { Metric = metric, Top = top }));
            else
            {
                var html = output.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || output.EndsWith(".htm", StringComparison.OrdinalIgnoreCase);
                Write(output, stream =>
                {
                    if (html) DiffHtmlExporter.Export(diff, stream);
                    else
                    {
                        var bytes = new UTF8Encoding(false).GetBytes(DiffTextReport.Render(diff, new DiffReportOptions { Metric = metric, Top = top }));
                        stream.Write(bytes, 0, bytes.Length);
                    }
                });
                stdout.WriteLine($"wrote {output} ({(html ? "html" : "text")})");
            }

            if (failOver is not double threshold) return ExitCodes.Success;
            var regressions = new RegressionCheck { ThresholdPercent = threshold, Metric = metric, MinSharePercent = minShare }.Regressions(diff);
            if (regressions.Count == 0) return ExitCodes.Success;
            var named = string.Join(", ", regressions.Select(r =>
                $"{r.Name} ({DiffTextReport.Change(metric, r.Delta(metric))}, {DiffTextReport.Percent(r.PercentChange(metric), true, true)})"));
            stderr.WriteLine($"asyncprof: {DiffMetrics.Description(metric)} regressed by more than {threshold.ToString(CultureInfo.InvariantCulture)}% in " +
                             $"{regressions.Count} function{(regressions.Count == 1 ? "" : "s")}: {named}");
            return ExitCodes.Regression;
        }

        static Profile Load(string path)
        {
            try { return ProfileReader.Load(path); }
            catch (ProfileFormatException e) { throw new InputException(e.Message, e); }
        }

        /// <summary>Writes through a temporary file beside the target, so a failure never leaves half a report.</summary>
        static void Write(string path, Action<Stream> write)
        {
            var full = Path.GetFullPath(path);
            var dir = Path.GetDirectoryName(full)!;
            if (!Directory.Exists(dir)) throw new InputException($"{path}: the folder {dir} does not exist");
            try { PendingFile.Write(full, write); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new InputException($"{path}: cannot write: {e.Message}", e);
            }
        }

        static DiffMetric Metric(string? name)
        {
            if (name == null) return DiffMetric.Wall;
            return DiffMetrics.TryParse(name, out var m) ? m : throw new UsageException($"--metric {name}: use wall, cpu, alloc, calls, or a part of the wall split: running, blocked, suspended, queued, gc");
        }

        static int PositiveInt(string option, string text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
                throw new UsageException($"--{option} {text}: expected a positive whole number");
            return n;
        }

        static double NonNegative(string option, string text, double max)
        {
            if (!double.TryParse(text.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || double.IsNaN(p) || p < 0 || p > max)
                throw new UsageException($"--{option} {text}: expected a percentage (a number from 0{(max <= 100 ? " to 100" : "")})");
            return p;
        }
    }
}
