using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using AsyncProf.Reports.Formatting;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Text
{
    public sealed class TreeReportOptions
    {
        /// <summary>Levels shown: 1 shows the roots only; null shows every level.</summary>
        public int? MaxDepth { get; init; }
        /// <summary>Hide nodes whose inclusive share of <see cref="Metric"/> is below this percentage (0: show all).</summary>
        public double MinPercent { get; init; }
        /// <summary>The metric children are sorted by (largest first) and <see cref="MinPercent"/> applies to.</summary>
        public ProfileMetric Metric { get; init; } = ProfileMetric.Wall;
    }

    /// <summary>
    /// The calling-context tree as indented text: one line per node with its inclusive wall time, CPU time and
    /// allocations, each as a share of the profile's total and as a figure, and its completed calls. Children are
    /// sorted by the chosen metric. Overlapping async children can add up to more than their caller's wall time.
    /// The tree is that of <see cref="CallTreeFigures.Frames"/>: detached work under <c>[detached from F]</c> roots,
    /// its calls marked <c>[detached]</c>, deep recursion and very deep stacks collapsed into marker lines, each
    /// kind explained in a note below the table.
    /// </summary>
    public static class TreeReport
    {
        const string Indent = "  ";

        public static string Render(Profile profile, TreeReportOptions? options = null)
        {
            var w = new StringWriter { NewLine = "\n" };
            Write(profile, w, options);
            return w.ToString();
        }

        public static void Write(Profile profile, TextWriter output, TreeReportOptions? options = null)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            options ??= new TreeReportOptions();
            if (options.MaxDepth is int d && d <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxDepth must be positive");
            if (options.MinPercent < 0 || options.MinPercent > 100 || double.IsNaN(options.MinPercent))
                throw new ArgumentOutOfRangeException(nameof(options), "MinPercent must be between 0 and 100");

            var figures = CallTreeFigures.Of(profile);
            var totals = ProfileMetrics.All.ToDictionary(m => m, figures.Total);
            var metric = options.Metric;

            var header = $"call tree by {ProfileMetrics.Key(metric)}; totals: wall {Units.Duration(totals[ProfileMetric.Wall])}, " +
                         $"CPU {Units.Duration(totals[ProfileMetric.Cpu])}, alloc {Units.Bytes(totals[ProfileMetric.Alloc])}";
            var limits = new List<string>();
            if (options.MaxDepth is int levels) limits.Add($"{levels} level{(levels == 1 ? "" : "s")} deep");
            if (options.MinPercent > 0) limits.Add($"nodes under {Percent(options.MinPercent)} of {ProfileMetrics.Key(metric)} hidden");
            output.WriteLine(limits.Count == 0 ? header : header + " (" + string.Join(", ", limits) + ")");
            if (profile.Tree.Count == 0)
            {
                output.WriteLine("(empty profile)");
                return;
            }
            output.WriteLine();

            var showInFlight = profile.Tree.Any(n => n.InFlight > 0);
            var table = new TextTable()
                .Column("wall%", Align.Right).Column("wall", Align.Right)
                .Column("cpu%", Align.Right).Column("cpu", Align.Right)
                .Column("alloc%", Align.Right).Column("alloc", Align.Right)
                .Column("calls", Align.Right);
            if (showInFlight) table.Column("in flight", Align.Right);
            table.Column("function", Align.Left);

            string Share(long value, ProfileMetric m) => totals[m] == 0 ? "-" : Percent(100.0 * value / totals[m]);
            bool Shown(CallFrame f) => options.MinPercent <= 0 || (totals[metric] > 0 && 100.0 * f.Inclusive(metric) / totals[metric] >= options.MinPercent);
            IEnumerable<CallFrame> Sorted(IEnumerable<CallFrame> frames) =>
                frames.OrderByDescending(f => f.Inclusive(metric)).ThenBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Index);

            var stack = new Stack<(CallFrame? Frame, int Depth, string? Note)>();
            void PushLevel(IEnumerable<CallFrame> frames, int depth)
            {
                var all = Sorted(frames).ToList();
                var shown = all.Where(Shown).ToList();
                var hidden = all.Count - shown.Count;
                if (hidden > 0)
                {
                    var rest = SaturatingMath.Sum(all.Where(f => !Shown(f)).Select(f => f.Inclusive(metric)));
                    stack.Push((null, depth, $"({hidden} more under {Percent(options.MinPercent)}: {Format(rest, metric)} {ProfileMetrics.Key(metric)})"));
                }
                for (var i = shown.Count - 1; i >= 0; i--) stack.Push((shown[i], depth, null));
            }
            PushLevel(figures.FrameRoots, 0);
            while (stack.Count > 0)
            {
                var (frame, depth, note) = stack.Pop();
                var indent = string.Concat(Enumerable.Repeat(Indent, depth));
                if (frame == null)
                {
                    var cells = Enumerable.Repeat("", showInFlight ? 8 : 7).ToList();
                    cells.Add(indent + note);
                    table.Row(cells.ToArray());
                    continue;
                }
                var row = new List<string>
                {
                    Share(frame.WallNs, ProfileMetric.Wall), Units.Duration(frame.WallNs),
                    Share(frame.CpuNs, ProfileMetric.Cpu), Units.Duration(frame.CpuNs),
                    Share(frame.AllocBytes, ProfileMetric.Alloc), Units.Bytes(frame.AllocBytes),
                    frame.IsMarker ? "" : Units.Count(frame.Calls),
                };
                if (showInFlight) row.Add(frame.InFlight == 0 ? "" : Units.Count(frame.InFlight));
                row.Add(indent + Label(frame));
                table.Row(row.ToArray());
                if (options.MaxDepth is int max && depth + 1 >= max) continue;
                PushLevel(frame.Children, depth + 1);
            }
            table.Write(output);
            if (showInFlight)
                output.WriteLine("in flight: calls still running or suspended when the profile was written; their wall time is not known yet");
            foreach (var line in FrameNotes(figures)) output.WriteLine(line);
        }

        /// <summary>A frame's name with its markers: <c>[detached]</c> on detached calls, <c>[N unobserved]</c>.</summary>
        internal static string Label(CallFrame frame)
        {
            var label = frame.Name;
            if (frame.IsDetachedCall) label += " [detached]";
            if (frame.Unobserved > 0) label += $" [{Units.Count(frame.Unobserved)} unobserved]";
            return label;
        }

        /// <summary>The notes that explain the markers a report shows, one line each.</summary>
        internal static IEnumerable<string> FrameNotes(CallTreeFigures figures)
        {
            if (figures.Has(FrameKind.DetachedLane))
                yield return "[detached from F]: work F started that completed after F's call ended (fire-and-forget, un-awaited tasks, timers); " +
                             "not in F's figures, counted on its own in the totals";
            if (figures.Profile.Tree.Any(n => n.Unobserved > 0))
                yield return "unobserved: calls that returned a task whose completion could not be observed; they end at return";
            if (figures.Has(FrameKind.CollapsedRecursion))
                yield return $"[... N recursive frames collapsed]: direct recursion deeper than {CallFrameBuilder.RecursionLevelsKept} levels, " +
                             "its deeper levels merged into one frame (figures summed)";
            if (figures.Has(FrameKind.DepthLimit))
                yield return $"[... N deeper frames collapsed]: calls deeper than {CallFrameBuilder.MaxDepth} levels, merged into one frame (figures summed)";
        }

        internal static string Percent(double p) => p.ToString("0.0", CultureInfo.InvariantCulture) + "%";

        internal static string Format(long value, ProfileMetric metric) =>
            metric == ProfileMetric.Alloc ? Units.Bytes(value) : Units.Duration(value);
    }
}
