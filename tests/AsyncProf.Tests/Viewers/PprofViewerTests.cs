using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using AsyncProf.Reports;
using AsyncProf.Reports.Analysis;
using AsyncProf.Reports.Exporters;
using AsyncProf.Tests.Reports.Exporters;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Viewers
{
    /// <summary>
    /// Our pprof files opened by `go tool pprof` itself (Debian's golang-go): `-top` for every sample type agrees with
    /// the native totals and per-function figures, `-traces` prints our stacks leaf first, and `-tags` shows the
    /// request (and thread) labels.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class PprofViewerTests
    {
        [OneTimeSetUp]
        public void RequireGo() => ViewerTools.Require(ViewerTools.GoTool, "go tool pprof", "golang-go");

        static string Pprof(string file, params string[] args) =>
            ViewerTools.Run(ViewerTools.GoTool, new[] { "tool", "pprof" }.Concat(args).Append(file), "go tool pprof " + string.Join(" ", args));

        static string Export(string label)
        {
            var (profile, _) = ViewerProfiles.Load(label);
            return ViewerTools.Save(ViewerProfiles.Slug(label) + ".pb.gz", FormatFixtures.Export(new PprofExporter(), profile));
        }

        /// <summary>`-top` of one sample type, in raw units: the total and each function's flat and cum.</summary>
        static (long Total, Dictionary<string, (long Flat, long Cum)> Rows) Top(string file, string sampleIndex, string unit)
        {
            // sorted by cum: sorted by flat, pprof leaves out the functions whose flat value is 0
            var text = Pprof(file, "-top", "-cum", "-sample_index=" + sampleIndex, "-unit=" + unit, "-nodecount=1000000", "-nodefraction=0", "-edgefraction=0");
            var number = unit == "count" ? "" : $"(?:{Regex.Escape(unit)})?"; // a zero is printed without its unit
            var total = Regex.Match(text, $@"Showing nodes accounting for [^,]+, [^ ]+ of ([0-9.e+]+){number} total");
            Assert.That(total.Success, "the -top header:\n" + text);
            var rows = new Dictionary<string, (long, long)>();
            foreach (var line in text.Split('\n'))
            {
                var m = Regex.Match(line, $@"^\s*([0-9.e+]+){number}\s+\S+%\s+\S+%\s+([0-9.e+]+){number}\s+\S+%\s+(.+)$");
                if (!m.Success) continue;
                Assert.That(rows.ContainsKey(m.Groups[3].Value), Is.False, "one row per function: " + line);
                rows[m.Groups[3].Value] = (Value(m.Groups[1].Value), Value(m.Groups[2].Value));
            }
            return (Value(total.Groups[1].Value), rows);
        }

        static long Value(string s)
        {
            var d = double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.That(d, Is.EqualTo(Math.Round(d)), $"{s}: pprof shows whole units");
            return (long)Math.Round(d);
        }

        [Test]
        public void The_wall_split_sample_types_add_up_to_wall_time_in_pprof()
        {
            // the seed app as recorded has the wall split: running, blocked and suspended samples add up to wall
            var (profile, _) = ViewerProfiles.Load(ViewerProfiles.Seed);
            Assert.That(profile.HasWallSplit);
            var file = Export(ViewerProfiles.Seed);
            var figures = CallTreeFigures.Of(profile);
            var kinds = WallSplit.PartsOf(profile); // gc and queued too when the run had some
            var parts = kinds.Select(p => Top(file, WallSplit.Key(p), "ns")).ToList();
            Assert.That(parts.Sum(p => p.Total), Is.EqualTo(Top(file, "wall", "ns").Total));
            for (var k = 0; k < kinds.Count; k++)
                Assert.That(parts[k].Total, Is.EqualTo(profile.Tree.Sum(n => figures.SelfSplit(n).Part(kinds[k]))), WallSplit.Key(kinds[k]));
        }

        [TestCaseSource(typeof(ViewerProfiles), nameof(ViewerProfiles.Labels))]
        public void Top_of_every_sample_type_agrees_with_the_profile(string label)
        {
            var file = Export(label);
            var expected = ExpectedFigures.For(label);
            foreach (var (index, unit, metric) in new[] { ("wall", "ns", ProfileMetric.Wall), ("cpu", "ns", ProfileMetric.Cpu), ("alloc", "B", ProfileMetric.Alloc) })
            {
                var (total, rows) = Top(file, index, unit);
                Assert.That(total, Is.EqualTo(expected.Totals.Of(metric)), $"{index}: pprof's total");
                foreach (var (name, (inclusive, self)) in expected.ByMetric[metric])
                {
                    if (inclusive == 0) { Assert.That(rows.ContainsKey(name) ? rows[name] : (0, 0), Is.EqualTo((0L, 0L)), $"{name}: nothing in {index}"); continue; }
                    Assert.That(rows.ContainsKey(name), $"{index}: pprof lists {name}; it shows {string.Join(", ", rows.Keys.Take(20))}");
                    Assert.That(rows[name], Is.EqualTo((self, inclusive)), $"{index}: {name} flat and cum");
                }
            }
            var calls = Top(file, "calls", "count");
            Assert.That(calls.Total, Is.EqualTo(expected.Totals.Calls), "calls: pprof's total");
            foreach (var (name, count) in expected.Calls.Where(c => c.Value > 0))
                Assert.That(calls.Rows[name].Flat, Is.EqualTo(count), $"calls: {name}");
        }

        [TestCaseSource(typeof(ViewerProfiles), nameof(ViewerProfiles.Labels))]
        public void Traces_show_our_stacks_leaf_first_with_their_labels(string label)
        {
            var file = Export(label);
            var (profile, native) = ViewerProfiles.Load(label);
            var text = Pprof(file, "-traces", "-sample_index=cpu", "-unit=ns");
            // one block per sample: "-----------+----" then "key:  value" label lines, then the frames, leaf first,
            // the first one after the sample's value
            var blocks = text.Split("-----------+-------------------------------------------------------").Skip(1).Where(b => b.Trim().Length > 0).ToList();
            Assert.That(blocks, Is.Not.Empty, text);
            var stacks = new HashSet<string>();
            var threadLabelled = false;
            foreach (var block in blocks)
            {
                var lines = block.Split('\n').Where(l => l.Trim().Length > 0).ToList();
                var labels = lines.TakeWhile(l => Regex.IsMatch(l, @"^\s*[a-z_]+:\s")).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
                var frames = lines.Skip(labels.Count).Select((l, i) => i == 0 ? Regex.Replace(l.Trim(), @"^\S+\s+", "") : l.Trim()).ToList();
                Assert.That(frames, Is.Not.Empty, block);
                Assert.That(labels.ContainsKey("request"), "every sample carries its request label: " + block);
                // the request is the stack's root; a detached lane's root is its marker frame, its request the real entry point
                if (frames[^1].StartsWith("[detached from "))
                    Assert.That(native.Functions.Select(f => f.Name), Does.Contain(labels["request"]), "a detached stack's request is one of our functions");
                else
                    Assert.That(labels["request"], Is.EqualTo(frames[^1].Trim('[', ']')), "the request is the stack's root");
                Assert.That(labels.ContainsKey("thread"), Is.EqualTo(labels.ContainsKey("thread_id")), "thread name and id together: " + block);
                threadLabelled |= labels.ContainsKey("thread");
                frames.Reverse();
                stacks.Add(string.Join(";", frames));
            }
            Assert.That(threadLabelled, Is.EqualTo(profile.Timeline != null), "samples carry thread labels when the profile has a timeline");
            // the stacks of the CPU flame graph, root first once reversed (pprof prints only samples with a value)
            var expected = FoldedExporter.Lines(profile, ProfileMetric.Cpu).Select(l => l.Stack).ToHashSet();
            Assert.That(stacks, Is.SupersetOf(expected), "every stack of the profile, in order, leaf first");
            var names = native.Functions.Select(f => FoldedExporter.FrameName(f.Name)).ToHashSet();
            // besides our frames, only documented pseudo-frames ("[detached from F]", "[... collapsed]")
            Assert.That(stacks.SelectMany(s => s.Split(';')).Where(f => !f.StartsWith("[")).Distinct(), Is.SubsetOf(names), "only our frames");
        }

        [TestCase(ViewerProfiles.Seed)]
        [TestCase("async-resume fixture")]
        public void Tags_show_the_request_and_thread_labels(string label)
        {
            var file = Export(label);
            var (profile, native) = ViewerProfiles.Load(label);
            var text = Pprof(file, "-tags", "-sample_index=wall");
            var roots = native.Tree.Where(n => n.Parent == null && n.WallNs > 0).Select(n => native.FunctionById(n.Function).Name).Distinct().ToList();
            Assert.That(text, Does.Contain(" request: Total"), text);
            foreach (var root in roots) Assert.That(text, Does.Contain(": " + root + "\n").Or.Contain(": " + root + "\r"), $"request {root}");
            Assert.That(text, Does.Contain(" thread: Total").And.Contain(" thread_id: Total"), text);
            var ran = profile.Timeline!.Segments.Select(s => s.Thread).ToHashSet();
            foreach (var thread in profile.Timeline.Threads.Where(t => t.Name != null && ran.Contains(t.Id)))
                Assert.That(text, Does.Contain(": " + thread.Name), $"thread {thread.Name}");
        }
    }
}
