using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using AsyncProf.Reports.Exporters;
using AsyncProf.Reports.Formatting;

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
            bool Shown(TreeNode n) => options.MinPercent <= 0 || (totals[metric] > 0 && 100.0 * figures.Inclusive(n, metric) / totals[metric] >= options.MinPercent);
            IEnumerable<TreeNode> Sorted(IEnumerable<TreeNode> nodes) =>
                nodes.OrderByDescending(n => figures.Inclusive(n, metric)).ThenBy(n => profile.Function(n.Function).Name, StringComparer.Ordinal).ThenBy(n => n.Id);

            var stack = new Stack<(TreeNode? Node, int Depth, string? Note)>();
            void PushLevel(IEnumerable<TreeNode> nodes, int depth)
            {
                var all = Sorted(nodes).ToList();
                var shown = all.Where(Shown).ToList();
                var hidden = all.Count - shown.Count;
                if (hidden > 0)
                {
                    var rest = SaturatingMath.Sum(all.Where(n => !Shown(n)).Select(n => figures.Inclusive(n, metric)));
                    stack.Push((null, depth, $"({hidden} more under {Percent(options.MinPercent)}: {Format(rest, metric)} {ProfileMetrics.Key(metric)})"));
                }
                for (var i = shown.Count - 1; i >= 0; i--) stack.Push((shown[i], depth, null));
            }
            PushLevel(figures.Roots, 0);
            while (stack.Count > 0)
            {
                var (node, depth, note) = stack.Pop();
                var indent = string.Concat(Enumerable.Repeat(Indent, depth));
                if (node == null)
                {
                    var cells = Enumerable.Repeat("", showInFlight ? 8 : 7).ToList();
                    cells.Add(indent + note);
                    table.Row(cells.ToArray());
                    continue;
                }
                var f = profile.Function(node.Function);
                var wall = figures.InclusiveWall(node);
                var row = new List<string>
                {
                    Share(wall, ProfileMetric.Wall), Units.Duration(wall),
                    Share(node.CpuNs, ProfileMetric.Cpu), Units.Duration(node.CpuNs),
                    Share(node.AllocBytes, ProfileMetric.Alloc), Units.Bytes(node.AllocBytes),
                    Units.Count(node.Calls),
                };
                if (showInFlight) row.Add(node.InFlight == 0 ? "" : Units.Count(node.InFlight));
                row.Add(indent + f.Name);
                table.Row(row.ToArray());
                if (options.MaxDepth is int max && depth + 1 >= max) continue;
                PushLevel(figures.Children(node), depth + 1);
            }
            table.Write(output);
            if (showInFlight)
                output.WriteLine("in flight: calls still running or suspended when the profile was written; their wall time is not known yet");
        }

        internal static string Percent(double p) => p.ToString("0.0", CultureInfo.InvariantCulture) + "%";

        internal static string Format(long value, ProfileMetric metric) =>
            metric == ProfileMetric.Alloc ? Units.Bytes(value) : Units.Duration(value);
    }
}
