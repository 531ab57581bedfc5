using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using AsyncProf.Reports.Formatting;

namespace AsyncProf.Reports.Diff
{
    public sealed class DiffReportOptions
    {
        /// <summary>The figure entries are sorted by (the largest absolute change first) and shown in detail.</summary>
        public DiffMetric Metric { get; init; } = DiffMetric.Wall;
        /// <summary>Rows per table; null shows all.</summary>
        public int? Top { get; init; } = 20;
        /// <summary>Frames of a path shown next to its leaf (the rest become "...").</summary>
        public int PathFrames { get; init; } = 6;
    }

    /// <summary>
    /// The text <c>asyncprof diff</c> prints: the totals of both profiles, then functions and call paths, each
    /// sorted by what moved most (<see cref="ProfileDiff.MovedMost{T}"/>), with the chosen metric's self figure
    /// before and after, its inclusive change (total and per call) and the self change of the other figures.
    /// </summary>
    public static class DiffTextReport
    {
        static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public static string Render(ProfileDiff diff, DiffReportOptions? options = null)
        {
            var w = new StringWriter { NewLine = "\n" };
            Write(diff, w, options);
            return w.ToString();
        }

        public static void Write(ProfileDiff diff, TextWriter output, DiffReportOptions? options = null)
        {
            if (diff == null) throw new ArgumentNullException(nameof(diff));
            if (output == null) throw new ArgumentNullException(nameof(output));
            options ??= new DiffReportOptions();
            if (options.Top is int t && t <= 0) throw new ArgumentOutOfRangeException(nameof(options), "Top must be positive");
            var metric = options.Metric;

            output.WriteLine($"diff: {Describe(diff.BeforeProfile)} (before) → {Describe(diff.AfterProfile)} (after), sorted by change of {DiffMetrics.Description(metric)}");
            output.WriteLine();
            var totals = new TextTable().Column("total", Align.Left).Column("before", Align.Right).Column("after", Align.Right)
                .Column("change", Align.Right).Column("change %", Align.Right);
            // the wall split's parts, where either profile has some of one (the chosen one always)
            var parts = DiffMetrics.WallParts.Where(m => m == metric || diff.BeforeTotals.Value(m) != 0 || diff.AfterTotals.Value(m) != 0);
            foreach (var m in DiffMetrics.All.Concat(parts))
            {
                var b = diff.BeforeTotals.Value(m);
                var a = diff.AfterTotals.Value(m);
                totals.Row(DiffMetrics.Description(m), Figure(m, b), Figure(m, a), Change(m, SaturatingMath.Subtract(a, b)),
                    Percent(DiffEntry.Percent(b, a), true, true));
            }
            totals.Write(output);

            WriteTable(output, "functions", diff.Functions, metric, options, f => f.Label);
            WriteTable(output, "call paths", diff.Paths, metric, options, p => p.PathText(options.PathFrames));
        }

        static void WriteTable<T>(TextWriter output, string title, IEnumerable<T> entries, DiffMetric metric, DiffReportOptions options,
            Func<T, string> label) where T : DiffEntry
        {
            var all = ProfileDiff.MovedMost(entries, metric).ToList();
            var shown = options.Top is int top ? all.Take(top).ToList() : all;
            var unchanged = all.Count(e => DiffMetrics.All.All(m => e.Delta(m) == 0));
            output.WriteLine();
            output.WriteLine($"{title}: {all.Count} in either profile, {all.Count - unchanged} changed" +
                             (shown.Count < all.Count ? $", top {shown.Count} shown" : ""));
            if (all.Count == 0) return;

            var name = DiffMetrics.Key(metric);
            var others = DiffMetrics.All.Where(m => m != metric && m != DiffMetric.Calls).ToList();
            var isCalls = metric == DiffMetric.Calls;
            var table = new TextTable().Column(title == "functions" ? "function" : "path", Align.Left);
            if (isCalls)
                table.Column("calls before", Align.Right).Column("calls after", Align.Right).Column("change", Align.Right).Column("change %", Align.Right);
            else
                table.Column("calls", Align.Right)
                    .Column($"self {name} before", Align.Right).Column("self after", Align.Right).Column("self change", Align.Right).Column("self %", Align.Right)
                    .Column("incl change", Align.Right).Column("incl %", Align.Right)
                    .Column("incl/call before", Align.Right).Column("incl/call after", Align.Right).Column("per call %", Align.Right);
            foreach (var m in others) table.Column($"self {DiffMetrics.Key(m)} change", Align.Right);

            foreach (var e in shown)
            {
                var cells = new List<string> { label(e) };
                if (isCalls)
                {
                    cells.Add(e.InBefore ? Units.Count(e.Before.Calls) : "-");
                    cells.Add(e.InAfter ? Units.Count(e.After.Calls) : "-");
                    cells.Add(Change(metric, e.Delta(metric)));
                    cells.Add(Percent(e.PercentChange(metric), e.InBefore, e.InAfter));
                }
                else
                {
                    cells.Add(e.Before.Calls == e.After.Calls ? Units.Count(e.After.Calls) : $"{Units.Count(e.Before.Calls)} → {Units.Count(e.After.Calls)}");
                    cells.Add(e.InBefore ? Figure(metric, e.Before.Self(metric)) : "-");
                    cells.Add(e.InAfter ? Figure(metric, e.After.Self(metric)) : "-");
                    cells.Add(Change(metric, e.SelfDelta(metric)));
                    cells.Add(Percent(e.SelfPercentChange(metric), e.InBefore, e.InAfter));
                    cells.Add(Change(metric, e.Delta(metric)));
                    cells.Add(Percent(e.PercentChange(metric), e.InBefore, e.InAfter));
                    cells.Add(e.Before.PerCall(metric) is double b ? Figure(metric, b) : "-");
                    cells.Add(e.After.PerCall(metric) is double a ? Figure(metric, a) : "-");
                    cells.Add(Percent(e.PerCallPercentChange(metric), true, true));
                }
                foreach (var m in others) cells.Add(Change(m, e.SelfDelta(m)));
                table.Row(cells.ToArray());
            }
            table.Write(output);
            if (shown.Count < all.Count) output.WriteLine($"({all.Count - shown.Count} more not shown; --top N shows more)");
        }

        static string Describe(Profile p)
        {
            var file = p.SourcePath == null ? null : Path.GetFileName(p.SourcePath);
            var process = p.Process.Name ?? "(unnamed process)";
            return file == null ? process : $"{file} [{process}" + (p.Process.Pid != 0 ? $", pid {p.Process.Pid}]" : "]");
        }

        /// <summary>A figure in its unit.</summary>
        public static string Figure(DiffMetric metric, double value) => metric switch
        {
            DiffMetric.Alloc => Units.Bytes(value),
            DiffMetric.Calls => Math.Round(value).ToString("0", Inv),
            _ => Units.Duration(value),
        };

        /// <summary>A change with its sign: "+250.0 ms", "-3.0 KB", "0".</summary>
        public static string Change(DiffMetric metric, long delta)
        {
            var text = Figure(metric, delta);
            return delta > 0 && text != "0" ? "+" + text : text;
        }

        /// <summary>"+20.8%", "-100.0%", "new" (grew from nothing), "gone" (a side lacks it), "" (both zero).</summary>
        public static string Percent(double? percent, bool inBefore, bool inAfter)
        {
            if (!inBefore) return "new";
            if (!inAfter) return "gone";
            if (percent is not double p) return "";
            if (double.IsPositiveInfinity(p)) return "new";
            var text = p.ToString("0.0", Inv) + "%";
            return p > 0 ? "+" + text : text;
        }
    }
}
