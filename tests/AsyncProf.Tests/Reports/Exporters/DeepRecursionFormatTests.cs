using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Exporters
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Analysis;
    using AsyncProf.Reports.Exporters;
    using AsyncProf.Reports.Html;
    using AsyncProf.Reports.Text;
    using AsyncProf.Tests.Infrastructure;

    /// <summary>
    /// Deep recursion (issue 8): a profile of a direct recursion and of an indirect one (A calls B calls A), each
    /// <c>depth</c> levels deep, through every format. Written out in full, each stack of such a tree repeats every
    /// frame above it, so a stack format grows with the square of the depth (300 MB of folded stacks at 10,000
    /// levels); bounded, each stays under a few megabytes, still adds up to the totals, and says what it collapsed.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class DeepRecursionFormatTests
    {
        const string Fn = "App.Tree.Visit", Leaf = "App.Tree.Leaf", A = "App.Parser.ParseExpr", B = "App.Parser.ParseTerm";
        const long StackFormatLimit = 2 << 20;

        /// <summary>
        /// Visit recursing <paramref name="depth"/> levels, each level also calling Leaf; and ParseExpr/ParseTerm
        /// alternating <paramref name="depth"/> levels deep; a timeline segment for every Visit call. Written
        /// directly as JSON (one pass), the way the runtime writes a real profile of such a run.
        /// </summary>
        static string Generate(int depth)
        {
            var sb = new StringBuilder(depth * 600);
            string N(long v) => v.ToString(CultureInfo.InvariantCulture);
            string Figures(long calls, long wall, long cpu, long selfCpu, long alloc, long selfAlloc) =>
                $"\"calls\":{N(calls)},\"inFlight\":0,\"faults\":0,\"suspends\":0,\"wallNs\":{N(wall)},\"cpuNs\":{N(cpu)},\"selfCpuNs\":{N(selfCpu)},\"allocBytes\":{N(alloc)},\"selfAllocBytes\":{N(selfAlloc)}";
            long d = depth, aCalls = (d + 1) / 2, bCalls = d / 2;
            sb.Append("{\"schema\":\"asyncprof/1\",\"process\":{\"name\":\"Deep\",\"pid\":7,\"durationNs\":").Append(N(d * 5000)).Append("},\"functions\":[");
            sb.Append($"{{\"id\":1,\"name\":\"{Fn}\",\"kind\":\"sync\",\"file\":\"/src/Tree.cs\",\"line\":3,{Figures(d, d * 3000, d * 1500, d * 1000, d * 12, d * 8)}}},");
            sb.Append($"{{\"id\":2,\"name\":\"{Leaf}\",\"kind\":\"sync\",\"file\":\"/src/Tree.cs\",\"line\":9,{Figures(d, d * 500, d * 500, d * 500, d * 4, d * 4)}}},");
            sb.Append($"{{\"id\":3,\"name\":\"{A}\",\"kind\":\"sync\",\"file\":null,\"line\":0,{Figures(aCalls, d * 2000, d * 700, aCalls * 700, 0, 0)}}},");
            sb.Append($"{{\"id\":4,\"name\":\"{B}\",\"kind\":\"sync\",\"file\":null,\"line\":0,{Figures(bCalls, (d - 1) * 2000, (d - 1) * 700, bCalls * 700, 0, 0)}}}");
            sb.Append("],\"edges\":[");
            sb.Append($"{{\"caller\":null,\"callee\":1,\"calls\":1,\"wallNs\":{N(d * 3000)},\"cpuNs\":{N(d * 1500)},\"allocBytes\":{N(d * 12)}}},");
            sb.Append($"{{\"caller\":1,\"callee\":1,\"calls\":{N(d - 1)},\"wallNs\":0,\"cpuNs\":0,\"allocBytes\":0}},");
            sb.Append($"{{\"caller\":1,\"callee\":2,\"calls\":{N(d)},\"wallNs\":{N(d * 500)},\"cpuNs\":{N(d * 500)},\"allocBytes\":{N(d * 4)}}},");
            sb.Append($"{{\"caller\":null,\"callee\":3,\"calls\":1,\"wallNs\":{N(d * 2000)},\"cpuNs\":{N(d * 700)},\"allocBytes\":0}},");
            sb.Append($"{{\"caller\":3,\"callee\":4,\"calls\":{N(bCalls)},\"wallNs\":{N((d - 1) * 2000)},\"cpuNs\":{N((d - 1) * 700)},\"allocBytes\":0}},");
            sb.Append($"{{\"caller\":4,\"callee\":3,\"calls\":{N(aCalls - 1)},\"wallNs\":0,\"cpuNs\":0,\"allocBytes\":0}}");
            sb.Append("],\"tree\":[");
            // Visit node i has id 2i+1, its Leaf 2i+2; the parser chain's node k has id 2d+1+k
            for (long i = 0; i < d; i++)
            {
                var parent = i == 0 ? "null" : N(2 * i - 1);
                sb.Append($"{{\"id\":{N(2 * i + 1)},\"parent\":{parent},\"function\":1,{Figures(1, (d - i) * 3000, (d - i) * 1500, 1000, (d - i) * 12, 8)}}},");
                sb.Append($"{{\"id\":{N(2 * i + 2)},\"parent\":{N(2 * i + 1)},\"function\":2,{Figures(1, 500, 500, 500, 4, 4)}}},");
            }
            for (long k = 0; k < d; k++)
            {
                var parent = k == 0 ? "null" : N(2 * d + k);
                sb.Append($"{{\"id\":{N(2 * d + 1 + k)},\"parent\":{parent},\"function\":{(k % 2 == 0 ? 3 : 4)},{Figures(1, (d - k) * 2000, (d - k) * 700, 700, 0, 0)}}}");
                sb.Append(k + 1 < d ? "," : "");
            }
            sb.Append("],\"timeline\":{\"droppedSegments\":0,\"threads\":[{\"id\":1,\"name\":\"Main\"}],\"segments\":[");
            for (long i = 0; i < d; i++)
            {
                var parentCall = i == 0 ? "null" : N(i);
                sb.Append($"{{\"call\":{N(i + 1)},\"parentCall\":{parentCall},\"function\":1,\"node\":{N(2 * i + 1)},\"thread\":1,\"startNs\":{N(i * 1000)},\"endNs\":{N((2 * d - i) * 1000)},\"cpuNs\":{N((d - i) * 1500)},\"end\":\"exit\"}}");
                sb.Append(i + 1 < d ? "," : "");
            }
            sb.Append("]}}");
            return sb.ToString();
        }

        static string Grouped(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

        [TestCase(10_000)]
        [TestCase(100_000)]
        public void Every_format_stays_bounded_and_adds_up(int depth)
        {
            var path = Path.Combine(RepoPaths.Scratch, "formats", $"deep-{depth}-{Guid.NewGuid().ToString("N").Substring(0, 8)}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Generate(depth));
            var inputBytes = new FileInfo(path).Length;
            var profile = ProfileReader.Load(path);
            var native = ProfileFile.Load(path);
            var totals = NativeTotals.Of(native);
            long d = depth;
            Assert.That((totals.Wall, totals.Cpu, totals.Alloc, totals.Calls), Is.EqualTo((d * 5000, d * 2200, d * 12, 3 * d)), "the generator's arithmetic");
            var recursion = $"[... {Grouped(d - 10)} recursive frames collapsed]";
            var deeper = $"[... {Grouped(d - 257)} deeper frames collapsed]";

            var sizes = new System.Collections.Generic.List<string>();
            byte[] Export(IProfileExporter e, long limit)
            {
                var bytes = FormatFixtures.Export(e, profile);
                sizes.Add($"{e.Name}: {bytes.Length:N0} bytes");
                Assert.That(bytes.LongLength, Is.LessThan(limit), $"{e.Name}: {bytes.Length:N0} bytes from a {inputBytes:N0}-byte profile");
                return bytes;
            }

            foreach (var metric in ProfileMetrics.All)
            {
                var text = Encoding.UTF8.GetString(Export(new FoldedExporter(metric), StackFormatLimit));
                var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.That(lines.Sum(l => long.Parse(l.Substring(l.LastIndexOf(' ') + 1), CultureInfo.InvariantCulture)), Is.EqualTo(totals.Of(metric)), $"folded {metric} total");
                Assert.That(lines.Max(l => l.Split(';').Length), Is.LessThanOrEqualTo(260), "stack depth bounded");
                if (metric == ProfileMetric.Cpu)
                {
                    Assert.That(text, Does.Contain(";" + recursion + ";" + Fn + ";" + Leaf + " "), "the merged levels' leaves under the marker");
                    Assert.That(text, Does.Contain(";" + deeper + " "));
                    // inclusive CPU per function still exact: every Visit and Leaf stack holds Visit
                    Assert.That(lines.Where(l => l.Split(' ')[0].Split(';').Contains(Fn)).Sum(l => long.Parse(l.Substring(l.LastIndexOf(' ') + 1), CultureInfo.InvariantCulture)), Is.EqualTo(d * 1500));
                }
            }

            using (var doc = JsonDocument.Parse(Export(new SpeedscopeExporter(), StackFormatLimit)))
            {
                SpeedscopeFormatTests.AssertValidSpeedscope(doc.RootElement);
                var frames = doc.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
                Assert.That(frames, Does.Contain(recursion).And.Contain(deeper));
                var profiles = doc.RootElement.GetProperty("profiles").EnumerateArray().ToList();
                for (var k = 0; k < 3; k++)
                    Assert.That(profiles[k].GetProperty("weights").EnumerateArray().Sum(w => w.GetInt64()), Is.EqualTo(totals.Of(ProfileMetrics.All[k])), "speedscope total");
            }

            var gz = Export(new PprofExporter(), StackFormatLimit);
            using (var raw = new MemoryStream())
            {
                using (var unzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress)) unzip.CopyTo(raw);
                Assert.That(raw.Length, Is.LessThan(StackFormatLimit), "pprof before gzip");
            }
            var p = PprofFormatTests.Decode(gz);
            PprofFormatTests.AssertWellFormed(p);
            Assert.That(Enumerable.Range(0, 4).Select(k => p.Samples.Sum(s => s.Values[k])), Is.EqualTo(new[] { totals.Calls, totals.Wall, totals.Cpu, totals.Alloc }), "pprof totals");
            Assert.That(p.Functions.Select(f => p.S(f.Name)), Does.Contain(recursion).And.Contain(deeper));

            var callgrind = CallgrindFormatTests.Parse(Encoding.UTF8.GetString(Export(new CallgrindExporter(), StackFormatLimit)));
            Assert.That(callgrind.Totals, Is.EqualTo(new[] { totals.Wall, totals.Cpu, totals.Alloc }), "callgrind totals");

            var tree = Encoding.UTF8.GetString(Export(new TextExporter { Tree = new TreeReportOptions() }, StackFormatLimit));
            Assert.That(tree, Does.Contain(recursion).And.Contain(deeper));
            Assert.That(tree, Does.Contain("\n[... N recursive frames collapsed]: direct recursion deeper than 10 levels"));
            Assert.That(tree, Does.Contain("\n[... N deeper frames collapsed]: calls deeper than 256 levels"));
            Assert.That(tree.Split('\n')[0], Does.Contain($"CPU {Formatting(d * 2200)}"));
            Export(new TextExporter(), 64 << 10);

            // the formats that carry the whole profile grow with it, never with the square of the depth
            var html = Encoding.UTF8.GetString(Export(new HtmlExporter(), inputBytes * 2 + (1 << 20)));
            Assert.That(html, Does.Contain(JsonEncodedText.Encode(recursion).ToString()));
            Export(new NativeJsonExporter(), inputBytes * 3);
            Export(new ChromeTraceExporter(), inputBytes * 3);
            TestContext.Out.WriteLine($"depth {depth:N0}, profile {inputBytes:N0} bytes: " + string.Join("; ", sizes));
        }

        static string Formatting(long ns) => AsyncProf.Reports.Formatting.Units.Duration(ns);
    }
}
