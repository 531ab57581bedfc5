using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Exporters
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Exporters;
    using AsyncProf.Tests.Infrastructure;

    /// <summary>
    /// The callgrind exporter, parsed back by a reader written from the grammar of the Callgrind Format
    /// Specification (valgrind docs, "3.2.1. Grammar"), and checked against the native totals and edges
    /// (valgrind's own callgrind_annotate reads them in Viewers/CallgrindViewerTests).
    /// </summary>
    [TestFixture, NonParallelizable]
    public class CallgrindFormatTests
    {
        /// <summary>What the grammar reader gets out of a file: self costs per function, calls per caller/callee.</summary>
        internal sealed class CallgrindData
        {
            public string[] Events = Array.Empty<string>();
            public long[]? Summary, Totals;
            public readonly Dictionary<string, long[]> Self = new();
            public readonly Dictionary<(string Caller, string Callee), (long Calls, long[] Inclusive)> Calls = new();
            public readonly Dictionary<string, string> FileOf = new();
        }

        static readonly Regex Name = new(@"^[A-Za-z][A-Za-z0-9]*$");
        static readonly Regex Number = new(@"^(0x[0-9a-fA-F]+|[0-9]+)$");
        static readonly Regex SubPosition = new(@"^(0x[0-9a-fA-F]+|[0-9]+|[+-](0x[0-9a-fA-F]+|[0-9]+)|\*)$");

        static long Num(string s) => s.StartsWith("0x") ? long.Parse(s.Substring(2), NumberStyles.HexNumber) : long.Parse(s, CultureInfo.InvariantCulture);

        /// <summary>Reads a callgrind file by the specification's grammar; fails on the first line it does not allow.</summary>
        internal static CallgrindData Parse(string text)
        {
            Assert.That(text, Does.Not.Contain("\r"), "lines end with \\n");
            var lines = text.Split('\n');
            Assert.That(lines[^1], Is.EqualTo(""), "the file ends with a newline");
            var data = new CallgrindData();
            var i = 0;
            // ProfileDataFile := FormatSpec? FormatVersion? Creator? PartData*
            if (lines[i] == "# callgrind format") i++;
            if (lines[i].StartsWith("version:")) { Assert.That(Regex.IsMatch(lines[i], @"^version:\s*1$"), lines[i]); i++; }
            if (lines[i].StartsWith("creator:")) i++;

            var positions = 1; // "positions: line" is the default
            var inBody = false;
            var idNames = new Dictionary<string, Dictionary<long, string>> { ["file"] = new(), ["fn"] = new(), ["ob"] = new() };
            string? fl = null, fn = null, cfn = null;
            (long Calls, string Callee)? pendingCall = null;
            for (; i < lines.Length - 1; i++)
            {
                var line = lines[i];
                var at = $"line {i + 1}: '{line}'";
                if (pendingCall is { } call)
                {
                    // CallSpec := CallLine "\n" CostLine
                    var cost = CostLine(line, positions, data.Events.Length, at);
                    Assert.That(fn, Is.Not.Null, "calls= inside a function: " + at);
                    var key = (fn!, call.Callee);
                    var had = data.Calls.TryGetValue(key, out var h) ? h : (0L, new long[data.Events.Length]);
                    data.Calls[key] = (had.Item1 + call.Calls, had.Item2.Zip(cost, (a, b) => a + b).ToArray());
                    pendingCall = null;
                    continue;
                }
                if (line.Length == 0 || line.StartsWith("#")) continue;
                var m = Regex.Match(line, @"^(ob|fl|fi|fe|fn|cob|cfi|cfl|cfn)=(.*)$");
                if (m.Success)
                {
                    inBody = true;
                    var spec = m.Groups[1].Value;
                    var space = spec switch { "fl" or "fi" or "fe" or "cfi" or "cfl" => "file", "fn" or "cfn" => "fn", _ => "ob" };
                    // PositionName := ( "(" Number ")" )? (Space* NoNewLineChar* )?
                    var pm = Regex.Match(m.Groups[2].Value, @"^\s*(?:\((\d+)\))?\s*(.*)$");
                    string name;
                    if (pm.Groups[1].Success)
                    {
                        var id = long.Parse(pm.Groups[1].Value, CultureInfo.InvariantCulture);
                        if (pm.Groups[2].Value.Length > 0)
                        {
                            Assert.That(idNames[space].ContainsKey(id), Is.False, $"id ({id}) defined twice: {at}");
                            idNames[space][id] = pm.Groups[2].Value;
                        }
                        Assert.That(idNames[space].TryGetValue(id, out name!), $"({id}) used before it is defined: {at}");
                    }
                    else name = pm.Groups[2].Value;
                    Assert.That(name, Is.Not.Empty, at);
                    switch (spec)
                    {
                        case "fl": case "fi": case "fe": fl = name; break;
                        case "fn":
                            fn = name; cfn = null;
                            if (fl != null) data.FileOf[fn] = fl;
                            data.Self.TryAdd(fn, new long[data.Events.Length]);
                            break;
                        case "cfn": cfn = name; break;
                    }
                    continue;
                }
                var cm = Regex.Match(line, @"^calls=\s*(\S+)\s+(.+)$");
                if (cm.Success)
                {
                    // CallLine := "calls=" Space* Number Space+ SubPositionList
                    Assert.That(Number.IsMatch(cm.Groups[1].Value), at);
                    Assert.That(cm.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(SubPosition.IsMatch), at);
                    Assert.That(cfn, Is.Not.Null, "calls= names its target with cfn= first: " + at);
                    pendingCall = (Num(cm.Groups[1].Value), cfn!);
                    continue;
                }
                if (!inBody || line.StartsWith("totals:"))
                {
                    var hm = Regex.Match(line, @"^([a-z]+):\s*(.*)$");
                    Assert.That(hm.Success, "header line 'key: value': " + at);
                    var value = hm.Groups[2].Value;
                    switch (hm.Groups[1].Value)
                    {
                        case "cmd": break;
                        case "pid": case "thread": case "part": Assert.That(Number.IsMatch(value), at); break;
                        case "desc": Assert.That(Regex.IsMatch(value, @"^[A-Za-z][A-Za-z0-9 ]*:"), "desc: Name: value: " + at); break;
                        case "event":
                            Assert.That(Regex.IsMatch(value, @"^[A-Za-z][A-Za-z0-9]*(\s*=.*?)?(\s*:.*)?$"), at);
                            break;
                        case "events":
                            data.Events = value.Split(' ', '\t').Where(x => x.Length > 0).ToArray();
                            Assert.That(data.Events.All(Name.IsMatch), at);
                            break;
                        case "positions":
                            Assert.That(Regex.IsMatch(value, @"^(instr)?(\s*line)?$"), at);
                            positions = value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                            break;
                        case "summary": data.Summary = Costs(value, at); break;
                        case "totals": data.Totals = Costs(value, at); break;
                        default: Assert.Fail("unknown header key: " + at); break;
                    }
                    continue;
                }
                // CostLine := SubPositionList Costs?
                Assert.That(fn, Is.Not.Null, "a cost line belongs to a function: " + at);
                var self = CostLine(line, positions, data.Events.Length, at);
                data.Self[fn!] = data.Self[fn!].Zip(self, (a, b) => a + b).ToArray();
            }
            Assert.That(pendingCall, Is.Null, "a calls= line is followed by its cost line");
            Assert.That(data.Events, Is.Not.Empty, "the events: line is required");
            return data;
        }

        static long[] Costs(string text, string at)
        {
            var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(parts.All(Number.IsMatch), at);
            return parts.Select(Num).ToArray();
        }

        static long[] CostLine(string line, int positions, int events, string at)
        {
            var parts = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            Assert.That(parts.Length, Is.InRange(positions, positions + events), "positions then at most one cost per event: " + at);
            Assert.That(parts.Take(positions).All(SubPosition.IsMatch), at);
            Assert.That(parts.Skip(positions).All(Number.IsMatch), "costs are numbers: " + at);
            var costs = new long[events];
            for (var k = positions; k < parts.Length; k++) costs[k - positions] = Num(parts[k]);
            return costs;
        }

        [TestCaseSource(typeof(FormatFixtures), nameof(FormatFixtures.Labels))]
        public void Callgrind_export_follows_the_grammar_and_adds_up(string label)
        {
            var (profile, native) = FormatFixtures.Load(label);
            var text = Encoding.UTF8.GetString(FormatFixtures.Export(new CallgrindExporter(), profile));
            Assert.That(text, Does.StartWith("# callgrind format\nversion: 1\ncreator: asyncprof"));
            var data = Parse(text);
            // recorded profiles have the wall split: three events more, and queued and GC time when the profile has
            // some (a recording that ran into a garbage collection has GC pauses), which add up to the wall costs
            var split = !profile.HasWallSplit ? new string[0]
                : new[] { "Running", "Blocked", "Suspended" }.Concat(profile.HasQueuedTime ? new[] { "Queued" } : new string[0])
                    .Concat(profile.HasGcPauses ? new[] { "Gc" } : new string[0]).ToArray();
            Assert.That(data.Events, Is.EqualTo(new[] { "Wall", "Cpu", "Alloc" }.Concat(split)));
            long Split(long[] costs) => costs.Skip(3).Sum();
            if (profile.HasWallSplit)
            {
                Assert.That(Split(data.Totals!), Is.EqualTo(data.Totals![0]), "the split adds up to the wall total");
                foreach (var (name, self) in data.Self) Assert.That(Split(self), Is.EqualTo(self[0]), name);
                foreach (var (key, call) in data.Calls) Assert.That(Split(call.Inclusive), Is.EqualTo(call.Inclusive[0]), key.ToString());
            }

            var totals = NativeTotals.Of(native);
            var expected = new[] { totals.Wall, totals.Cpu, totals.Alloc };
            var selfSum = Enumerable.Range(0, 3).Select(k => data.Self.Values.Sum(v => v[k])).ToArray();
            Assert.That(selfSum, Is.EqualTo(expected), "self costs add up to the totals");
            Assert.That(data.Summary![..3], Is.EqualTo(expected));
            Assert.That(data.Totals![..3], Is.EqualTo(expected));

            // every completed call appears once, (root) standing for unprofiled callers
            Assert.That(data.Calls.Values.Sum(c => c.Calls), Is.EqualTo(totals.Calls), "calls");
            var rootCalls = data.Calls.Where(c => c.Key.Caller == CallgrindExporter.RootName).ToList();
            Assert.That(Enumerable.Range(0, 3).Select(k => rootCalls.Sum(c => c.Value.Inclusive[k])), Is.EqualTo(expected), "(root) is the whole profile");

            // self CPU and allocations per function, and the call costs, are the native profile's
            foreach (var f in native.Functions)
            {
                Assert.That(data.Self[f.Name][1], Is.EqualTo(f.SelfCpuNs), f.Name);
                Assert.That(data.Self[f.Name][2], Is.EqualTo(f.SelfAllocBytes), f.Name);
                Assert.That(data.FileOf[f.Name], Is.EqualTo(f.File ?? "???"));
            }
            var overlapping = label == "server built in code"; // four concurrent fetches: their wall time is scaled
            foreach (var e in native.Edges)
            {
                var caller = e.Caller is long c ? native.FunctionById(c).Name : CallgrindExporter.RootName;
                var callee = native.FunctionById(e.Callee).Name;
                var (calls, inclusive) = data.Calls[(caller, callee)];
                Assert.That(calls, Is.EqualTo(e.Calls), $"{caller} -> {callee} calls");
                Assert.That(inclusive[1], Is.EqualTo(e.CpuNs), $"{caller} -> {callee} cpu");
                Assert.That(inclusive[2], Is.EqualTo(e.AllocBytes), $"{caller} -> {callee} alloc");
                if (!overlapping) Assert.That(inclusive[0], Is.EqualTo(e.WallNs), $"{caller} -> {callee} wall");
            }
            Assert.That(data.Calls, Has.Count.EqualTo(native.Edges.Count));
            if (overlapping)
                Assert.That(data.Calls[(FormatFixtures.Fanout, FormatFixtures.Fetch)].Inclusive[0], Is.EqualTo(50_000_000), "scaled into the fan-out's 50 ms");
        }
    }
}
