using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Exporters
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Analysis;
    using AsyncProf.Reports.Exporters;
    using AsyncProf.Tests.Infrastructure;

    /// <summary>
    /// The speedscope exporter, checked against the rules of speedscope's file format schema
    /// (src/lib/file-format-spec.ts, from which file-format-schema.json is generated) and against the native totals.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class SpeedscopeFormatTests
    {
        static readonly string[] Units = { "none", "nanoseconds", "microseconds", "milliseconds", "seconds", "bytes" };

        /// <summary>Fails with the first rule of the schema the document breaks.</summary>
        public static void AssertValidSpeedscope(JsonElement root)
        {
            Assert.That(root.ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(root.GetProperty("$schema").GetString(), Is.EqualTo("https://www.speedscope.app/file-format-schema.json"));
            var frames = root.GetProperty("shared").GetProperty("frames");
            Assert.That(frames.ValueKind, Is.EqualTo(JsonValueKind.Array));
            foreach (var f in frames.EnumerateArray())
            {
                Assert.That(f.GetProperty("name").ValueKind, Is.EqualTo(JsonValueKind.String));
                foreach (var p in f.EnumerateObject())
                {
                    Assert.That(p.Name, Is.AnyOf("name", "file", "line", "col"), "frame properties");
                    if (p.Name == "file") Assert.That(p.Value.ValueKind, Is.EqualTo(JsonValueKind.String));
                    if (p.Name is "line" or "col") Assert.That(p.Value.ValueKind, Is.EqualTo(JsonValueKind.Number));
                }
            }
            var frameCount = frames.GetArrayLength();
            if (root.TryGetProperty("name", out var name)) Assert.That(name.ValueKind, Is.EqualTo(JsonValueKind.String));
            if (root.TryGetProperty("exporter", out var exporter)) Assert.That(exporter.ValueKind, Is.EqualTo(JsonValueKind.String));
            var profiles = root.GetProperty("profiles");
            Assert.That(profiles.GetArrayLength(), Is.GreaterThan(0));
            if (root.TryGetProperty("activeProfileIndex", out var active))
                Assert.That(active.GetInt32(), Is.InRange(0, profiles.GetArrayLength() - 1));
            foreach (var p in profiles.EnumerateArray())
            {
                Assert.That(p.GetProperty("type").GetString(), Is.EqualTo("sampled"), "overlapping async work belongs in sampled profiles");
                Assert.That(p.GetProperty("name").ValueKind, Is.EqualTo(JsonValueKind.String));
                Assert.That(p.GetProperty("unit").GetString(), Is.AnyOf(Units));
                var start = p.GetProperty("startValue").GetDouble();
                var end = p.GetProperty("endValue").GetDouble();
                Assert.That(end, Is.GreaterThanOrEqualTo(start));
                var samples = p.GetProperty("samples");
                var weights = p.GetProperty("weights");
                Assert.That(weights.GetArrayLength(), Is.EqualTo(samples.GetArrayLength()), "one weight per sample");
                foreach (var s in samples.EnumerateArray())
                {
                    Assert.That(s.ValueKind, Is.EqualTo(JsonValueKind.Array));
                    Assert.That(s.GetArrayLength(), Is.GreaterThan(0));
                    foreach (var i in s.EnumerateArray()) Assert.That(i.GetInt32(), Is.InRange(0, frameCount - 1), "frame index");
                }
                foreach (var w in weights.EnumerateArray())
                {
                    Assert.That(w.ValueKind, Is.EqualTo(JsonValueKind.Number));
                    Assert.That(w.GetDouble(), Is.GreaterThan(0), "zero weights are left out");
                }
            }
        }

        [TestCaseSource(typeof(FormatFixtures), nameof(FormatFixtures.Labels))]
        public void Speedscope_export_is_valid_and_adds_up(string label)
        {
            var (profile, native) = FormatFixtures.Load(label);
            var bytes = FormatFixtures.Export(new SpeedscopeExporter(), profile);
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            AssertValidSpeedscope(root);

            var totals = NativeTotals.Of(native);
            var frames = root.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToList();
            var profiles = root.GetProperty("profiles").EnumerateArray().ToList();
            Assert.That(profiles.Select(p => p.GetProperty("unit").GetString()), Is.EqualTo(new[] { "nanoseconds", "nanoseconds", "bytes" }));
            for (var k = 0; k < 3; k++)
            {
                var metric = ProfileMetrics.All[k];
                var weights = profiles[k].GetProperty("weights").EnumerateArray().Select(w => w.GetInt64()).ToList();
                Assert.That(weights.Sum(), Is.EqualTo(totals.Of(metric)), $"{metric}: weights add up to the native total");
                Assert.That(profiles[k].GetProperty("endValue").GetInt64() - profiles[k].GetProperty("startValue").GetInt64(), Is.EqualTo(totals.Of(metric)));
            }

            // CPU and allocations are exact per function: a function's inclusive figure is the weight of the samples
            // whose stack holds it, its self figure the weight of those where it is the leaf
            var stacks = new Dictionary<int, List<(int[] Stack, long Weight)>>();
            for (var k = 1; k < 3; k++)
            {
                var metric = ProfileMetrics.All[k];
                var samples = profiles[k].GetProperty("samples").EnumerateArray().Select(s => s.EnumerateArray().Select(i => i.GetInt32()).ToArray()).ToList();
                var weights = profiles[k].GetProperty("weights").EnumerateArray().Select(w => w.GetInt64()).ToList();
                foreach (var f in native.Functions.Where(f => frames.Count(n => n == f.Name) == 1))
                {
                    var frame = frames.IndexOf(f.Name);
                    var inclusive = samples.Select((s, i) => s.Contains(frame) ? weights[i] : 0).Sum();
                    var self = samples.Select((s, i) => s[^1] == frame ? weights[i] : 0).Sum();
                    Assert.That(inclusive, Is.EqualTo(metric == ProfileMetric.Cpu ? f.CpuNs : f.AllocBytes), $"{f.Name}: inclusive {metric}");
                    Assert.That(self, Is.EqualTo(metric == ProfileMetric.Cpu ? f.SelfCpuNs : f.SelfAllocBytes), $"{f.Name}: self {metric}");
                }
            }
        }

        [Test]
        public void Frames_carry_file_and_line_and_stacks_are_root_first()
        {
            var profile = FormatFixtures.Server();
            using var doc = JsonDocument.Parse(FormatFixtures.Export(new SpeedscopeExporter(), profile));
            var root = doc.RootElement;
            var frames = root.GetProperty("shared").GetProperty("frames").EnumerateArray().ToList();
            var fetch = frames.FindIndex(f => f.GetProperty("name").GetString() == FormatFixtures.Fetch);
            Assert.That(frames[fetch].GetProperty("file").GetString(), Does.EndWith(".cs"));
            Assert.That(frames[fetch].GetProperty("line").GetInt32(), Is.GreaterThan(0));
            var wall = root.GetProperty("profiles")[0];
            var stack = wall.GetProperty("samples").EnumerateArray().Select(s => s.EnumerateArray().Select(i => frames[i.GetInt32()].GetProperty("name").GetString()).ToList())
                .Single(s => s[^1] == FormatFixtures.Fetch);
            Assert.That(stack, Is.EqualTo(new[] { FormatFixtures.Main, FormatFixtures.Fanout, FormatFixtures.Fetch }));
            Assert.That(root.GetProperty("exporter").GetString(), Does.StartWith("asyncprof@"));
            Assert.That(root.GetProperty("name").GetString(), Is.EqualTo("App"));
        }

        [Test]
        public void Overlapping_async_children_are_scaled_into_their_callers_wall_time()
        {
            // four concurrent fetches (160 ms together) under a fan-out that took 50 ms
            var profile = FormatFixtures.Server(withTimeline: false);
            var lines = FoldedExporter.Lines(profile, ProfileMetric.Wall).ToDictionary(l => l.Stack, l => l.Weight);
            var fanout = $"{FormatFixtures.Main};{FormatFixtures.Fanout}";
            Assert.That(lines.ContainsKey(fanout), Is.False, "the fan-out's own wall time is 0: its children cover it");
            Assert.That(lines[fanout + ";" + FormatFixtures.Fetch], Is.EqualTo(50_000_000));
            // without overlap, self = wall - children's wall
            Assert.That(lines[FormatFixtures.Main], Is.EqualTo(1_000_000_000 - 900_000_000 - 50_000_000 - 30_000_000));
            Assert.That(lines[$"{FormatFixtures.Main};{FormatFixtures.Handle}"], Is.EqualTo(900_000_000 - 600_000_000 - 100_000_000));
            // the root in flight has no wall time of its own yet: its completed children's
            Assert.That(lines[$"{FormatFixtures.Background};{FormatFixtures.Tick}"], Is.EqualTo(5_000_000));
            Assert.That(lines.ContainsKey(FormatFixtures.Background), Is.False);
        }
    }
}
