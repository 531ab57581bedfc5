using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using AsyncProf.Reports;
using AsyncProf.Reports.Formatting;
using AsyncProf.Reports.Text;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Text
{
    /// <summary>The profile reader and the text table, on a small hand-made profile.</summary>
    [TestFixture]
    public class TextReportTests
    {
        const string Main = "App.Main", Home = "App.Handlers.Home", Parse = "App.Handlers.ParseContents",
            Db = "App.Handlers.FetchFromDbSync", Loop = "App.Worker.Loop";

        // id, name, kind, calls, inFlight, faults, suspends, wallNs, cpuNs, selfCpuNs, allocBytes
        static readonly (int Id, string Name, string Kind, long Calls, long InFlight, long Faults, long Suspends, long Wall, long Cpu, long SelfCpu, long Alloc)[] Rows =
        {
            (1, Main, "async", 1, 0, 0, 3, 2_000_000_000, 500_000_000, 1_000_000, 5 * 1024 * 1024),
            (2, Home, "async", 5, 0, 0, 10, 1_550_000_000, 510_000_000, 2_500_000, 4_404_019),
            (3, Parse, "sync", 5, 0, 0, 0, 502_000_000, 500_000_000, 500_000_000, 0),
            (4, Db, "sync", 5, 0, 1, 0, 751_000_000, 42_000, 42_000, 512),
            (5, Loop, "async", 0, 1, 0, 0, 0, 0, 0, 1536),
        };

        static string ProfileJson(bool withInFlight = true, bool withFaults = true)
        {
            string Fn((int Id, string Name, string Kind, long Calls, long InFlight, long Faults, long Suspends, long Wall, long Cpu, long SelfCpu, long Alloc) r) =>
                $"{{\"id\":{r.Id},\"name\":\"{r.Name}\",\"kind\":\"{r.Kind}\",\"module\":\"App\",\"file\":null,\"line\":0," +
                $"\"calls\":{r.Calls},\"inFlight\":{(withInFlight ? r.InFlight : 0)},\"faults\":{(withFaults ? r.Faults : 0)},\"suspends\":{r.Suspends}," +
                $"\"wallNs\":{r.Wall},\"cpuNs\":{r.Cpu},\"selfCpuNs\":{r.SelfCpu},\"allocBytes\":{r.Alloc},\"selfAllocBytes\":{r.Alloc}}}";
            string Node(int id, int? parent, (int Id, string Name, string Kind, long Calls, long InFlight, long Faults, long Suspends, long Wall, long Cpu, long SelfCpu, long Alloc) r) =>
                $"{{\"id\":{id},\"parent\":{(parent?.ToString() ?? "null")},\"function\":{r.Id},\"calls\":{r.Calls},\"inFlight\":{(withInFlight ? r.InFlight : 0)}," +
                $"\"faults\":{(withFaults ? r.Faults : 0)},\"suspends\":{r.Suspends},\"wallNs\":{r.Wall},\"cpuNs\":{r.Cpu},\"selfCpuNs\":{r.SelfCpu}," +
                $"\"allocBytes\":{r.Alloc},\"selfAllocBytes\":{r.Alloc}}}";
            string Edge(int? caller, int callee) =>
                $"{{\"caller\":{(caller?.ToString() ?? "null")},\"callee\":{callee},\"calls\":1,\"wallNs\":1,\"cpuNs\":1,\"allocBytes\":0}}";

            return "{\"schema\":\"asyncprof/1\"," +
                "\"process\":{\"name\":\"App\",\"pid\":4242,\"commandLine\":\"dotnet App.dll\",\"runtime\":\".NET 10.0.12\",\"os\":\"Linux\"," +
                "\"processorCount\":2,\"startedUtc\":\"2026-11-21T05:00:00.0000000Z\",\"durationNs\":2100000000," +
                "\"cpuClock\":{\"scheme\":\"windowed\",\"windowNs\":250000}}," +
                "\"functions\":[" + string.Join(",", Rows.Select(Fn)) + "]," +
                "\"edges\":[" + string.Join(",", Edge(null, 1), Edge(1, 2), Edge(2, 3), Edge(2, 4), Edge(null, 5)) + "]," +
                "\"tree\":[" + string.Join(",", Node(1, null, Rows[0]), Node(2, 1, Rows[1]), Node(3, 2, Rows[2]), Node(4, 2, Rows[3]), Node(5, null, Rows[4])) + "]}";
        }

        static Profile Load(string json)
        {
            var dir = Path.Combine(RepoPaths.Scratch, "work", "reports");
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, "report-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".json");
            File.WriteAllText(path, json);
            try { return ProfileReader.Load(path); }
            finally { File.Delete(path); }
        }

        static string Render(ReportSort sort = ReportSort.Wall, int? top = null, string? json = null)
        {
            var text = TextReport.Render(Load(json ?? ProfileJson()), new TextReportOptions { Sort = sort, Top = top });
            TestContext.Out.WriteLine(text);
            return text;
        }

        /// <summary>The table rows (lines starting with a function name), in output order.</summary>
        static List<string> TableRows(string report) =>
            report.Split('\n').Where(l => Rows.Any(r => l.StartsWith(r.Name + " ", StringComparison.Ordinal))).ToList();

        static string RowOf(string report, string name) =>
            TableRows(report).Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));

        /// <summary>The cells of a row: columns are separated by two or more spaces and every shown cell is non-empty.</summary>
        static string[] Cells(string row) => Regex.Split(row.Trim(), @"\s{2,}");

        [Test]
        public void Reader_reads_every_section_and_field()
        {
            var p = Load(ProfileJson());
            Assert.That(p.Process.Name, Is.EqualTo("App"));
            Assert.That(p.Process.Pid, Is.EqualTo(4242));
            Assert.That(p.Process.ProcessorCount, Is.EqualTo(2));
            Assert.That(p.Process.DurationNs, Is.EqualTo(2_100_000_000));
            Assert.That(p.Process.CpuClock!.WindowNs, Is.EqualTo(250_000));
            Assert.That(p.Process.StartedUtc, Is.EqualTo(new DateTimeOffset(2026, 11, 21, 5, 0, 0, TimeSpan.Zero)));
            Assert.That(p.Functions.Select(f => f.Name), Is.EqualTo(Rows.Select(r => r.Name)));
            var home = p.FindFunction(Home)!;
            Assert.That((home.Id, home.Kind, home.Calls, home.Suspends, home.WallNs, home.CpuNs, home.SelfCpuNs, home.AllocBytes),
                Is.EqualTo((2L, "async", 5L, 10L, 1_550_000_000L, 510_000_000L, 2_500_000L, 4_404_019L)));
            Assert.That(home.File, Is.Null);
            Assert.That(p.Edges, Has.Count.EqualTo(5));
            Assert.That(p.Edges[0].Caller, Is.Null);
            Assert.That(p.Tree, Has.Count.EqualTo(5));
            Assert.That(p.Roots.Select(n => p.Function(n.Function).Name), Is.EqualTo(new[] { Main, Loop }));
            var homeNode = p.Tree.Single(n => n.Function == home.Id);
            Assert.That(p.CallTree.Children(homeNode).Select(n => p.Function(n.Function).Name), Is.EquivalentTo(new[] { Parse, Db }));
            Assert.That(p.CallTree.Parent(homeNode)!.Function, Is.EqualTo(p.FindFunction(Main)!.Id));
        }

        [Test]
        public void Default_sort_is_inclusive_wall_time_largest_first()
        {
            var rows = TableRows(Render());
            Assert.That(rows.Select(r => Cells(r)[0]), Is.EqualTo(new[] { Main, Home, Db, Parse, Loop }));
        }

        [TestCase(ReportSort.Wall, new[] { Main, Home, Db, Parse, Loop })]
        [TestCase(ReportSort.Cpu, new[] { Home, Parse, Main, Db, Loop })] // Parse and Main tie at 500 ms: by name
        [TestCase(ReportSort.Self, new[] { Parse, Home, Main, Db, Loop })]
        [TestCase(ReportSort.Calls, new[] { Db, Home, Parse, Main, Loop })]
        [TestCase(ReportSort.Suspends, new[] { Home, Main, Db, Parse, Loop })]
        [TestCase(ReportSort.Alloc, new[] { Main, Home, Loop, Db, Parse })]
        [TestCase(ReportSort.Name, new[] { Db, Home, Parse, Main, Loop })]
        public void Sorts_by_each_key(ReportSort sort, string[] expected)
        {
            var report = Render(sort);
            Assert.That(TableRows(report).Select(r => Cells(r)[0]), Is.EqualTo(expected));
            Assert.That(report, Does.Contain("sorted by " + ReportSorts.KeyOf(sort)));
        }

        [Test]
        public void Sort_keys_parse_as_documented()
        {
            Assert.That(ReportSorts.Keys, Is.EqualTo(new[] { "wall", "cpu", "self", "calls", "suspends", "alloc", "name", "blocked", "suspended" }));
            Assert.That(ReportSorts.TryParse("CPU", out var s) && s == ReportSort.Cpu);
            Assert.That(ReportSorts.TryParse("bogus", out _), Is.False);
            Assert.That(ReportSorts.TryParse(null, out _), Is.False);
        }

        [Test]
        public void Top_shows_the_first_rows_and_says_how_many_are_left_out()
        {
            var report = Render(ReportSort.Wall, top: 2);
            Assert.That(TableRows(report).Select(r => Cells(r)[0]), Is.EqualTo(new[] { Main, Home }));
            Assert.That(report, Does.Contain("5 functions, sorted by wall, top 2 shown"));
            Assert.That(report, Does.Contain("(3 more functions not shown)"));

            var all = Render(ReportSort.Wall, top: 50);
            Assert.That(TableRows(all), Has.Count.EqualTo(5));
            Assert.That(all, Does.Not.Contain("not shown"));
        }

        [Test]
        public void Rows_show_figures_in_human_units()
        {
            var report = Render();
            // name, kind, calls, in flight, faults, suspends, wall, wall/call, self CPU, incl CPU, alloc
            Assert.That(report.Split('\n').First(l => l.StartsWith("name", StringComparison.Ordinal)),
                Does.Match(@"^name\s+kind\s+calls\s+in flight\s+faults\s+suspends\s+wall\s+wall/call\s+self CPU\s+incl CPU\s+alloc$"));
            Assert.That(Cells(RowOf(report, Home)), Is.EqualTo(new[] { Home, "async", "5", "10", "1.55 s", "310.0 ms", "2.5 ms", "510.0 ms", "4.2 MB" }),
                "empty in-flight and fault cells collapse in this split");
            Assert.That(Cells(RowOf(report, Main)), Is.EqualTo(new[] { Main, "async", "1", "3", "2.00 s", "2.00 s", "1.0 ms", "500.0 ms", "5.0 MB" }));
            Assert.That(Cells(RowOf(report, Parse)), Is.EqualTo(new[] { Parse, "sync", "5", "0", "502.0 ms", "100.4 ms", "500.0 ms", "500.0 ms", "0" }));
            Assert.That(Cells(RowOf(report, Db)), Is.EqualTo(new[] { Db, "sync", "5", "1", "0", "751.0 ms", "150.2 ms", "42.0 µs", "42.0 µs", "512 B" }),
                "one fault");
            // No completed call: wall per call is "-"; one call in flight.
            Assert.That(Cells(RowOf(report, Loop)), Is.EqualTo(new[] { Loop, "async", "0", "1", "0", "0", "-", "0", "0", "1.5 KB" }));
        }

        [Test]
        public void Columns_line_up()
        {
            var report = Render();
            var lines = report.Split('\n').SkipWhile(l => !l.StartsWith("name", StringComparison.Ordinal)).Take(6).ToList();
            // Right-aligned numbers: every "alloc" cell ends in the same column as the header.
            Assert.That(lines.Select(l => l.Length).Distinct().Count(), Is.EqualTo(1), string.Join("\n", lines));
        }

        [Test]
        public void In_flight_and_fault_columns_appear_only_when_some_function_has_them()
        {
            var report = Render(json: ProfileJson(withInFlight: false, withFaults: false));
            var header = report.Split('\n').First(l => l.StartsWith("name", StringComparison.Ordinal));
            Assert.That(header, Does.Not.Contain("in flight"));
            Assert.That(header, Does.Not.Contain("faults"));
            Assert.That(report, Does.Not.Contain("in flight:"));
            Assert.That(Cells(RowOf(report, Home)), Is.EqualTo(new[] { Home, "async", "5", "10", "1.55 s", "310.0 ms", "2.5 ms", "510.0 ms", "4.2 MB" }));

            var withBoth = Render();
            Assert.That(withBoth, Does.Contain("in flight: calls still running or suspended when the profile was written"));
        }

        [Test]
        public void Header_describes_the_process()
        {
            var report = Render();
            var lines = report.Split('\n');
            Assert.That(lines[0], Is.EqualTo("profile of App (pid 4242), ran 2.10 s, .NET 10.0.12, 2 CPUs, started 2026-11-21 05:00:00 UTC"));
            Assert.That(lines[1], Is.EqualTo("CPU clock: windowed, window 250.0 µs"));
            Assert.That(lines[2], Is.EqualTo("probe cost not subtracted: call-dense functions show the probe's own time"));
            Assert.That(lines[3], Is.EqualTo("5 functions, sorted by wall"));
        }

        [Test]
        public void Header_states_the_probe_correction_the_profile_carries()
        {
            var json = ProfileJson().Replace("\"durationNs\":2100000000,",
                "\"durationNs\":2100000000,\"clock\":\"tsc\",\"probeCorrection\":{\"insideNs\":14.25,\"outsideNs\":11.5,\"errorNs\":0.8,\"subtractedWallNs\":52000000},");
            Assert.That(json, Does.Contain("probeCorrection"));
            var lines = Render(json: json).Split('\n');
            Assert.That(lines[2], Is.EqualTo("probe cost subtracted: 25.8 ns per recorded call (14.3 inside the call, 11.5 in its caller), error ±0.8 ns per call"));
        }

        [Test]
        public void Header_says_when_the_probe_cost_was_measured_in_place()
        {
            var json = ProfileJson().Replace("\"durationNs\":2100000000,",
                "\"durationNs\":2100000000,\"probeCorrection\":{\"insideNs\":30,\"outsideNs\":20,\"errorNs\":1,\"subtractedWallNs\":5," +
                "\"calibration\":{\"insideNs\":24,\"outsideNs\":16,\"enterTailNs\":20,\"exitTailNs\":20},\"inPlace\":{\"events\":1212261,\"enterTailNs\":27,\"exitTailNs\":23}},");
            var lines = Render(json: json).Split('\n');
            Assert.That(lines[2], Is.EqualTo("probe cost subtracted: 50 ns per recorded call (30 inside the call, 20 in its caller), error ±1 ns per call, measured in place on 1,212,261 sampled probe events"));
        }

        [Test]
        public void A_negative_probe_correction_is_refused_naming_the_field()
        {
            var json = ProfileJson().Replace("\"durationNs\":2100000000,", "\"durationNs\":2100000000,\"probeCorrection\":{\"insideNs\":-1},");
            var error = Assert.Throws<ProfileFormatException>(() => Render(json: json))!;
            Assert.That(error.Message, Does.Contain("process.probeCorrection.insideNs: out of range"));
        }

        [Test]
        public void A_problem_the_runtime_reported_is_shown()
        {
            var json = ProfileJson().Replace("\"durationNs\":2100000000,", "\"durationNs\":2100000000,\"error\":\"timer thread died\",");
            var report = Render(json: json);
            Assert.That(report.Split('\n')[3], Is.EqualTo("the profiler reported a problem: timer thread died"));
            Assert.That(Render(), Does.Not.Contain("reported a problem"));
        }

        [Test]
        public void An_empty_profile_renders_without_a_table()
        {
            var json = "{\"schema\":\"asyncprof/1\",\"process\":{\"name\":\"Empty\"},\"functions\":[],\"edges\":[],\"tree\":[]}";
            var report = Render(json: json);
            Assert.That(report, Does.Contain("0 functions"));
            Assert.That(report, Does.Not.Contain("wall/call"));
        }

        [TestCase(0, "0")]
        [TestCase(1, "1 ns")]
        [TestCase(999, "999 ns")]
        [TestCase(1_000, "1.0 µs")]
        [TestCase(42_000, "42.0 µs")]
        [TestCase(999_949, "999.9 µs")]
        [TestCase(999_950, "1.0 ms")]
        [TestCase(310_000_000, "310.0 ms")]
        [TestCase(999_949_999, "999.9 ms")]
        [TestCase(999_950_000, "1.00 s")]
        [TestCase(1_550_000_000, "1.55 s")]
        [TestCase(125_000_000_000, "125.00 s")]
        public void Durations(long ns, string expected) => Assert.That(Units.Duration(ns), Is.EqualTo(expected));

        [TestCase(0, "0")]
        [TestCase(512, "512 B")]
        [TestCase(1023, "1023 B")]
        [TestCase(1024, "1.0 KB")]
        [TestCase(1536, "1.5 KB")]
        [TestCase(1024 * 1024 - 1, "1.0 MB")]
        [TestCase(5 * 1024 * 1024, "5.0 MB")]
        [TestCase(3L * 1024 * 1024 * 1024, "3.00 GB")]
        public void Sizes(long bytes, string expected) => Assert.That(Units.Bytes(bytes), Is.EqualTo(expected));
    }

    /// <summary>Every way a file can fail to be a profile gives one line naming the file and the problem.</summary>
    [TestFixture]
    public class ProfileReaderErrorTests
    {
        static string Write(string content)
        {
            var dir = Path.Combine(RepoPaths.Scratch, "work", "reports");
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, "bad-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".json");
            File.WriteAllText(path, content);
            return path;
        }

        static string Valid(string functions = "[]", string edges = "[]", string tree = "[]", string schema = "\"asyncprof/1\"") =>
            "{\"schema\":" + schema + ",\"process\":{\"name\":\"X\"},\"functions\":" + functions + ",\"edges\":" + edges + ",\"tree\":" + tree + "}";

        const string Fn = "{\"id\":1,\"name\":\"A.B\",\"kind\":\"sync\",\"module\":\"A\",\"file\":null,\"line\":0,\"calls\":1,\"inFlight\":0,\"faults\":0," +
                          "\"suspends\":0,\"wallNs\":1,\"cpuNs\":1,\"selfCpuNs\":1,\"allocBytes\":0,\"selfAllocBytes\":0}";

        static void AssertFails(string content, string expectedProblem)
        {
            var path = Write(content);
            var e = Assert.Throws<ProfileFormatException>(() => ProfileReader.Load(path))!;
            TestContext.Out.WriteLine(e.Message);
            Assert.That(e.Message, Does.StartWith(path + ": "));
            Assert.That(e.Message, Does.Contain(expectedProblem));
            Assert.That(e.Message, Does.Not.Contain("\n"));
        }

        [Test]
        public void Missing_file()
        {
            var path = Path.Combine(RepoPaths.Scratch, "work", "reports", "nowhere", "profile.json");
            var e = Assert.Throws<ProfileFormatException>(() => ProfileReader.Load(path))!;
            Assert.That(e.Message, Is.EqualTo(path + ": no such file"));
        }

        [Test] public void Empty_file() => AssertFails("", "empty file");
        [Test] public void Not_json() => AssertFails("hello, I am not JSON", "not valid JSON");
        [Test] public void Truncated_json() => AssertFails(Valid().Substring(0, 40), "not valid JSON");
        [Test] public void Json_array() => AssertFails("[1,2,3]", "not an asyncprof profile");
        [Test] public void No_schema() => AssertFails("{\"functions\":[]}", "not an asyncprof profile (no \"schema\"");
        [Test] public void Other_schema() => AssertFails(Valid(schema: "\"speedscope\""), "not an asyncprof profile (schema \"speedscope\"");
        [Test] public void Newer_schema() => AssertFails(Valid(schema: "\"asyncprof/2\""), "unsupported schema \"asyncprof/2\"");
        [Test] public void Missing_section() => AssertFails("{\"schema\":\"asyncprof/1\",\"process\":{},\"functions\":[],\"edges\":[]}", "missing \"tree\"");
        [Test] public void Section_of_the_wrong_type() => AssertFails(Valid(functions: "{}"), "functions: expected an array, got an object");
        [Test] public void Missing_field() => AssertFails(Valid(functions: "[" + Fn.Replace("\"calls\":1,", "") + "]"), "functions[0]: missing \"calls\"");
        [Test] public void Field_of_the_wrong_type() => AssertFails(Valid(functions: "[" + Fn.Replace("\"calls\":1", "\"calls\":\"1\"") + "]"), "functions[0].calls: expected an integer, got a string");
        [Test] public void Fractional_figure() => AssertFails(Valid(functions: "[" + Fn.Replace("\"wallNs\":1", "\"wallNs\":1.5") + "]"), "functions[0].wallNs: expected an integer, got 1.5");
        [Test] public void Negative_figure() => AssertFails(Valid(functions: "[" + Fn.Replace("\"cpuNs\":1", "\"cpuNs\":-4") + "]"), "functions[0].cpuNs: negative (-4)");
        [Test] public void Duplicate_function_id() => AssertFails(Valid(functions: "[" + Fn + "," + Fn + "]"), "functions[1].id: duplicate function id 1");
        [Test] public void Edge_to_an_unknown_function() => AssertFails(
            Valid(functions: "[" + Fn + "]", edges: "[{\"caller\":7,\"callee\":1,\"calls\":1,\"wallNs\":0,\"cpuNs\":0,\"allocBytes\":0}]"),
            "edges[0].caller: no function with id 7");
        [Test] public void Node_of_an_unknown_function() => AssertFails(
            Valid(functions: "[" + Fn + "]", tree: "[" + NodeJson(1, "null", 9) + "]"), "tree[0].function: no function with id 9");
        [Test] public void Node_before_its_parent() => AssertFails(
            Valid(functions: "[" + Fn + "]", tree: "[" + NodeJson(2, "1", 1) + "," + NodeJson(1, "null", 1) + "]"),
            "tree[0].parent: no earlier node with id 1");

        static string NodeJson(int id, string parent, int function) =>
            $"{{\"id\":{id},\"parent\":{parent},\"function\":{function},\"calls\":1,\"inFlight\":0,\"faults\":0,\"suspends\":0," +
            "\"wallNs\":1,\"cpuNs\":1,\"selfCpuNs\":1,\"allocBytes\":0,\"selfAllocBytes\":0}";

        [Test]
        public void A_utf8_byte_order_mark_is_accepted()
        {
            var path = Write("");
            File.WriteAllText(path, Valid(functions: "[" + Fn + "]"), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            Assert.That(File.ReadAllBytes(path)[0], Is.EqualTo(0xEF));
            Assert.That(ProfileReader.Load(path).Functions.Single().Name, Is.EqualTo("A.B"));
        }

        [Test]
        public void Unknown_properties_are_ignored()
        {
            var path = Write(Valid(functions: "[" + Fn.Replace("{\"id\":1,", "{\"id\":1,\"future\":{\"x\":[1]},") + "]").Replace("\"process\":", "\"extra\":true,\"process\":"));
            Assert.That(ProfileReader.Load(path).Functions.Single().Name, Is.EqualTo("A.B"));
        }
    }
}
