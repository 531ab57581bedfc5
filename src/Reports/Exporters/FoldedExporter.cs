using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using AsyncProf.Reports.Analysis;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// Folded stacks for flamegraph.pl, inferno and speedscope: one line per logical stack, root first, frames joined
    /// by <c>;</c>, then a space and an integer weight: the stack's self value of one metric (nanoseconds or bytes).
    /// Lines with a zero weight are left out. One metric per file: <c>.folded</c> is CPU time,
    /// <c>.wall.folded</c>, <c>.cpu.folded</c> and <c>.alloc.folded</c> name theirs. Stacks are those of
    /// <see cref="CallTreeFigures.Frames"/>: detached work in stacks of its own under <c>[detached from F]</c>, deep
    /// recursion and very deep stacks collapsed into <c>[... N ... frames collapsed]</c> frames, so the weights still
    /// add up to the totals and the file stays bounded.
    /// </summary>
    public sealed class FoldedExporter : IProfileExporter
    {
        public FoldedExporter(ProfileMetric metric, bool isDefault = false)
        {
            Metric = metric;
            Name = isDefault ? "folded" : "folded-" + ProfileMetrics.Key(metric);
            FileExtension = isDefault ? ".folded" : "." + ProfileMetrics.Key(metric) + ".folded";
        }

        public ProfileMetric Metric { get; }
        public string Name { get; }
        public string FileExtension { get; }

        public void Export(Profile profile, Stream output)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (output == null) throw new ArgumentNullException(nameof(output));
            var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            foreach (var (stack, weight) in Lines(profile, Metric))
            {
                w.Write(stack);
                w.Write(' ');
                w.WriteLine(weight.ToString(CultureInfo.InvariantCulture));
            }
            w.Flush();
        }

        /// <summary>
        /// The folded lines (stack text, weight), identical stacks merged, in depth-first order of the frames
        /// (<see cref="CallTreeFigures.Frames"/>): detached work is a stack of its own starting with
        /// <c>[detached from F]</c>, deep recursion and stacks deeper than the limit are collapsed into marker frames.
        /// </summary>
        public static IEnumerable<(string Stack, long Weight)> Lines(Profile profile, ProfileMetric metric)
        {
            var figures = CallTreeFigures.Of(profile);
            var weights = new Dictionary<string, long>(StringComparer.Ordinal);
            var order = new List<string>();
            var paths = new Dictionary<CallFrame, string>();
            foreach (var frame in figures.FramesDepthFirst())
            {
                var name = FrameName(frame.Name);
                var path = frame.Parent is { } p && paths.TryGetValue(p, out var above) ? above + ";" + name : name;
                if (frame.Children.Count > 0) paths[frame] = path;
                var weight = frame.Self(metric);
                if (weight <= 0) continue;
                if (weights.TryGetValue(path, out var had)) weights[path] = SaturatingMath.Add(had, weight);
                else { weights[path] = weight; order.Add(path); }
            }
            foreach (var path in order) yield return (path, weights[path]);
        }

        /// <summary>A function name as one folded frame: no <c>;</c> (the frame separator), no control characters or line separators.</summary>
        public static string FrameName(string name)
        {
            var sb = new StringBuilder(name.Length);
            foreach (var c in name)
                sb.Append(c == ';' ? ':' : char.IsControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
            var s = sb.ToString().Trim();
            return s.Length == 0 ? "?" : s;
        }
    }
}
