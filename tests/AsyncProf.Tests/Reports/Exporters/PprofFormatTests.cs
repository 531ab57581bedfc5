using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Google.Protobuf;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports.Exporters
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Exporters;
    using AsyncProf.Tests.Infrastructure;

    /// <summary>
    /// The pprof exporter's output, gunzipped and decoded field by field with Google.Protobuf's reader against the
    /// field numbers of github.com/google/pprof proto/profile.proto, then checked against the native totals.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class PprofFormatTests
    {
        // ---- an independent decoder of perftools.profiles.Profile (only what the checks need, every field read)

        internal sealed class PValueType { public long Type, Unit; }
        internal sealed class PLabel { public long Key, Str, Num, NumUnit; }
        internal sealed class PSample { public List<ulong> LocationIds = new(); public List<long> Values = new(); public List<PLabel> Labels = new(); }
        internal sealed class PLine { public ulong FunctionId; public long Line; }
        internal sealed class PLocation { public ulong Id, MappingId, Address; public List<PLine> Lines = new(); }
        internal sealed class PFunction { public ulong Id; public long Name, SystemName, Filename, StartLine; }
        internal sealed class PMapping { public ulong Id; public long Filename; public bool HasFunctions; }
        internal sealed class PProfile
        {
            public List<PValueType> SampleTypes = new();
            public List<PSample> Samples = new();
            public List<PMapping> Mappings = new();
            public List<PLocation> Locations = new();
            public List<PFunction> Functions = new();
            public List<string> Strings = new();
            public long TimeNanos, DurationNanos, Period, DefaultSampleType;
            public PValueType? PeriodType;
            public List<long> Comments = new();
            public string S(long i) => Strings[(int)i];
        }

        static void Repeated(CodedInputStream input, uint tag, Action<CodedInputStream> readOne)
        {
            if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var bytes = input.ReadBytes();
                var inner = new CodedInputStream(bytes.ToByteArray());
                while (!inner.IsAtEnd) readOne(inner);
            }
            else readOne(input);
        }

        static T Message<T>(CodedInputStream input, Func<CodedInputStream, uint, T, bool> field) where T : new()
        {
            var m = new T();
            var inner = new CodedInputStream(input.ReadBytes().ToByteArray());
            uint tag;
            while ((tag = inner.ReadTag()) != 0)
                if (!field(inner, tag, m)) inner.SkipLastField();
            return m;
        }

        static PValueType ValueType(CodedInputStream input) => Message<PValueType>(input, (i, tag, m) =>
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: m.Type = i.ReadInt64(); return true;
                case 2: m.Unit = i.ReadInt64(); return true;
                default: return false;
            }
        });

        internal static PProfile Decode(byte[] gzipped)
        {
            Assert.That(gzipped.Length, Is.GreaterThan(2));
            Assert.That(gzipped[0] == 0x1f && gzipped[1] == 0x8b, "gzip magic");
            byte[] raw;
            using (var gz = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress))
            using (var ms = new MemoryStream()) { gz.CopyTo(ms); raw = ms.ToArray(); }

            var p = new PProfile();
            var input = new CodedInputStream(raw);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1: p.SampleTypes.Add(ValueType(input)); break;
                    case 2:
                        p.Samples.Add(Message<PSample>(input, (i, t, s) =>
                        {
                            switch (WireFormat.GetTagFieldNumber(t))
                            {
                                case 1: Repeated(i, t, x => s.LocationIds.Add(x.ReadUInt64())); return true;
                                case 2: Repeated(i, t, x => s.Values.Add(x.ReadInt64())); return true;
                                case 3:
                                    s.Labels.Add(Message<PLabel>(i, (j, lt, l) =>
                                    {
                                        switch (WireFormat.GetTagFieldNumber(lt))
                                        {
                                            case 1: l.Key = j.ReadInt64(); return true;
                                            case 2: l.Str = j.ReadInt64(); return true;
                                            case 3: l.Num = j.ReadInt64(); return true;
                                            case 4: l.NumUnit = j.ReadInt64(); return true;
                                            default: return false;
                                        }
                                    }));
                                    return true;
                                default: return false;
                            }
                        }));
                        break;
                    case 3:
                        p.Mappings.Add(Message<PMapping>(input, (i, t, m) =>
                        {
                            switch (WireFormat.GetTagFieldNumber(t))
                            {
                                case 1: m.Id = i.ReadUInt64(); return true;
                                case 5: m.Filename = i.ReadInt64(); return true;
                                case 7: m.HasFunctions = i.ReadBool(); return true;
                                default: return false;
                            }
                        }));
                        break;
                    case 4:
                        p.Locations.Add(Message<PLocation>(input, (i, t, l) =>
                        {
                            switch (WireFormat.GetTagFieldNumber(t))
                            {
                                case 1: l.Id = i.ReadUInt64(); return true;
                                case 2: l.MappingId = i.ReadUInt64(); return true;
                                case 3: l.Address = i.ReadUInt64(); return true;
                                case 4:
                                    l.Lines.Add(Message<PLine>(i, (j, lt, line) =>
                                    {
                                        switch (WireFormat.GetTagFieldNumber(lt))
                                        {
                                            case 1: line.FunctionId = j.ReadUInt64(); return true;
                                            case 2: line.Line = j.ReadInt64(); return true;
                                            default: return false;
                                        }
                                    }));
                                    return true;
                                default: return false;
                            }
                        }));
                        break;
                    case 5:
                        p.Functions.Add(Message<PFunction>(input, (i, t, f) =>
                        {
                            switch (WireFormat.GetTagFieldNumber(t))
                            {
                                case 1: f.Id = i.ReadUInt64(); return true;
                                case 2: f.Name = i.ReadInt64(); return true;
                                case 3: f.SystemName = i.ReadInt64(); return true;
                                case 4: f.Filename = i.ReadInt64(); return true;
                                case 5: f.StartLine = i.ReadInt64(); return true;
                                default: return false;
                            }
                        }));
                        break;
                    case 6: p.Strings.Add(input.ReadString()); break;
                    case 9: p.TimeNanos = input.ReadInt64(); break;
                    case 10: p.DurationNanos = input.ReadInt64(); break;
                    case 11: p.PeriodType = ValueType(input); break;
                    case 12: p.Period = input.ReadInt64(); break;
                    case 13: Repeated(input, tag, x => p.Comments.Add(x.ReadInt64())); break;
                    case 14: p.DefaultSampleType = input.ReadInt64(); break;
                    default: Assert.Fail($"unexpected Profile field {WireFormat.GetTagFieldNumber(tag)}"); break;
                }
            }
            return p;
        }

        /// <summary>The rules of profile.proto's comments that readers (go tool pprof, Pyroscope) rely on.</summary>
        internal static void AssertWellFormed(PProfile p)
        {
            Assert.That(p.Strings, Is.Not.Empty);
            Assert.That(p.Strings[0], Is.EqualTo(""), "string_table[0] must be \"\"");
            long StringIndex(long i) { Assert.That(i, Is.InRange(0, p.Strings.Count - 1), "string index"); return i; }
            foreach (var t in p.SampleTypes) { StringIndex(t.Type); StringIndex(t.Unit); }
            var functions = p.Functions.ToDictionary(f => f.Id);
            Assert.That(functions.Keys, Has.None.EqualTo(0UL), "function ids are nonzero");
            foreach (var f in p.Functions) { StringIndex(f.Name); StringIndex(f.SystemName); StringIndex(f.Filename); }
            var mappings = p.Mappings.ToDictionary(m => m.Id);
            var locations = p.Locations.ToDictionary(l => l.Id);
            Assert.That(locations.Keys, Has.None.EqualTo(0UL), "location ids are nonzero");
            foreach (var l in p.Locations)
            {
                if (l.MappingId != 0) Assert.That(mappings.ContainsKey(l.MappingId), "location's mapping exists");
                Assert.That(l.Lines, Is.Not.Empty);
                foreach (var line in l.Lines) Assert.That(functions.ContainsKey(line.FunctionId), "line's function exists");
            }
            foreach (var s in p.Samples)
            {
                Assert.That(s.Values.Count, Is.EqualTo(p.SampleTypes.Count), "one value per sample type");
                Assert.That(s.LocationIds, Is.Not.Empty);
                foreach (var id in s.LocationIds) Assert.That(locations.ContainsKey(id), "sample's location exists");
                foreach (var l in s.Labels)
                {
                    StringIndex(l.Key);
                    StringIndex(l.Str);
                    Assert.That(l.Str == 0 || l.Num == 0, "a label has a string or a number, not both");
                }
            }
            StringIndex(p.DefaultSampleType);
        }

        internal static string FunctionOf(PProfile p, ulong locationId) =>
            p.S(p.Functions.Single(f => f.Id == p.Locations.Single(l => l.Id == locationId).Lines[0].FunctionId).Name);

        [TestCaseSource(typeof(FormatFixtures), nameof(FormatFixtures.Labels))]
        public void Pprof_export_decodes_and_adds_up(string label)
        {
            var (profile, native) = FormatFixtures.Load(label);
            var p = Decode(FormatFixtures.Export(new PprofExporter(), profile));
            AssertWellFormed(p);

            // recorded profiles have the wall split: three sample types more, and queued and GC time when the profile
            // has some (a recording that ran into a garbage collection has GC pauses), adding up to each sample's wall
            var split = !profile.HasWallSplit ? new string[0]
                : new[] { "running", "blocked", "suspended" }.Concat(profile.HasQueuedTime ? new[] { "queued" } : new string[0])
                    .Concat(profile.HasGcPauses ? new[] { "gc" } : new string[0]).Select(t => t + "/nanoseconds").ToArray();
            Assert.That(p.SampleTypes.Select(t => p.S(t.Type) + "/" + p.S(t.Unit)),
                Is.EqualTo(new[] { "calls/count", "wall/nanoseconds", "cpu/nanoseconds", "alloc/bytes" }.Concat(split)));
            if (profile.HasWallSplit)
                // each type is shared among a node's threads on its own (so each type's total is exact): a sample's parts
                // may then round a nanosecond or two away from its wall share
                foreach (var s in p.Samples) Assert.That(s.Values.Skip(4).Sum(), Is.EqualTo(s.Values[1]).Within(split.Length), "the split's parts = wall");
            Assert.That(p.S(p.DefaultSampleType), Is.EqualTo("wall"));

            var totals = NativeTotals.Of(native);
            Assert.That(p.Samples.Sum(s => s.Values[0]), Is.EqualTo(totals.Calls), "calls");
            Assert.That(p.Samples.Sum(s => s.Values[1]), Is.EqualTo(totals.Wall), "wall");
            Assert.That(p.Samples.Sum(s => s.Values[2]), Is.EqualTo(totals.Cpu), "cpu");
            Assert.That(p.Samples.Sum(s => s.Values[3]), Is.EqualTo(totals.Alloc), "alloc");

            // leaf-first stacks: the last location is a root function, each frame is called by the one after it
            var byName = native.Functions.ToLookup(f => f.Name);
            foreach (var s in p.Samples)
            {
                var names = s.LocationIds.Select(id => FunctionOf(p, id)).ToList();
                var rootIds = byName[names[^1]].Select(f => f.Id).ToList();
                Assert.That(native.Edges.Any(e => e.Caller == null && rootIds.Contains(e.Callee)), $"{names[^1]} is a root");
                for (var i = 0; i + 1 < names.Count; i++)
                {
                    var callees = byName[names[i]].Select(f => f.Id).ToList();
                    var callers = byName[names[i + 1]].Select(f => (long?)f.Id).ToList();
                    Assert.That(native.Edges.Any(e => callers.Contains(e.Caller) && callees.Contains(e.Callee)), $"{names[i + 1]} calls {names[i]}");
                }
                Assert.That(p.S(s.Labels.Single(l => p.S(l.Key) == "request").Str), Is.EqualTo(names[^1]), "request label: the stack's root");
            }

            // CPU and allocations are exact per function (self: the samples whose leaf is the function)
            foreach (var f in native.Functions.Where(f => byName[f.Name].Count() == 1))
            {
                var leaf = p.Samples.Where(s => FunctionOf(p, s.LocationIds[0]) == f.Name).ToList();
                Assert.That(leaf.Sum(s => s.Values[2]), Is.EqualTo(f.SelfCpuNs), $"{f.Name} self cpu");
                Assert.That(leaf.Sum(s => s.Values[3]), Is.EqualTo(f.SelfAllocBytes), $"{f.Name} self alloc");
                Assert.That(leaf.Sum(s => s.Values[0]), Is.EqualTo(f.Calls), $"{f.Name} calls");
            }

            // functions carry file and line
            foreach (var f in native.Functions.Where(f => f.File != null))
                Assert.That(p.Functions.Any(pf => p.S(pf.Name) == f.Name && p.S(pf.Filename) == f.File && pf.StartLine == f.Line), f.Name);
        }

        [Test]
        public void With_a_timeline_samples_are_labelled_by_thread_and_still_add_up()
        {
            var profile = ProfileReader.Load(FormatFixtures.DataFile("async-resume.json"));
            var p = Decode(FormatFixtures.Export(new PprofExporter(), profile));
            string? Thread(PSample s) => s.Labels.Where(l => p.S(l.Key) == "thread").Select(l => p.S(l.Str)).SingleOrDefault();
            long? ThreadId(PSample s) => s.Labels.Where(l => p.S(l.Key) == "thread_id").Select(l => (long?)l.Num).SingleOrDefault();
            Assert.That(p.Samples.All(s => Thread(s) != null && ThreadId(s) != null), "every node of this profile ran in the timeline");

            // GetAsync's own code ran on threads 1 (Main), 4 (pool) and 9 (unnamed): its self CPU is split by the
            // timeline's self CPU per thread: thread 1: 100k + 150k + 80k, thread 4: 700k - 600k, thread 9: 100k
            var getAsync = p.Samples.Where(s => FunctionOf(p, s.LocationIds[0]) == "Svc.Client.GetAsync").ToList();
            Assert.That(getAsync.Select(s => ThreadId(s)), Is.EquivalentTo(new long?[] { 1, 4, 9 }));
            Assert.That(getAsync.Select(Thread), Is.EquivalentTo(new[] { "Main", ".NET TP Worker", "thread 9" }));
            var cpu = getAsync.ToDictionary(s => ThreadId(s)!.Value, s => s.Values[2]);
            Assert.That(cpu.Values.Sum(), Is.EqualTo(1_000_000));
            Assert.That(cpu[1], Is.EqualTo(1_000_000L * 330_000 / 530_000).Within(1));
            Assert.That(cpu[4], Is.EqualTo(1_000_000L * 100_000 / 530_000).Within(1));
            // calls counted where each call started: both on thread 1
            Assert.That(getAsync.Single(s => ThreadId(s) == 1).Values[0], Is.EqualTo(2));
            Assert.That(p.Samples.Sum(s => s.Values[2]), Is.EqualTo(3_000_000));
        }

        [Test]
        public void Header_fields_describe_the_run()
        {
            var profile = FormatFixtures.Server(withTimeline: false);
            var p = Decode(FormatFixtures.Export(new PprofExporter(), profile));
            Assert.That(p.TimeNanos, Is.EqualTo(new DateTimeOffset(2026, 11, 21, 5, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000));
            Assert.That(p.DurationNanos, Is.EqualTo(1_100_000_000));
            Assert.That(p.PeriodType, Is.Not.Null);
            Assert.That(p.S(p.PeriodType!.Type), Is.EqualTo("wall"));
            Assert.That(p.Mappings.Single().HasFunctions, Is.True, "symbolized: pprof must not try to symbolize addresses");
            Assert.That(p.Comments.Select(p.S).Single(), Does.Contain("asyncprof"));
            Assert.That(p.Samples.All(s => s.Labels.All(l => p.S(l.Key) == "request")), "no thread labels without a timeline");
        }
    }
}
