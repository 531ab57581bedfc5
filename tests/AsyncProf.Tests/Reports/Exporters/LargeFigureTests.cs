using System.Collections.Generic;
using System.Linq;
using System.Text;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Exporters
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Analysis;
    using AsyncProf.Reports.Exporters;

    /// <summary>
    /// Figures at int64's edge: the reader accepts any figure up to 2^63-1, so sums of them must stop there in every
    /// format instead of throwing (callgrind did: exit 3) or wrapping to negative numbers; and any int64 is a legal
    /// function id, long.MinValue included.
    /// </summary>
    [TestFixture]
    public class LargeFigureTests
    {
        const long Max = long.MaxValue;

        /// <summary>Two roots of one function, then a child under each, every figure int64-max.</summary>
        static Profile Saturated(long mainId = 1, long childId = 2)
        {
            FunctionStats F(long id, string name) => new()
            {
                Id = id, Name = name, Kind = "sync", Calls = Max, Suspends = Max, WallNs = Max, CpuNs = Max, SelfCpuNs = Max, AllocBytes = Max, SelfAllocBytes = Max,
            };
            CallTreeNode N(long id, long? parent, long function) => new()
            {
                Id = id, Parent = parent, Function = function, Calls = Max, Suspends = Max, WallNs = Max, CpuNs = Max, SelfCpuNs = Max, AllocBytes = Max, SelfAllocBytes = Max,
            };
            var functions = new List<FunctionStats> { F(mainId, "App.Main"), F(childId, "App.Child") };
            var edges = new List<EdgeStats>
            {
                new() { Caller = null, Callee = mainId, Calls = Max, WallNs = Max, CpuNs = Max, AllocBytes = Max },
                new() { Caller = mainId, Callee = childId, Calls = Max, WallNs = Max, CpuNs = Max, AllocBytes = Max },
            };
            var tree = new List<CallTreeNode> { N(10, null, mainId), N(11, null, mainId), N(12, 10, childId), N(13, 11, childId) };
            return new Profile(new ProcessInfo { Name = "App" }, functions, edges, tree);
        }

        static string Text(IProfileExporter exporter, Profile profile) => Encoding.UTF8.GetString(FormatFixtures.Export(exporter, profile));

        [Test]
        public void Callgrind_totals_stop_at_int64_max()
        {
            var text = Text(new CallgrindExporter(), Saturated());
            Assert.That(text, Does.Contain($"summary: {Max} {Max} {Max}\n"));
            Assert.That(text, Does.Contain($"totals: {Max} {Max} {Max}\n"));
            Assert.That(text, Does.Not.Contain("-"), "no figure wrapped to a negative number");
            Assert.That(text, Does.Contain($"calls={Max} "), "calls summed over two nodes stop at int64-max too");
        }

        [Test]
        public void Callgrind_keeps_a_function_with_id_long_MinValue_apart_from_the_root()
        {
            var text = Text(new CallgrindExporter(), Saturated(mainId: long.MinValue, childId: long.MaxValue));
            Assert.That(text, Does.Contain("fn=(1) (root)"));
            Assert.That(text, Does.Contain("App.Main"));
            Assert.That(text.Split('\n').Count(l => l.StartsWith("fn=(1)")), Is.EqualTo(1), "(root) and App.Main are two functions");
        }

        [Test]
        public void Folded_weights_of_merged_stacks_stop_at_int64_max()
        {
            foreach (var metric in ProfileMetrics.All)
            {
                var lines = FoldedExporter.Lines(Saturated(), metric).ToList();
                Assert.That(lines.Select(l => l.Weight), Has.All.EqualTo(Max), metric.ToString());
                Assert.That(lines.Select(l => l.Stack), Is.Unique, "identical stacks are merged");
            }
        }

        [Test]
        public void Pprof_time_of_a_start_past_2262_stops_at_int64_max()
        {
            var p = Saturated();
            var late = new Profile(new ProcessInfo { Name = "App", StartedUtc = new System.DateTimeOffset(9999, 12, 31, 0, 0, 0, System.TimeSpan.Zero), DurationNs = Max },
                p.Functions, p.Edges, p.Tree);
            var bytes = PprofExporter.Encode(late);
            // time_nanos (field 9, varint): 9999 is past int64 nanoseconds since 1970, so it stops at int64-max, not wraps
            var timeNanosMax = new byte[] { 9 << 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F };
            Assert.That(Enumerable.Range(0, bytes.Length - timeNanosMax.Length).Any(i => bytes.Skip(i).Take(timeNanosMax.Length).SequenceEqual(timeNanosMax)), Is.True);
        }

        [Test]
        public void Every_format_exports_int64_max_figures()
        {
            foreach (var exporter in ExporterRegistry.All.Where(e => e.Name != "chrome"))
                Assert.DoesNotThrow(() => FormatFixtures.Export(exporter, Saturated()), exporter.Name);
        }

        [Test]
        public void The_callers_report_sums_int64_max_calls()
        {
            var text = Text(new TextExporter { Callers = "App.Child" }, Saturated());
            Assert.That(text, Does.Contain($"{Max} calls"));
        }
    }
}
