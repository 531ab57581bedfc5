using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Exporters
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Analysis;
    using AsyncProf.Reports.Exporters;
    using AsyncProf.Tests.Infrastructure;

    /// <summary>
    /// Folded stacks, parsed back the way flamegraph.pl (<c>^(.*)\s+?(\d+(?:\.\d*)?)$</c>) and speedscope
    /// (<c>^(.*) (\d+)$</c>, integers only) read them, and checked against the native totals.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class FoldedFormatTests
    {
        static readonly Regex Speedscope = new(@"^(.*) (\d+)$");
        static readonly Regex FlameGraphPl = new(@"^(.*)\s+?(\d+(?:\.\d*)?)$");

        static List<(string[] Stack, long Weight)> Parse(string text)
        {
            Assert.That(text, Does.Not.Contain("\r"));
            var result = new List<(string[], long)>();
            foreach (var line in text.Split('\n').Where(l => l.Length > 0))
            {
                var m = Speedscope.Match(line);
                Assert.That(m.Success, $"'{line}': stack, one space, integer weight");
                var f = FlameGraphPl.Match(line);
                Assert.That(f.Success && f.Groups[1].Value.TrimEnd() == m.Groups[1].Value && f.Groups[2].Value == m.Groups[2].Value, "flamegraph.pl reads it alike");
                var frames = m.Groups[1].Value.Split(';');
                Assert.That(frames.All(x => x.Length > 0 && x.Trim() == x), $"'{line}': no empty frames");
                var weight = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                Assert.That(weight, Is.GreaterThan(0), "zero weights are left out");
                result.Add((frames, weight));
            }
            Assert.That(result.Select(r => string.Join(";", r.Item1)).Distinct().Count(), Is.EqualTo(result.Count), "one line per stack");
            return result;
        }

        [TestCaseSource(typeof(FormatFixtures), nameof(FormatFixtures.Labels))]
        public void Folded_stacks_parse_and_add_up_for_every_metric(string label)
        {
            var (profile, native) = FormatFixtures.Load(label);
            var totals = NativeTotals.Of(native);
            foreach (var metric in ProfileMetrics.All)
            {
                var lines = Parse(Encoding.UTF8.GetString(FormatFixtures.Export(new FoldedExporter(metric), profile)));
                Assert.That(lines.Sum(l => l.Weight), Is.EqualTo(totals.Of(metric)), $"{metric} total");
                if (metric == ProfileMetric.Wall) continue;
                foreach (var f in native.Functions.Where(f => native.Functions.Count(g => g.Name == f.Name) == 1))
                {
                    var inclusive = lines.Where(l => l.Stack.Contains(f.Name)).Sum(l => l.Weight);
                    var self = lines.Where(l => l.Stack[^1] == f.Name).Sum(l => l.Weight);
                    Assert.That(inclusive, Is.EqualTo(metric == ProfileMetric.Cpu ? f.CpuNs : f.AllocBytes), $"{f.Name} inclusive {metric}");
                    Assert.That(self, Is.EqualTo(metric == ProfileMetric.Cpu ? f.SelfCpuNs : f.SelfAllocBytes), $"{f.Name} self {metric}");
                }
            }
        }

        [Test]
        public void The_default_folded_file_is_cpu_and_names_never_break_a_line()
        {
            var b = new ProfileBuilder();
            var root = b.Node(null, "App.Odd;Name\nWith breaks", calls: 1, wall: 10, selfCpu: 7);
            b.Node(root, "App.Child", calls: 1, wall: 3, selfCpu: 3);
            var profile = b.Build();
            var text = Encoding.UTF8.GetString(FormatFixtures.Export(ExporterRegistry.Find("folded")!, profile));
            Assert.That(text, Is.EqualTo("App.Odd:Name With breaks 7\nApp.Odd:Name With breaks;App.Child 3\n"));
            Assert.That(ExporterRegistry.Find("folded")!.FileExtension, Is.EqualTo(".folded"));
        }
    }
}
