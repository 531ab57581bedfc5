using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace AsyncProf.Tests.Fuzz.Reports
{
    /// <summary>What <c>asyncprof report</c> must do with a hostile profile, in every format.</summary>
    public enum Expected
    {
        /// <summary>A legal profile, however odd: exit 0 and a valid output.</summary>
        Accept,
        /// <summary>Not a profile: exit 1 and one line naming the file and the problem.</summary>
        Reject,
    }

    public sealed record HostileProfile(string Name, Expected Expected, byte[] Bytes)
    {
        public override string ToString() => Name;
    }

    /// <summary>
    /// Hand-made profiles an attacker or a broken disk could hand to <c>asyncprof report</c>: JSON nested past any
    /// sane depth, numbers at and past int64's edges, negative and fractional figures, missing fields, wrong types,
    /// parent cycles, duplicated ids, references to missing functions and nodes, enormous strings, control
    /// characters and <c>&lt;/script&gt;</c> in names, text that is not UTF-8 or holds lone surrogates.
    /// </summary>
    public static class HostileProfiles
    {
        const long Max = long.MaxValue;

        static readonly string[] FigureNames = { "calls", "inFlight", "faults", "suspends", "wallNs", "cpuNs", "selfCpuNs", "allocBytes", "selfAllocBytes" };
        static readonly string[] EdgeFigureNames = { "calls", "wallNs", "cpuNs", "allocBytes" };

        /// <summary>A small valid profile with a timeline: Main → Handle → Query, and Main → Log.</summary>
        public static JsonObject Base()
        {
            JsonObject Figures(JsonObject o, long calls, long wall, long cpu, long selfCpu, long alloc, long selfAlloc)
            {
                o["calls"] = calls; o["inFlight"] = 0; o["faults"] = 0; o["suspends"] = 1;
                o["wallNs"] = wall; o["cpuNs"] = cpu; o["selfCpuNs"] = selfCpu; o["allocBytes"] = alloc; o["selfAllocBytes"] = selfAlloc;
                return o;
            }
            JsonObject Function(long id, string name, string kind, long calls, long wall, long cpu, long selfCpu, long alloc, long selfAlloc) =>
                Figures(new JsonObject { ["id"] = id, ["name"] = name, ["kind"] = kind, ["module"] = "App", ["file"] = "/src/App.cs", ["line"] = 10 * id },
                    calls, wall, cpu, selfCpu, alloc, selfAlloc);
            JsonObject Node(long id, long? parent, long function, long calls, long wall, long cpu, long selfCpu, long alloc, long selfAlloc) =>
                Figures(new JsonObject { ["id"] = id, ["parent"] = parent, ["function"] = function }, calls, wall, cpu, selfCpu, alloc, selfAlloc);
            JsonObject Edge(long? caller, long callee, long calls, long wall, long cpu, long alloc) =>
                new() { ["caller"] = caller, ["callee"] = callee, ["calls"] = calls, ["wallNs"] = wall, ["cpuNs"] = cpu, ["allocBytes"] = alloc };
            JsonObject Segment(long call, long? parentCall, long function, long node, long start, long end, long cpu, string how) =>
                new() { ["call"] = call, ["parentCall"] = parentCall, ["function"] = function, ["node"] = node, ["thread"] = 1, ["startNs"] = start, ["endNs"] = end, ["cpuNs"] = cpu, ["end"] = how };

            return new JsonObject
            {
                ["schema"] = "asyncprof/1",
                ["process"] = new JsonObject
                {
                    ["name"] = "App", ["pid"] = 42, ["commandLine"] = "dotnet App.dll", ["runtime"] = ".NET 10", ["os"] = "Linux",
                    ["processorCount"] = 2, ["startedUtc"] = "2026-11-21T05:00:00Z", ["durationNs"] = 2_000_000,
                    ["cpuClock"] = new JsonObject { ["scheme"] = "exact", ["windowNs"] = 0 }, ["error"] = null,
                },
                ["functions"] = new JsonArray
                {
                    Function(1, "App.Program.Main", "sync", 1, 1_000_000, 600_000, 100_000, 4096, 1024),
                    Function(2, "App.Server.HandleAsync", "async", 1, 800_000, 400_000, 200_000, 2048, 1024),
                    Function(3, "App.Db.QueryAsync", "async", 2, 500_000, 200_000, 200_000, 1024, 1024),
                    Function(4, "App.Log.Write", "sync", 1, 50_000, 100_000, 100_000, 1024, 1024),
                },
                ["edges"] = new JsonArray
                {
                    Edge(null, 1, 1, 1_000_000, 600_000, 4096), Edge(1, 2, 1, 800_000, 400_000, 2048),
                    Edge(2, 3, 2, 500_000, 200_000, 1024), Edge(1, 4, 1, 50_000, 100_000, 1024),
                },
                ["tree"] = new JsonArray
                {
                    Node(1, null, 1, 1, 1_000_000, 600_000, 100_000, 4096, 1024), Node(2, 1, 2, 1, 800_000, 400_000, 200_000, 2048, 1024),
                    Node(3, 2, 3, 2, 500_000, 200_000, 200_000, 1024, 1024), Node(4, 1, 4, 1, 50_000, 100_000, 100_000, 1024, 1024),
                },
                ["timeline"] = new JsonObject
                {
                    ["droppedSegments"] = 0,
                    ["threads"] = new JsonArray { new JsonObject { ["id"] = 1, ["name"] = "Main" } },
                    ["segments"] = new JsonArray
                    {
                        Segment(1, null, 1, 1, 0, 1_000_000, 600_000, "exit"),
                        Segment(2, 1, 2, 2, 10_000, 300_000, 200_000, "suspend"),
                        Segment(3, 2, 3, 3, 20_000, 200_000, 100_000, "complete"),
                        Segment(2, 1, 2, 2, 400_000, 810_000, 200_000, "complete"),
                        Segment(4, 1, 4, 4, 900_000, 950_000, 100_000, "exit"),
                    },
                },
            };
        }

        static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

        static HostileProfile Edit(string name, Expected expected, Action<JsonObject> edit)
        {
            var profile = Base();
            edit(profile);
            return new HostileProfile(name, expected, Utf8(profile.ToJsonString()));
        }

        /// <summary>The base profile's text with one piece replaced: for what JsonNode cannot write (bad escapes, raw bytes).</summary>
        static HostileProfile Raw(string name, Expected expected, string find, byte[] replacement)
        {
            var text = Base().ToJsonString();
            var at = text.IndexOf(find, StringComparison.Ordinal);
            if (at < 0) throw new InvalidOperationException($"{name}: '{find}' is not in the base profile");
            var before = Utf8(text.Substring(0, at));
            var after = Utf8(text.Substring(at + find.Length));
            return new HostileProfile(name, expected, before.Concat(replacement).Concat(after).ToArray());
        }

        static HostileProfile Raw(string name, Expected expected, string find, string replacement) => Raw(name, expected, find, Utf8(replacement));

        static JsonObject At(JsonObject p, string array, int index) => (JsonObject)p[array]![index]!;
        static JsonObject Segment(JsonObject p, int index) => (JsonObject)p["timeline"]!["segments"]![index]!;

        public static IReadOnlyList<HostileProfile> All()
        {
            var list = new List<HostileProfile>
            {
                // JSON shape
                new("empty file", Expected.Reject, Array.Empty<byte>()),
                new("only whitespace", Expected.Reject, Utf8(" \n\t\r\n ")),
                new("only a byte order mark", Expected.Reject, new byte[] { 0xEF, 0xBB, 0xBF }),
                new("null", Expected.Reject, Utf8("null")),
                new("an array", Expected.Reject, Utf8("[1,2,3]")),
                new("a number", Expected.Reject, Utf8("12")),
                new("empty object", Expected.Reject, Utf8("{}")),
                new("arrays nested 100,000 deep", Expected.Reject, Utf8("{\"schema\":\"asyncprof/1\",\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}")),
                new("objects nested 100,000 deep, unclosed", Expected.Reject, Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 100_000)))),
                new("truncated inside a string", Expected.Reject, Utf8(Base().ToJsonString().Substring(0, 200))),
                new("UTF-16 with a byte order mark", Expected.Reject, Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Base().ToJsonString())).ToArray()),
                new("trailing garbage", Expected.Reject, Utf8(Base().ToJsonString() + " }{")),
                Edit("unknown properties nested 60 deep", Expected.Accept, p =>
                {
                    JsonNode deep = 1;
                    for (var i = 0; i < 58; i++) deep = new JsonArray(deep);
                    p["future"] = deep;
                }),
                Raw("a property given twice", Expected.Accept, "\"calls\":1,", "\"calls\":7,\"calls\":1,"),
                new("byte order mark then a profile", Expected.Accept, new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Utf8(Base().ToJsonString())).ToArray()),

                // schema
                Edit("schema asyncprof/2", Expected.Reject, p => p["schema"] = "asyncprof/2"),
                Edit("schema a megabyte long with control characters", Expected.Reject, p => p["schema"] = "\u001b[31m\r\n" + new string('s', 1 << 20)),
                Edit("schema a number", Expected.Reject, p => p["schema"] = 1),

                // numbers
                Edit("int64-max figures everywhere", Expected.Accept, p =>
                {
                    foreach (var array in new[] { "functions", "tree" })
                        foreach (var o in p[array]!.AsArray().Cast<JsonObject>())
                            foreach (var f in FigureNames) o[f] = Max;
                    foreach (var o in p["edges"]!.AsArray().Cast<JsonObject>())
                        foreach (var f in EdgeFigureNames) o[f] = Max;
                    foreach (var s in p["timeline"]!["segments"]!.AsArray().Cast<JsonObject>()) { s["endNs"] = Max; s["cpuNs"] = Max; }
                    p["process"]!["durationNs"] = Max;
                    p["process"]!["cpuClock"]!["windowNs"] = Max;
                    p["timeline"]!["droppedSegments"] = Max;
                }),
                Edit("int64-max calls on many sibling nodes of one function", Expected.Accept, p =>
                {
                    var tree = p["tree"]!.AsArray();
                    for (var i = 0; i < 8; i++)
                        tree.Add(new JsonObject { ["id"] = 100 + i, ["parent"] = 1, ["function"] = 4, ["calls"] = Max, ["inFlight"] = Max, ["faults"] = 0, ["suspends"] = Max,
                            ["wallNs"] = Max, ["cpuNs"] = Max, ["selfCpuNs"] = Max, ["allocBytes"] = Max, ["selfAllocBytes"] = Max });
                }),
                Edit("ids at int64's edges", Expected.Accept, p =>
                {
                    // function ids long.MinValue and long.MaxValue, node ids too: ids are opaque
                    Remap(p, new Dictionary<long, long> { [1] = long.MinValue, [2] = Max, [3] = -1, [4] = 0 });
                }),
                Edit("all figures zero", Expected.Accept, p =>
                {
                    foreach (var array in new[] { "functions", "tree" })
                        foreach (var o in p[array]!.AsArray().Cast<JsonObject>())
                            foreach (var f in FigureNames) o[f] = 0;
                    foreach (var o in p["edges"]!.AsArray().Cast<JsonObject>())
                        foreach (var f in EdgeFigureNames) o[f] = 0;
                }),
                Edit("only calls in flight", Expected.Accept, p =>
                {
                    foreach (var o in p["tree"]!.AsArray().Cast<JsonObject>()) { o["calls"] = 0; o["inFlight"] = Max; o["wallNs"] = 0; }
                }),
                Raw("number 1e400", Expected.Reject, "\"calls\":1,", "\"calls\":1e400,"),
                Raw("integer just past int64", Expected.Reject, "\"calls\":1,", "\"calls\":9223372036854775808,"),
                Raw("integer a million digits long", Expected.Reject, "\"calls\":1,", "\"calls\":" + new string('9', 1_000_000) + ","),
                Raw("negative calls", Expected.Reject, "\"calls\":1,", "\"calls\":-1,"),
                Raw("int64-min wall time", Expected.Reject, "\"wallNs\":1000000,", "\"wallNs\":-9223372036854775808,"),
                Raw("fractional calls", Expected.Reject, "\"calls\":1,", "\"calls\":1.5,"),
                Raw("exponent calls", Expected.Reject, "\"calls\":1,", "\"calls\":1e3,"),
                Raw("calls as a string", Expected.Reject, "\"calls\":1,", "\"calls\":\"1\","),
                Edit("pid past int32", Expected.Reject, p => p["process"]!["pid"] = 1L << 40),
                Edit("negative line", Expected.Reject, p => At(p, "functions", 0)["line"] = -5),
                Edit("date after year 9999", Expected.Reject, p => p["process"]!["startedUtc"] = "10000-01-01T00:00:00Z"),
                Edit("start in year 9999", Expected.Accept, p => p["process"]!["startedUtc"] = "9999-12-31T23:59:59Z"),
                Edit("start in year 1", Expected.Accept, p => p["process"]!["startedUtc"] = "0001-01-01T00:00:00Z"),

                // types
                Edit("functions an object", Expected.Reject, p => p["functions"] = new JsonObject()),
                Edit("tree a string", Expected.Reject, p => p["tree"] = "tree"),
                Edit("process an array", Expected.Reject, p => p["process"] = new JsonArray()),
                Edit("a function that is a number", Expected.Reject, p => p["functions"]!.AsArray().Add(5)),
                Edit("name a number", Expected.Reject, p => At(p, "functions", 1)["name"] = 5),
                Edit("parent a string", Expected.Reject, p => At(p, "tree", 1)["parent"] = "1"),
                Edit("timeline an array", Expected.Reject, p => p["timeline"] = new JsonArray()),
                Edit("segment end a number", Expected.Reject, p => Segment(p, 0)["end"] = 3),
                Edit("empty name", Expected.Reject, p => At(p, "functions", 1)["name"] = ""),

                // structure
                Edit("parent cycle", Expected.Reject, p => { At(p, "tree", 0)["parent"] = 2; }),
                Edit("node its own parent", Expected.Reject, p => At(p, "tree", 1)["parent"] = 2),
                Edit("parent listed after its child", Expected.Reject, p =>
                {
                    var tree = p["tree"]!.AsArray();
                    var child = tree[2]!;
                    tree.RemoveAt(2);
                    tree.Insert(1, child);
                }),
                Edit("duplicate function id", Expected.Reject, p => At(p, "functions", 3)["id"] = 2),
                Edit("duplicate node id", Expected.Reject, p => At(p, "tree", 3)["id"] = 2),
                Edit("duplicate thread id", Expected.Reject, p => p["timeline"]!["threads"]!.AsArray().Add(new JsonObject { ["id"] = 1, ["name"] = "again" })),
                Edit("node of a missing function", Expected.Reject, p => At(p, "tree", 3)["function"] = 99),
                Edit("edge to a missing function", Expected.Reject, p => At(p, "edges", 3)["callee"] = 99),
                Edit("edge from a missing function", Expected.Reject, p => At(p, "edges", 3)["caller"] = 99),
                Edit("segment of a missing node", Expected.Reject, p => Segment(p, 4)["node"] = 99),
                Edit("segment of another function's node", Expected.Reject, p => Segment(p, 4)["node"] = 3),
                Edit("segment ending before it starts", Expected.Reject, p => { Segment(p, 4)["startNs"] = 10; Segment(p, 4)["endNs"] = 5; }),
                Edit("segment starting before the session", Expected.Reject, p => Segment(p, 0)["startNs"] = long.MinValue),
                Edit("segments spanning int64", Expected.Accept, p =>
                {
                    foreach (var s in p["timeline"]!["segments"]!.AsArray().Cast<JsonObject>()) { s["startNs"] = 0; s["endNs"] = Max; s["cpuNs"] = Max; }
                }),
                Edit("segments on unlisted threads at int64's edges", Expected.Accept, p =>
                {
                    Segment(p, 2)["thread"] = long.MinValue;
                    Segment(p, 3)["thread"] = Max;
                }),
                Edit("a root per function, 5,000 of them", Expected.Accept, p =>
                {
                    var functions = p["functions"]!.AsArray();
                    var tree = p["tree"]!.AsArray();
                    for (var i = 0; i < 5_000; i++)
                    {
                        functions.Add(new JsonObject { ["id"] = 1000 + i, ["name"] = "App.Gen.F" + i, ["kind"] = "sync", ["calls"] = 1, ["inFlight"] = 0, ["faults"] = 0, ["suspends"] = 0,
                            ["wallNs"] = 10, ["cpuNs"] = 10, ["selfCpuNs"] = 10, ["allocBytes"] = 8, ["selfAllocBytes"] = 8 });
                        tree.Add(new JsonObject { ["id"] = 1000 + i, ["parent"] = i % 2 == 0 ? null : 1, ["function"] = 1000 + i, ["calls"] = 1, ["inFlight"] = 0, ["faults"] = 0, ["suspends"] = 0,
                            ["wallNs"] = 10, ["cpuNs"] = 10, ["selfCpuNs"] = 10, ["allocBytes"] = 8, ["selfAllocBytes"] = 8 });
                    }
                }),
                Edit("a chain 200 functions deep", Expected.Accept, p =>
                {
                    var functions = p["functions"]!.AsArray();
                    var tree = p["tree"]!.AsArray();
                    for (var i = 0; i < 200; i++)
                    {
                        functions.Add(new JsonObject { ["id"] = 1000 + i, ["name"] = "App.Chain.Level" + i, ["kind"] = "async", ["calls"] = 1, ["inFlight"] = 0, ["faults"] = 0, ["suspends"] = 0,
                            ["wallNs"] = 1000 - i, ["cpuNs"] = 1000 - i, ["selfCpuNs"] = 1, ["allocBytes"] = 1000 - i, ["selfAllocBytes"] = 1 });
                        tree.Add(new JsonObject { ["id"] = 1000 + i, ["parent"] = i == 0 ? 4 : 999 + i, ["function"] = 1000 + i, ["calls"] = 1, ["inFlight"] = 0, ["faults"] = 0, ["suspends"] = 0,
                            ["wallNs"] = 1000 - i, ["cpuNs"] = 1000 - i, ["selfCpuNs"] = 1, ["allocBytes"] = 1000 - i, ["selfAllocBytes"] = 1 });
                    }
                }),

                // missing optional parts
                Edit("no timeline", Expected.Accept, p => p.Remove("timeline")),
                Edit("bare process", Expected.Accept, p => p["process"] = new JsonObject()),
                Edit("no functions at all", Expected.Accept, p =>
                {
                    p["functions"] = new JsonArray(); p["edges"] = new JsonArray(); p["tree"] = new JsonArray();
                    p["timeline"]!["segments"] = new JsonArray();
                }),

                // text
                Edit("control characters and markup in names", Expected.Accept, p =>
                {
                    At(p, "functions", 0)["name"] = "Evil</script><script>alert(1)</script><!--";
                    At(p, "functions", 1)["name"] = "Ctl\u0000\u0001\u0007\b\t\n\r\u001b[31mred\u007f\u0085";
                    At(p, "functions", 2)["name"] = "Sep;a;b \u2028\u2029 \u202egnp.exe ]]> \"q\" \\ '";
                    At(p, "functions", 3)["name"] = "   ";
                    At(p, "functions", 3)["file"] = "/src/\r\nfl=(1) injected";
                    p["process"]!["name"] = "<b>App</b>\n\u0000";
                    p["process"]!["commandLine"] = "dotnet App.dll\r\ncmd: injected";
                    p["timeline"]!["threads"]![0]!["name"] = "</script>\u0000";
                }),
                Edit("a name of 4 MB", Expected.Accept, p => At(p, "functions", 2)["name"] = new string('N', 4 << 20)),
                Edit("a file name of 4 MB", Expected.Accept, p => At(p, "functions", 2)["file"] = "/" + new string('f', 4 << 20)),
                Raw("an escaped surrogate pair in a name", Expected.Accept, "App.Db.QueryAsync", "App.Db.Query\\ud83d\\ude00Async"),
                Raw("a lone surrogate escape in an unknown property", Expected.Accept, "\"schema\":", "\"future\":\"\\ud800\",\"schema\":"),
                Raw("invalid UTF-8 in a name", Expected.Reject, "App.Db.QueryAsync", new byte[] { (byte)'Q', 0xFF, 0xFE, (byte)'y' }),
                Raw("an overlong UTF-8 encoding in a name", Expected.Reject, "App.Db.QueryAsync", new byte[] { (byte)'Q', 0xC0, 0xAF }),
                Raw("a UTF-8-encoded surrogate in a name", Expected.Reject, "App.Db.QueryAsync", new byte[] { (byte)'Q', 0xED, 0xA0, 0x80 }),
                Raw("UTF-8 cut in the middle of a character in a name", Expected.Reject, "App.Db.QueryAsync", new byte[] { (byte)'Q', 0xE2, 0x82 }),
                Raw("invalid UTF-8 outside strings", Expected.Reject, "\"schema\":", new byte[] { 0xFF, (byte)'"', (byte)'s', (byte)'c', (byte)'h', (byte)'e', (byte)'m', (byte)'a', (byte)'"', (byte)':' }),
                Raw("a lone high surrogate escape in a name", Expected.Reject, "App.Db.QueryAsync", "Q\\ud800y"),
                Raw("a lone low surrogate escape in a name", Expected.Reject, "App.Db.QueryAsync", "Q\\udc00y"),
                Raw("a reversed surrogate pair in a name", Expected.Reject, "App.Db.QueryAsync", "Q\\ude00\\ud83dy"),
                Raw("a lone surrogate escape in the process name", Expected.Reject, "\"name\":\"App\"", "\"name\":\"A\\ud800\""),
                Raw("a lone surrogate escape in a thread name", Expected.Reject, "\"name\":\"Main\"", "\"name\":\"M\\udbff\""),
                Raw("a lone surrogate escape in the schema", Expected.Reject, "asyncprof/1", "asyncprof/\\ud800"),
                Raw("a lone surrogate escape in segment end", Expected.Reject, "\"end\":\"exit\"", "\"end\":\"\\ud800\""),
                Raw("a lone surrogate escape in a property name", Expected.Reject, "\"kind\":\"sync\"", "\"kin\\ud800d\":\"sync\""),
                Raw("a lone surrogate escape in a required property's place", Expected.Reject, "\"schema\":", "\"sch\\udc00ema\":"),
                Raw("an invalid escape", Expected.Reject, "App.Db.QueryAsync", "Q\\x41"),
                Raw("a raw control character in a string", Expected.Reject, "App.Db.QueryAsync", "Q\u0001y"),
            };

            // every required field missing, one at a time
            foreach (var field in new[] { "id", "name", "kind" }.Concat(FigureNames))
                list.Add(Edit($"functions[1] without {field}", Expected.Reject, p => At(p, "functions", 1).Remove(field)));
            foreach (var field in new[] { "id", "parent", "function" }.Concat(FigureNames))
                list.Add(Edit($"tree[1] without {field}", Expected.Reject, p => At(p, "tree", 1).Remove(field)));
            foreach (var field in new[] { "caller", "callee" }.Concat(EdgeFigureNames))
                list.Add(Edit($"edges[1] without {field}", Expected.Reject, p => At(p, "edges", 1).Remove(field)));
            foreach (var field in new[] { "call", "parentCall", "function", "node", "thread", "startNs", "endNs", "cpuNs", "end" })
                list.Add(Edit($"segment without {field}", Expected.Reject, p => Segment(p, 1).Remove(field)));
            foreach (var part in new[] { "schema", "process", "functions", "edges", "tree" })
                list.Add(Edit($"no {part}", Expected.Reject, p => p.Remove(part)));
            return list;
        }

        /// <summary>Renames function and node ids (the same numbers are used for both in the base profile).</summary>
        static void Remap(JsonObject p, Dictionary<long, long> ids)
        {
            long Map(JsonNode? n) => ids[n!.GetValue<long>()];
            foreach (var f in p["functions"]!.AsArray().Cast<JsonObject>()) f["id"] = Map(f["id"]);
            foreach (var n in p["tree"]!.AsArray().Cast<JsonObject>())
            {
                n["id"] = Map(n["id"]);
                n["function"] = Map(n["function"]);
                if (n["parent"] != null) n["parent"] = Map(n["parent"]);
            }
            foreach (var e in p["edges"]!.AsArray().Cast<JsonObject>())
            {
                e["callee"] = Map(e["callee"]);
                if (e["caller"] != null) e["caller"] = Map(e["caller"]);
            }
            foreach (var s in p["timeline"]!["segments"]!.AsArray().Cast<JsonObject>())
            {
                s["function"] = Map(s["function"]);
                s["node"] = Map(s["node"]);
            }
        }
    }
}
