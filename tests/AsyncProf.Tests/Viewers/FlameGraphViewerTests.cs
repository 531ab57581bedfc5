using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;
using AsyncProf.Reports.Exporters;
using AsyncProf.Reports.Analysis;
using AsyncProf.Tests.Reports.Exporters;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Viewers
{
    /// <summary>
    /// Our folded stacks drawn by Brendan Gregg's flamegraph.pl (the copy Debian ships in libdevel-nytprof-perl; npm's
    /// flame graph generators read other inputs: `flamegraph` takes perf or DTrace output, `stackvis` comma-separated
    /// stacks). The SVG's frames (one per merged stack prefix, titled "name (N ns, P%)") must add up to the profile:
    /// the whole graph is the native total, each root function its inclusive figure, and every function that never
    /// recurses has as much across its frames as its inclusive figure.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class FlameGraphViewerTests
    {
        static readonly Regex Frame = new(@"<title>(.*) \(([0-9,]+) (?:ns|bytes), [0-9.]+%\)</title><rect x=""[0-9.]+"" y=""([0-9.]+)""");
        static readonly Regex All = new(@"<title>all \(([0-9,]+) (?:ns|bytes), 100%\)</title>");

        [OneTimeSetUp]
        public void RequireFlameGraph() => ViewerTools.Require(ViewerTools.FlameGraphPl, "flamegraph.pl", "libdevel-nytprof-perl");

        /// <summary>flamegraph.pl shows a function's name with its angle brackets turned into parentheses (so the SVG stays well-formed).</summary>
        static string Drawn(string function) => FoldedExporter.FrameName(function).Replace('<', '(').Replace('>', ')');

        [TestCaseSource(typeof(ViewerProfiles), nameof(ViewerProfiles.Labels))]
        public void Flamegraph_pl_draws_our_folded_stacks_with_the_expected_frames(string label)
        {
            var (profile, native) = ViewerProfiles.Load(label);
            var expected = new ExpectedFigures(profile, native);
            var recursive = native.Tree.Where(n =>
            {
                for (var a = native.Parent(n); a != null; a = native.Parent(a)) if (a.Function == n.Function) return true;
                return false;
            }).Select(n => native.FunctionById(n.Function).Name).ToHashSet();
            var roots = native.Tree.Where(n => n.Parent == null).GroupBy(n => native.FunctionById(n.Function).Name).Select(g => g.Key).ToList();

            foreach (var metric in new[] { ProfileMetric.Wall, ProfileMetric.Cpu, ProfileMetric.Alloc })
            {
                var name = $"{ViewerProfiles.Slug(label)}.{metric.ToString().ToLowerInvariant()}";
                var folded = ViewerTools.Save(name + ".folded", FormatFixtures.Export(new FoldedExporter(metric), profile));
                var svg = ViewerTools.Run("perl", new[]
                {
                    ViewerTools.FlameGraphPl, "--minwidth=0", "--countname=" + (metric == ProfileMetric.Alloc ? "bytes" : "ns"),
                    "--title=" + $"{label}: {metric}", folded,
                }, "flamegraph.pl");
                var svgPath = ViewerTools.Save(name + ".svg", System.Text.Encoding.UTF8.GetBytes(svg));
                if (label == ViewerProfiles.Seed) TestContext.AddTestAttachment(svgPath, $"flamegraph.pl's {metric} flame graph of the seed app");

                Assert.That(svg, Does.StartWith("<?xml").And.Contain("</svg>"), "an SVG document");
                var total = expected.Totals.Of(metric);
                var all = All.Match(svg);
                Assert.That(all.Success, $"{metric}: the graph's 'all' frame");
                Assert.That(Number(all.Groups[1].Value), Is.EqualTo(total), $"{metric}: the whole graph is the profile's total");

                // frames by depth: the lowest row (largest y) is "all", the roots stand right on it
                var frames = Frame.Matches(svg).Select(m => (Name: WebUtility.HtmlDecode(m.Groups[1].Value), Weight: Number(m.Groups[2].Value),
                    Y: double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))).ToList();
                var rows = frames.Select(f => f.Y).Distinct().OrderByDescending(y => y).ToList();
                Assert.That(frames.Where(f => f.Y == rows[0]).Select(f => f.Name), Is.EqualTo(new[] { "all" }));
                frames = frames.Where(f => f.Y != rows[0]).ToList();
                var rootRow = frames.Where(f => f.Y == rows[1]).ToList();
                foreach (var root in roots)
                {
                    var inclusive = native.Tree.Where(n => n.Parent == null && native.FunctionById(n.Function).Name == root)
                        .Sum(n => metric == ProfileMetric.Cpu ? n.CpuNs : metric == ProfileMetric.Alloc ? n.AllocBytes : expected.ByMetric[metric].GetValueOrDefault(root).Inclusive);
                    Assert.That(rootRow.Where(f => f.Name == Drawn(root)).Sum(f => f.Weight), Is.EqualTo(inclusive), $"{metric}: root {root}");
                }
                Assert.That(rootRow.Sum(f => f.Weight), Is.EqualTo(total), $"{metric}: the roots fill the graph");

                var shown = expected.ByMetric[metric].Where(kv => kv.Value.Inclusive > 0).Select(kv => Drawn(kv.Key)).ToHashSet();
                Assert.That(frames.Select(f => f.Name).Distinct(), Is.SupersetOf(shown), $"{metric}: every function with a cost is drawn");
                // besides our functions, only the pseudo-frames the exporters document: "[detached from F]" lanes and
                // "[... N recursive frames collapsed]"
                Assert.That(frames.Select(f => f.Name).Where(n => !n.StartsWith("[")).Distinct(), Is.SubsetOf(native.Functions.Select(f => Drawn(f.Name))), $"{metric}: only our functions");
                foreach (var (function, figures) in expected.ByMetric[metric].Where(kv => !recursive.Contains(kv.Key)))
                    Assert.That(frames.Where(f => f.Name == Drawn(function)).Sum(f => f.Weight), Is.EqualTo(figures.Inclusive), $"{metric}: {function} across its frames");
            }
        }

        static long Number(string s) => long.Parse(s.Replace(",", ""), CultureInfo.InvariantCulture);
    }
}
