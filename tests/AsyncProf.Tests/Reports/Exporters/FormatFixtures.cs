using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncProf.Tests.Reports.Exporters
{
    using AsyncProf.Reports;
    using AsyncProf.Reports.Analysis;
    using AsyncProf.Reports.Exporters;
    using AsyncProf.Tests.Infrastructure;
    using ReportTimeline = AsyncProf.Reports.Timeline;

    /// <summary>
    /// Builds profiles in code (tree figures given, function totals and edges derived by the schema's rules) so the
    /// tests can shape the awkward cases: overlapping async children, recursion, calls in flight.
    /// </summary>
    sealed class ProfileBuilder
    {
        sealed class N
        {
            public long Id, Function;
            public N? Parent;
            public long Calls, InFlight, Faults, Suspends, Wall, SelfCpu, SelfAlloc, Detached, Unobserved;
            public readonly List<N> Children = new();
            // a detached child's figures are not in its parent's (docs/profile-schema.md)
            public long Cpu => SelfCpu + Children.Where(c => c.Detached == 0).Sum(c => c.Cpu);
            public long Alloc => SelfAlloc + Children.Where(c => c.Detached == 0).Sum(c => c.Alloc);
        }

        readonly List<(long Id, string Name, string Kind, string? File, int Line)> _functions = new();
        readonly List<N> _nodes = new();
        readonly List<TimelineThread> _threads = new();
        readonly List<TimelineSegment> _segments = new();
        bool _timeline;

        public string ProcessName { get; set; } = "App";

        public long Function(string name, string kind = "sync", string? file = null, int line = 0)
        {
            var existing = _functions.FindIndex(f => f.Name == name);
            if (existing >= 0) return _functions[existing].Id;
            var id = _functions.Count + 1;
            _functions.Add((id, name, kind, file ?? "/src/App/" + name.Split('.')[0] + ".cs", line == 0 ? 10 + id : line));
            return id;
        }

        /// <summary>Adds a node; returns its id.</summary>
        public long Node(long? parent, string function, string kind = "sync", long calls = 1, long wall = 0, long selfCpu = 0,
            long selfAlloc = 0, long suspends = 0, long inFlight = 0, long faults = 0, long detached = 0, long unobserved = 0)
        {
            var n = new N
            {
                Id = _nodes.Count + 1, Function = Function(function, kind), Calls = calls, Wall = wall, SelfCpu = selfCpu,
                SelfAlloc = selfAlloc, Suspends = suspends, InFlight = inFlight, Faults = faults, Detached = detached, Unobserved = unobserved,
            };
            if (parent is long p)
            {
                n.Parent = _nodes.Single(x => x.Id == p);
                n.Parent.Children.Add(n);
            }
            _nodes.Add(n);
            return n.Id;
        }

        public void Thread(long id, string? name)
        {
            _timeline = true;
            _threads.Add(new TimelineThread { Id = id, Name = name });
        }

        public void Segment(long call, long? parentCall, long node, long thread, long startNs, long endNs, long cpuNs, string end)
        {
            _timeline = true;
            var n = _nodes.Single(x => x.Id == node);
            _segments.Add(new TimelineSegment
            {
                Call = call, ParentCall = parentCall, Function = n.Function, Node = node, Thread = thread,
                StartNs = startNs, EndNs = endNs, CpuNs = cpuNs, End = end,
            });
        }

        public Profile Build()
        {
            // no node of the same function above it in its lane (a detached node starts a lane of its own)
            bool Outermost(N n)
            {
                for (var c = n; c.Parent != null && c.Detached == 0; c = c.Parent) if (c.Parent.Function == n.Function) return false;
                return true;
            }
            var functions = _functions.Select(f =>
            {
                var nodes = _nodes.Where(n => n.Function == f.Id).ToList();
                var outer = nodes.Where(Outermost).ToList();
                return new FunctionStats
                {
                    Id = f.Id, Name = f.Name, Kind = f.Kind, Module = "App", File = f.File, Line = f.Line,
                    Calls = nodes.Sum(n => n.Calls), InFlight = nodes.Sum(n => n.InFlight), Faults = nodes.Sum(n => n.Faults),
                    Suspends = nodes.Sum(n => n.Suspends), WallNs = outer.Sum(n => n.Wall), CpuNs = outer.Sum(n => n.Cpu),
                    SelfCpuNs = nodes.Sum(n => n.SelfCpu), AllocBytes = outer.Sum(n => n.Alloc), SelfAllocBytes = nodes.Sum(n => n.SelfAlloc),
                    Detached = nodes.Sum(n => n.Detached), Unobserved = nodes.Sum(n => n.Unobserved),
                };
            }).ToList();
            var edges = _nodes.GroupBy(n => (Caller: n.Parent?.Function, Callee: n.Function)).Select(g =>
            {
                var counted = g.Where(Outermost).ToList();
                return new EdgeStats
                {
                    Caller = g.Key.Caller, Callee = g.Key.Callee, Calls = g.Sum(n => n.Calls),
                    WallNs = counted.Sum(n => n.Wall), CpuNs = counted.Sum(n => n.Cpu), AllocBytes = counted.Sum(n => n.Alloc),
                };
            }).ToList();
            var tree = _nodes.Select(n => new CallTreeNode
            {
                Id = n.Id, Parent = n.Parent?.Id, Function = n.Function, Calls = n.Calls, InFlight = n.InFlight, Faults = n.Faults,
                Suspends = n.Suspends, WallNs = n.Wall, CpuNs = n.Cpu, SelfCpuNs = n.SelfCpu, AllocBytes = n.Alloc, SelfAllocBytes = n.SelfAlloc,
                Detached = n.Detached, Unobserved = n.Unobserved,
            }).ToList();
            var process = new ProcessInfo
            {
                Name = ProcessName, Pid = 4242, CommandLine = "dotnet App.dll", Runtime = ".NET 10.0", OS = "Linux", ProcessorCount = 2,
                StartedUtc = new DateTimeOffset(2026, 11, 21, 5, 0, 0, TimeSpan.Zero), DurationNs = 1_100_000_000,
                CpuClock = new CpuClockInfo { Scheme = "windowed", WindowNs = 250_000 },
            };
            var timeline = _timeline ? new ReportTimeline(0, _threads.ToList(), _segments.OrderBy(s => s.StartNs).ToList()) : null;
            return new Profile(process, functions, edges, tree, timeline);
        }
    }

    /// <summary>The profiles the format tests run on, each also saved as a native asyncprof/1 file.</summary>
    static class FormatFixtures
    {
        public const string Main = "App.Program.Main", Handle = "App.Server.HandleRequest", Query = "App.Db.QueryAsync",
            Render = "App.View.Render", Format = "App.View.Format", Fanout = "App.Server.FanoutAsync", Fetch = "App.Http.FetchAsync",
            Recurse = "App.Tree.Walk", Background = "App.Worker.RunAsync", Tick = "App.Worker.Tick",
            Audit = "App.Audit.WriteAsync", Save = "App.Audit.Save", FlushAudit = "App.Audit.FlushAsync", Poll = "App.Poller.PollAsync",
            CacheGet = "App.Cache.GetAsync";

        /// <summary>
        /// Detached work: a fire-and-forget audit write (a task-returning method) that outlives the request that
        /// started it and itself starts a detached flush, a timer tick that outlives Main, a poller that re-arms
        /// itself (a detached node of its own function), and a task-returning cache call whose completion could not be
        /// observed. Inclusive CPU: Handle 6 + 4 + 1 = 11 ms (not the audit's 50 ms), Main 10 + 11 + 1 = 22 ms;
        /// totals over the lanes: CPU 22 + 50 + 3 + 9 + 2 = 86 ms, wall 100 + 300 + 500 + 90 + 20 = 1,010 ms.
        /// </summary>
        public static Profile Detached(bool withTimeline = true)
        {
            var b = new ProfileBuilder();
            var main = b.Node(null, Main, "async", calls: 1, wall: 100_000_000, selfCpu: 10_000_000, selfAlloc: 1_000, suspends: 1);
            var handle = b.Node(main, Handle, "async", calls: 2, wall: 60_000_000, selfCpu: 6_000_000, selfAlloc: 600, suspends: 2);
            b.Node(handle, Query, "async", calls: 2, wall: 40_000_000, selfCpu: 4_000_000, selfAlloc: 400, suspends: 2);
            var audit = b.Node(handle, Audit, "task", calls: 2, detached: 2, wall: 300_000_000, selfCpu: 30_000_000, selfAlloc: 5_000, suspends: 2);
            var save = b.Node(audit, Save, calls: 2, wall: 200_000_000, selfCpu: 20_000_000, selfAlloc: 2_000);
            b.Node(save, FlushAudit, "async", calls: 1, detached: 1, wall: 500_000_000, selfCpu: 3_000_000, selfAlloc: 300, suspends: 1);
            b.Node(handle, CacheGet, "task", calls: 2, unobserved: 2, wall: 1_000_000, selfCpu: 1_000_000, selfAlloc: 10);
            b.Node(main, Tick, calls: 3, detached: 3, wall: 90_000_000, selfCpu: 9_000_000, selfAlloc: 90);
            var poll = b.Node(main, Poll, "async", calls: 1, wall: 10_000_000, selfCpu: 1_000_000, selfAlloc: 1);
            b.Node(poll, Poll, "async", calls: 1, detached: 1, wall: 20_000_000, selfCpu: 2_000_000, selfAlloc: 2);
            if (!withTimeline) return b.Build();

            b.Thread(1, "Main");
            b.Thread(5, ".NET TP Worker");
            b.Segment(1, null, main, 1, 0, 1_000, 900, SegmentEnds.Suspend);
            b.Segment(2, 1, handle, 1, 100, 600, 400, SegmentEnds.Suspend);
            b.Segment(3, 2, audit, 1, 200, 300, 100, SegmentEnds.Suspend);
            b.Segment(2, 1, handle, 5, 60_000_000, 60_000_100, 100, SegmentEnds.Complete);
            b.Segment(3, 2, audit, 5, 290_000_000, 290_000_500, 500, SegmentEnds.Complete);
            b.Segment(4, 3, save, 5, 290_000_100, 290_000_300, 200, SegmentEnds.Exit);
            b.Segment(1, null, main, 1, 99_000_000, 100_000_000, 1_000, SegmentEnds.Complete);
            return b.Build();
        }

        /// <summary>
        /// A server-like profile: nested async calls, overlapping children (four concurrent fetches under a caller
        /// that waited less than their sum), recursion, a root still in flight with completed children, and a
        /// timeline with resumptions on other threads.
        /// </summary>
        public static Profile Server(bool withTimeline = true)
        {
            var b = new ProfileBuilder();
            var main = b.Node(null, Main, "async", calls: 1, wall: 1_000_000_000, selfCpu: 10_000_000, selfAlloc: 1_000, suspends: 2);
            var handle = b.Node(main, Handle, "async", calls: 3, wall: 900_000_000, selfCpu: 30_000_000, selfAlloc: 3_000, suspends: 6);
            var query = b.Node(handle, Query, "async", calls: 3, wall: 600_000_000, selfCpu: 5_000_000, selfAlloc: 600, suspends: 3);
            var render = b.Node(handle, Render, calls: 3, wall: 100_000_000, selfCpu: 60_000_000, selfAlloc: 50_000);
            var format = b.Node(render, Format, calls: 6, wall: 40_000_000, selfCpu: 39_000_000, selfAlloc: 12_345);
            var fanout = b.Node(main, Fanout, "async", calls: 1, wall: 50_000_000, selfCpu: 1_000_000, selfAlloc: 100, suspends: 1);
            b.Node(fanout, Fetch, "async", calls: 4, wall: 160_000_000, selfCpu: 2_000_000, selfAlloc: 4_096, suspends: 4);
            var walk1 = b.Node(main, Recurse, calls: 1, wall: 30_000_000, selfCpu: 10_000_000, selfAlloc: 10);
            var walk2 = b.Node(walk1, Recurse, calls: 2, wall: 20_000_000, selfCpu: 12_000_000, selfAlloc: 20);
            b.Node(walk2, Recurse, calls: 4, wall: 8_000_000, selfCpu: 7_999_999, selfAlloc: 40, faults: 1);
            b.Node(walk2, Format, calls: 1, wall: 1_000, selfCpu: 900, selfAlloc: 0);
            var bg = b.Node(null, Background, "async", calls: 0, inFlight: 1, wall: 0, selfCpu: 700_000, selfAlloc: 256, suspends: 0);
            var tick = b.Node(bg, Tick, calls: 5, wall: 5_000_000, selfCpu: 4_900_000, selfAlloc: 0);
            if (!withTimeline) return b.Build();

            b.Thread(1, "Main");
            b.Thread(5, ".NET TP Worker");
            b.Thread(6, null);
            b.Segment(1, null, main, 1, 0, 1_000, 900, SegmentEnds.Suspend);
            b.Segment(2, 1, handle, 1, 100, 600, 480, SegmentEnds.Suspend);
            b.Segment(3, 2, query, 1, 200, 400, 190, SegmentEnds.Suspend);
            b.Segment(6, null, bg, 6, 500, 900, 350, SegmentEnds.Suspend);
            b.Segment(7, 6, tick, 6, 600, 700, 100, SegmentEnds.Exit);
            b.Segment(3, 2, query, 6, 299_000_000, 299_500_000, 400_000, SegmentEnds.Complete);
            b.Segment(2, 1, handle, 5, 300_000_000, 300_100_000, 95_000, SegmentEnds.Complete);
            b.Segment(4, 2, render, 5, 300_010_000, 300_050_000, 40_000, SegmentEnds.Exit);
            b.Segment(5, 4, format, 5, 300_020_000, 300_030_000, 10_000, SegmentEnds.Exit);
            b.Segment(1, null, main, 1, 999_000_000, 1_000_000_000, 900_000, SegmentEnds.Complete);
            return b.Build();
        }

        /// <summary>A profile recorded by the real runtime through the probe API (as woven code calls it), with a timeline.</summary>
        public static string RecordedWithTimeline => Recorded.Value.WithTimeline;
        /// <summary>The same workload recorded without a timeline.</summary>
        public static string RecordedWithoutTimeline => Recorded.Value.WithoutTimeline;

        static readonly Lazy<(string WithTimeline, string WithoutTimeline)> Recorded = new(() =>
            (Record(timeline: true), Record(timeline: false)), LazyThreadSafetyMode.ExecutionAndPublication);

        static readonly int Base = Probe.RegisterModule(string.Join("\n",
            "async\tFmt.Handler\tFmt.cs\t10",
            "sync\tFmt.Parse\tFmt.cs\t20",
            "sync\tFmt.Allocate\tFmt.cs\t30",
            "async\tFmt.Fetch\tFmt.cs\t40",
            "sync\tFmt.Main\tFmt.cs\t50",
            "sync\tFmt.Recurse\tFmt.cs\t60"));
        const int Handler = 0, Parse = 1, Allocate = 2, FetchFn = 3, MainFn = 4, RecurseFn = 5;

        static void Call(int id, Action? body = null)
        {
            var token = Probe.Active ? Probe.Enter(Base + id) : 0;
            try { body?.Invoke(); }
            catch { Probe.ExitFault(token); throw; }
            Probe.Exit(token);
        }

        static void Spin(int microseconds)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            while (sw.Elapsed.TotalMilliseconds * 1000 < microseconds) Thread.SpinWait(50);
        }

        static byte[]? keep;

        static string Record(bool timeline)
        {
            var dir = Path.Combine(RepoPaths.Scratch, "formats");
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, $"recorded-{(timeline ? "timeline" : "plain")}-{Guid.NewGuid().ToString("N").Substring(0, 8)}.json");
            Profiler.Start(new ProfilerOptions { RecordTimeline = timeline, CpuWindowMicroseconds = 0 });
            try
            {
                Call(MainFn, () =>
                {
                    for (var r = 0; r < 3; r++)
                    {
                        // an async handler: runs, suspends, resumes on a pool thread where it parses and allocates
                        var call = new AsyncCall();
                        Probe.AsyncMoveNext(ref call, Base + Handler);
                        Call(Parse, () => Spin(300));
                        var fetch = new AsyncCall();
                        Probe.AsyncMoveNext(ref fetch, Base + FetchFn);
                        Probe.Suspend(ref fetch);
                        Probe.MoveNextReturn(); // the suspended MoveNext returns
                        Probe.Suspend(ref call);
                        Probe.MoveNextReturn(); // the suspended MoveNext returns
                        Thread.Sleep(5);
                        var resumedFetch = fetch;
                        var resumed = call;
                        Task.Run(() =>
                        {
                            Probe.AsyncMoveNext(ref resumedFetch, Base + FetchFn);
                            Call(Allocate, () => keep = new byte[64 * 1024]);
                            Probe.Complete(ref resumedFetch);
                            Probe.AsyncMoveNext(ref resumed, Base + Handler);
                            Call(Parse, () => Spin(200));
                            Call(Allocate, () => keep = new byte[16 * 1024]);
                            Probe.Complete(ref resumed);
                        }).Wait();
                    }
                    void Recurse(int depth) => Call(RecurseFn, () => { Spin(100); if (depth > 0) Recurse(depth - 1); });
                    Recurse(3);
                });
            }
            finally { Profiler.Stop(); }
            Profiler.Save(path);
            GC.KeepAlive(keep);
            return path;
        }

        /// <summary>Saves a profile as a native file (for the independent reader) and returns its path.</summary>
        public static string SaveNative(Profile profile, string name)
        {
            var dir = Path.Combine(RepoPaths.Scratch, "formats");
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, name + "-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".json");
            using (var s = File.Create(path)) new NativeJsonExporter().Export(profile, s);
            return path;
        }

        public static string DataFile(string name) => Path.Combine(RepoPaths.Root, "tests", "AsyncProf.Tests", "Reports", "Exporters", "Data", name);

        public static byte[] Export(IProfileExporter exporter, Profile profile)
        {
            using var ms = new MemoryStream();
            exporter.Export(profile, ms);
            return ms.ToArray();
        }

        /// <summary>The profiles every format's sum checks run on.</summary>
        public static readonly string[] Labels = { "server built in code", "async-resume fixture", "recorded with timeline", "recorded without timeline" };

        /// <summary>One of <see cref="Labels"/>: the product's model of it, and its native file read by the tests' own reader.</summary>
        public static (Profile Profile, ProfileFile Native) Load(string label)
        {
            switch (label)
            {
                case "server built in code":
                    var server = Server();
                    return (server, ProfileFile.Load(SaveNative(server, "server")));
                case "async-resume fixture":
                    var fixture = DataFile("async-resume.json");
                    return (ProfileReader.Load(fixture), ProfileFile.Load(fixture));
                case "recorded with timeline":
                    return (ProfileReader.Load(RecordedWithTimeline), ProfileFile.Load(RecordedWithTimeline));
                case "recorded without timeline":
                    return (ProfileReader.Load(RecordedWithoutTimeline), ProfileFile.Load(RecordedWithoutTimeline));
                default:
                    throw new ArgumentException("no profile " + label);
            }
        }
    }

    /// <summary>
    /// The totals every export must add up to, computed by the tests from the native file read with the tests' own
    /// reader: wall, CPU and allocations of the lanes (the roots and the detached nodes, whose figures are in no
    /// caller's), and the completed calls of all functions. A node with calls in flight has no wall time yet; it
    /// counts its attached children's (the documented rules).
    /// </summary>
    sealed record NativeTotals(long Wall, long Cpu, long Alloc, long Calls)
    {
        public static NativeTotals Of(ProfileFile p)
        {
            bool IsLane(ProfiledNode n) => n.Parent == null || n.IsDetached;
            var children = p.Tree.Where(n => !IsLane(n)).ToLookup(n => n.Parent!.Value);
            long Effective(ProfiledNode n) => n.InFlight > 0 ? Math.Max(n.WallNs, children[n.Id].Sum(Effective)) : n.WallNs;
            var lanes = p.Tree.Where(IsLane).ToList();
            return new NativeTotals(lanes.Sum(Effective), lanes.Sum(n => n.CpuNs), lanes.Sum(n => n.AllocBytes), p.Functions.Sum(f => f.Calls));
        }

        public long Of(ProfileMetric m) => m switch { ProfileMetric.Wall => Wall, ProfileMetric.Cpu => Cpu, _ => Alloc };
    }
}
