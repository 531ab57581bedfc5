using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using AsyncProf.Reports.Exporters;
using AsyncProf.Reports.Analysis;
using AsyncProf.Tests.Reports.Exporters;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Viewers
{
    /// <summary>
    /// Our callgrind files read by valgrind's callgrind_annotate (what KCachegrind users have beside it): for every
    /// event, its program total and each function's inclusive (--inclusive=yes) and self (--inclusive=no) cost are
    /// the profile's.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class CallgrindViewerTests
    {
        static readonly (string Event, ProfileMetric Metric)[] Events = { ("Wall", ProfileMetric.Wall), ("Cpu", ProfileMetric.Cpu), ("Alloc", ProfileMetric.Alloc) };

        [OneTimeSetUp]
        public void RequireValgrind() => ViewerTools.Require(ViewerTools.CallgrindAnnotate, "callgrind_annotate", "valgrind");

        /// <summary>callgrind_annotate for one event: its program total and the cost of each "file:function".</summary>
        static (long Total, Dictionary<string, long> Costs) Annotate(string file, string eventName, bool inclusive)
        {
            // one event at a time, sorted by it: the threshold (100%: every function) applies to the first sort event
            var text = ViewerTools.Run(ViewerTools.CallgrindAnnotate, new[]
            {
                "--inclusive=" + (inclusive ? "yes" : "no"), "--show=" + eventName, "--sort=" + eventName,
                "--threshold=100", "--auto=no", "--show-percs=no", file,
            }, "callgrind_annotate");
            static long Number(string s) => long.Parse(s.Replace(",", ""), CultureInfo.InvariantCulture);
            var total = Regex.Match(text, @"^\s*([0-9][0-9,]*)\s+PROGRAM TOTALS", RegexOptions.Multiline);
            Assert.That(total.Success, "PROGRAM TOTALS in:\n" + text);
            var costs = new Dictionary<string, long>();
            var listing = text.Substring(text.IndexOf("file:function", System.StringComparison.Ordinal));
            foreach (Match m in Regex.Matches(listing, @"^\s*([0-9][0-9,]*|\.)\s+(\S.*)$", RegexOptions.Multiline))
                costs[m.Groups[2].Value.TrimEnd()] = m.Groups[1].Value == "." ? 0 : Number(m.Groups[1].Value);
            return (Number(total.Groups[1].Value), costs);
        }

        [Test]
        public void Annotate_reads_the_wall_split_events_and_they_add_up_to_wall_time()
        {
            var (profile, _) = ViewerProfiles.Load(ViewerProfiles.Seed);
            Assert.That(profile.HasWallSplit);
            var file = ViewerTools.Save("callgrind.out.seed-split", FormatFixtures.Export(new CallgrindExporter(), profile));
            var figures = CallTreeFigures.Of(profile);
            var wall = Annotate(file, "Wall", inclusive: false).Total;
            var sum = 0L;
            foreach (var part in WallSplit.PartsOf(profile)) // the Gc event too when the run had GC pauses
            {
                var name = char.ToUpperInvariant(WallSplit.Key(part)[0]) + WallSplit.Key(part).Substring(1);
                var total = Annotate(file, name, inclusive: false).Total;
                Assert.That(total, Is.EqualTo(profile.Tree.Sum(n => figures.SelfSplit(n).Part(part))), name);
                sum += total;
            }
            Assert.That(sum, Is.EqualTo(wall), "Running + Blocked + Suspended (+ Gc) = Wall");
        }

        [TestCaseSource(typeof(ViewerProfiles), nameof(ViewerProfiles.Labels))]
        public void Annotate_agrees_with_our_inclusive_and_self_costs_for_every_event(string label)
        {
            var (profile, native) = ViewerProfiles.Load(label);
            var file = ViewerTools.Save("callgrind.out." + ViewerProfiles.Slug(label), FormatFixtures.Export(new CallgrindExporter(), profile));
            var expected = new ExpectedFigures(profile, native);
            var files = native.Functions.ToDictionary(f => f.Name, f => string.IsNullOrEmpty(f.File) ? "???" : f.File);
            foreach (var (eventName, metric) in Events)
            {
                var inclusive = Annotate(file, eventName, inclusive: true);
                var self = Annotate(file, eventName, inclusive: false);
                Assert.That(inclusive.Total, Is.EqualTo(expected.Totals.Of(metric)), $"{eventName}: PROGRAM TOTALS");
                Assert.That(self.Total, Is.EqualTo(expected.Totals.Of(metric)), $"{eventName}: PROGRAM TOTALS (self)");
                foreach (var (name, figures) in expected.ByMetric[metric])
                {
                    var key = $"{files[name]}:{name}";
                    // a function whose cost is 0 for this event may be left out of the listing
                    Assert.That(inclusive.Costs.GetValueOrDefault(key), Is.EqualTo(figures.Inclusive), $"{eventName}: {key} inclusive");
                    Assert.That(self.Costs.GetValueOrDefault(key), Is.EqualTo(figures.Self), $"{eventName}: {key} self");
                    if (figures.Inclusive > 0) Assert.That(inclusive.Costs.ContainsKey(key), key);
                }
            }
        }
    }
}
