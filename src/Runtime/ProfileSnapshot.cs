using System;
using System.Collections.Generic;
using System.Threading;

namespace AsyncProf
{
    /// <summary>
    /// A consistent-enough copy of a session's tree with everything the file needs derived from it: ids, inclusive
    /// figures, per-function and per-edge totals. Recursion: inclusive figures of a function (and of an edge into
    /// it) sum only its outermost nodes, so nested calls of the same function are never counted twice.
    /// </summary>
    internal sealed class ProfileSnapshot
    {
        /// <summary>The counters a tree node and a function share, written under the same names.</summary>
        internal class Figures
        {
            public long Calls, InFlight, Faults, Suspends, WallNs, CpuNs, SelfCpuNs, AllocBytes, SelfAllocBytes;
            /// <summary>Calls that outlived their caller's call; task-returning calls whose completion could not be observed.</summary>
            public long Detached, Unobserved;
            /// <summary>The wall split (docs/profile-schema.md#wall-split): on CPU, on a thread off CPU, awaiting on no thread; they add up to WallNs.</summary>
            public long RunningNs, BlockedNs, SuspendedNs;
            /// <summary>Of SuspendedNs, the time the continuations waited for a thread (docs/profile-schema.md#wall-split).</summary>
            public long QueuedNs;
            /// <summary>GC pauses (docs/profile-schema.md#gc-pauses): inclusive, the wall split's fourth part, and the node's own.</summary>
            public long GcNs, SelfGcNs;
            /// <summary>The critical path: resumptions of the caller that waited on this node last, and their suspended time.</summary>
            public long CriticalCount, CriticalNs;
        }

        /// <summary>A <see cref="CallNode"/> frozen: its counters as read, with what the snapshot derives from the tree.</summary>
        internal sealed class CallNodeSnapshot : Figures
        {
            public int Id;
            public int ParentIndex = -1;
            public int FunctionId; // global function id
            public int FunctionLocalId; // id in the file
            public bool Outermost; // no ancestor of the same function in its lane (a detached node starts a lane)
            public int NearestSameAncestor = -1;
            public int Lane; // index of the detached node it hangs under, or -1
            public long RecordedSuspendedNs, RecordedQueuedNs; // its completed calls' suspended (and queued) time, before SplitWall bounds it
            public bool Queued; // reached as queued work under its logical caller (see CallNode.Queued)
        }

        internal sealed class Function : Figures
        {
            public int Id;
            public FunctionInfo Info = null!;
            /// <summary>The name written: unique in the file (see <see cref="NameFunctionsUniquely"/>).</summary>
            public string Name = "";
        }

        internal sealed class Edge
        {
            public int? Caller;
            public int Callee;
            public long Calls, WallNs, CpuNs, AllocBytes;
        }

        public readonly List<CallNodeSnapshot> Nodes = new List<CallNodeSnapshot>();
        public readonly Dictionary<CallNode, CallNodeSnapshot> NodeOf = new Dictionary<CallNode, CallNodeSnapshot>();
        public Timeline.Segment[]? Segments;
        public long DroppedSegments;
        public long StartTimestamp;
        public ThreadRecorder[] Threads = new ThreadRecorder[0];

        public readonly List<Function> Functions = new List<Function>();
        /// <summary>Functions by their global id (the runtime's), for the sections that name them.</summary>
        public readonly Dictionary<int, Function> FunctionByGlobalId = new Dictionary<int, Function>();

        /// <summary>A blocking call site with the time the session spent blocked there (the <c>blocking</c> section).</summary>
        internal sealed class BlockingRow
        {
            public BlockingSiteInfo Info = null!;
            public long Count, Ns, MaxNs, PoolThreadCount, PoolThreadNs;
        }

        public readonly List<BlockingRow> Blocking = new List<BlockingRow>();
        public readonly List<Edge> Edges = new List<Edge>();
        public long DurationNs;

        public static ProfileSnapshot Take(Session session, bool correct = true)
        {
            // The writing thread can close its own CPU window exactly; other threads keep at most one window open.
            var writer = ThreadRecorders.Existing(session);
            if (writer != null) writer.CloseWindow(writer.Event());
            var snapshot = new ProfileSnapshot();
            var end = session.StopTimestamp != 0 ? session.StopTimestamp : Clock.Now();
            snapshot.DurationNs = (long)((end - session.StartTimestamp) * Clock.TicksToNs);
            snapshot.StartTimestamp = session.StartTimestamp;
            snapshot.Threads = session.Threads();
            if (session.Timeline != null)
            {
                snapshot.Segments = session.Timeline.Snapshot();
                Array.Sort(snapshot.Segments, (a, b) => a.StartTicks.CompareTo(b.StartTicks));
                snapshot.DroppedSegments = session.Timeline.Dropped;
            }
            snapshot.CollectNodes(session.Root);
            snapshot.InferDetachedInFlight();
            snapshot.Correction = correct ? ScopeCorrectionCache.For(session)?.For(session.ProbeTails) : null; // a quick total needs no calibration
            if (snapshot.Correction != null) snapshot.SubtractProbeCost(snapshot.Correction);
            snapshot.FindOutermost();
            snapshot.SumInclusive();
            snapshot.SplitWall();
            snapshot.DeriveFunctionsAndEdges();
            snapshot.NameFunctionsUniquely();
            snapshot.CollectBlocking(session);
            return snapshot;
        }

        void CollectNodes(CallNode root)
        {
            var nearest = new Dictionary<int, int>(); // function id -> index of its innermost node on the path
            // explicit stack: deep recursion in user code must not overflow the writer
            var stack = new Stack<(CallNode node, int parentIndex, bool exiting, int saved)>();
            for (var c = root.FirstChild; c != null; c = c.NextSibling) stack.Push((c, -1, false, -1));
            while (stack.Count > 0)
            {
                var (cn, parentIndex, exiting, saved) = stack.Pop();
                if (exiting)
                {
                    nearest[cn.FunctionId] = saved;
                    continue;
                }
                if (!nearest.TryGetValue(cn.FunctionId, out var sameAbove)) sameAbove = -1;
                var calls = Volatile.Read(ref cn.Calls);
                var node = new CallNodeSnapshot
                {
                    Id = Nodes.Count + 1,
                    ParentIndex = parentIndex,
                    FunctionId = cn.FunctionId,
                    NearestSameAncestor = sameAbove,
                    Calls = calls,
                    InFlight = Math.Max(0, Volatile.Read(ref cn.Started) - calls),
                    Faults = Volatile.Read(ref cn.Faults),
                    Suspends = Volatile.Read(ref cn.Suspends),
                    WallNs = (long)(Volatile.Read(ref cn.WallTicks) * Clock.TicksToNs),
                    SelfCpuNs = Volatile.Read(ref cn.SelfCpuNs),
                    SelfAllocBytes = Volatile.Read(ref cn.SelfAllocBytes),
                    Detached = Volatile.Read(ref cn.Detached),
                    Unobserved = Volatile.Read(ref cn.Unobserved),
                };
                node.CpuNs = node.SelfCpuNs;
                node.SelfGcNs = node.GcNs = Volatile.Read(ref cn.SelfGcNs);
                node.AllocBytes = node.SelfAllocBytes;
                node.RecordedSuspendedNs = (long)(Volatile.Read(ref cn.SuspendedTicks) * Clock.TicksToNs);
                node.RecordedQueuedNs = (long)(Volatile.Read(ref cn.QueuedTicks) * Clock.TicksToNs);
                node.CriticalCount = Volatile.Read(ref cn.CriticalCount);
                node.Queued = cn.Queued;
                node.CriticalNs = (long)(Volatile.Read(ref cn.CriticalTicks) * Clock.TicksToNs);
                var index = Nodes.Count;
                Nodes.Add(node);
                NodeOf[cn] = node;
                nearest[cn.FunctionId] = index;
                stack.Push((cn, parentIndex, true, sameAbove));
                for (var c = cn.FirstChild; c != null; c = c.NextSibling) stack.Push((c, index, false, -1));
            }
        }

        /// <summary>
        /// Inclusive per-function figures sum a function's outermost nodes: those with no ancestor of the same
        /// function, counting from the detached node whose lane they are in (a poller that re-arms itself from a
        /// timer is counted once per lane, like the reports' stacks do).
        /// </summary>
        void FindOutermost()
        {
            foreach (var n in Nodes) // pre-order: a parent's lane is known before its children's
                n.Lane = n.Detached > 0 ? Nodes.IndexOf(n) : n.ParentIndex >= 0 ? Nodes[n.ParentIndex].Lane : -1;
            foreach (var n in Nodes)
                n.Outermost = n.NearestSameAncestor < 0 || Nodes[n.NearestSameAncestor].Lane != n.Lane || n.Detached > 0;
        }

        /// <summary>
        /// A call still in flight under a node none of whose calls is (all of them ended) has outlived its caller:
        /// it is detached too, though it has not completed.
        /// </summary>
        void InferDetachedInFlight()
        {
            foreach (var n in Nodes)
                if (n.InFlight > 0 && n.ParentIndex >= 0 && Nodes[n.ParentIndex].InFlight == 0)
                    n.Detached += n.InFlight;
        }

        /// <summary>The probe's own cost taken off the figures, or null when the profile is uncorrected.</summary>
        public ProbeCorrection? Correction;

        /// <summary>
        /// Takes the probe's cost off every node (see <see cref="ProbeCorrection"/>): a node's wall loses the inside
        /// part of each of its own calls' probe pairs and the whole cost of every pair below it; its self CPU loses
        /// its own inside parts and its direct callees' outside parts. An async call counts one pair per running
        /// segment (its start and each resumption). A node never ends shorter than its callees together, nor below 0.
        /// Detached callees ran outside their caller's call: they take nothing off it.
        /// The probe runs on CPU: a node's wall loses exactly the CPU its subtree lost. Unclamped that is the same
        /// sum (its own pairs' inside part, the whole pair of every call below); where a self CPU figure had less to
        /// give (an over-estimated pair), the wall keeps it too, so no node ends with more CPU than wall on that account.
        /// </summary>
        internal void SubtractProbeCost(ProbeCorrection c)
        {
            var count = Nodes.Count;
            var cpuTakenBelow = new long[count]; // self CPU the subtree under each node lost, attached callees only
            var childPairs = new long[count];
            var childWall = new long[count]; // corrected, summed
            var longestChild = new long[count]; // corrected
            var rawChildWall = new long[count];
            for (var i = count - 1; i >= 0; i--) // pre-order: children are finished before their parent
            {
                var n = Nodes[i];
                var pairs = n.Calls + n.Suspends;
                var selfCpu = Math.Max(0, n.SelfCpuNs - (long)(pairs * c.InsideNs + childPairs[i] * c.OutsideNs));
                var cpuTaken = n.SelfCpuNs - selfCpu + cpuTakenBelow[i];
                var wall = n.WallNs - cpuTaken;
                // callees that ran one after another must still fit inside; concurrent ones (raw sum above the
                // node's own wall) each must; and nothing ends longer than it was measured
                var floor = rawChildWall[i] <= n.WallNs ? childWall[i] : longestChild[i];
                var corrected = Math.Min(n.WallNs, Math.Max(floor, Math.Max(0, wall)));
                var raw = n.WallNs;
                c.SubtractedWallNs += raw - corrected;
                n.WallNs = corrected;
                n.SelfCpuNs = selfCpu;
                n.CpuNs = n.SelfCpuNs;
                if (n.ParentIndex < 0 || n.Detached > 0) continue;
                cpuTakenBelow[n.ParentIndex] += cpuTaken;
                childPairs[n.ParentIndex] += pairs;
                childWall[n.ParentIndex] += n.WallNs;
                longestChild[n.ParentIndex] = Math.Max(longestChild[n.ParentIndex], n.WallNs);
                rawChildWall[n.ParentIndex] += raw;
            }
        }

        /// <summary>
        /// Inclusive CPU and allocations: a node's own plus its children's, except detached children's (work that
        /// outlived the call, such as fire-and-forget tasks, is not the caller's cost).
        /// </summary>
        void SumInclusive()
        {
            // pre-order: every child comes after its parent, so walking backwards finishes children first
            for (var i = Nodes.Count - 1; i >= 0; i--)
            {
                var n = Nodes[i];
                if (n.ParentIndex < 0 || n.Detached > 0) continue;
                var p = Nodes[n.ParentIndex];
                p.CpuNs += n.CpuNs;
                p.GcNs += n.GcNs;
                p.AllocBytes += n.AllocBytes;
            }
        }

        /// <summary>
        /// Each node's wall time split four ways (after the probe correction, so the parts add up to the wall time
        /// written): suspended as recorded (at most the wall), on a thread for the rest; of that, GC pauses up to the
        /// node's inclusive GC time, running up to the CPU time (GC already taken out of it) of the node and of its
        /// callees that ran on its threads, blocked for what is left (sleeping, waiting on a lock or on I/O, .Result).
        /// Queued work (Task.Run) ran on other threads: its CPU is in the node's inclusive CPU but cannot have filled
        /// the node's own time on a thread.
        /// </summary>
        void SplitWall()
        {
            // CPU of queued work anywhere below a node, summed as SumInclusive summed CPU (children before parents)
            var queuedCpu = new long[Nodes.Count];
            for (var i = Nodes.Count - 1; i >= 0; i--)
            {
                var n = Nodes[i];
                if (n.ParentIndex < 0 || n.Detached > 0) continue;
                queuedCpu[n.ParentIndex] += n.Queued ? n.CpuNs : queuedCpu[i];
            }
            for (var i = 0; i < Nodes.Count; i++)
            {
                var n = Nodes[i];
                n.SuspendedNs = Math.Min(n.WallNs, n.RecordedSuspendedNs);
                n.QueuedNs = Math.Min(n.SuspendedNs, n.RecordedQueuedNs);
                var onThread = n.WallNs - n.SuspendedNs;
                n.GcNs = Math.Min(n.GcNs, onThread);
                n.RunningNs = Math.Min(Math.Max(0, n.CpuNs - queuedCpu[i]), onThread - n.GcNs);
                n.BlockedNs = onThread - n.GcNs - n.RunningNs;
            }
        }

        /// <summary>
        /// The weaver keeps names unique within a module; two modules may still define the same type (two versions
        /// of a library loaded side by side): those get their module's name, "Name [Module]".
        /// </summary>
        void NameFunctionsUniquely()
        {
            var counts = new Dictionary<string, int>();
            foreach (var f in Functions)
                counts[f.Info.Name] = counts.TryGetValue(f.Info.Name, out var c) ? c + 1 : 1;
            var taken = new HashSet<string>();
            foreach (var f in Functions)
            {
                var name = counts[f.Info.Name] > 1 ? f.Info.Name + " [" + f.Info.Module + "]" : f.Info.Name;
                var unique = name;
                for (var n = 2; !taken.Add(unique); n++) unique = name + " (" + n + ")";
                f.Name = unique;
            }
        }

        void CollectBlocking(Session session)
        {
            foreach (var entry in session.Blocking)
            {
                var info = BlockingSites.Get(entry.Key);
                if (info == null) continue;
                var st = entry.Value;
                Blocking.Add(new BlockingRow
                {
                    Info = info,
                    Count = Volatile.Read(ref st.Count),
                    Ns = (long)(Volatile.Read(ref st.Ticks) * Clock.TicksToNs),
                    MaxNs = (long)(Volatile.Read(ref st.MaxTicks) * Clock.TicksToNs),
                    PoolThreadCount = Volatile.Read(ref st.PoolCount),
                    PoolThreadNs = (long)(Volatile.Read(ref st.PoolTicks) * Clock.TicksToNs),
                });
            }
            Blocking.Sort((a, b) => b.Ns.CompareTo(a.Ns));
        }

        void DeriveFunctionsAndEdges()
        {
            var byGlobalId = FunctionByGlobalId;
            var edges = new Dictionary<(int?, int), Edge>();
            foreach (var n in Nodes)
            {
                if (!byGlobalId.TryGetValue(n.FunctionId, out var f))
                {
                    f = new Function { Id = Functions.Count + 1, Info = FunctionTable.Get(n.FunctionId) };
                    byGlobalId.Add(n.FunctionId, f);

                    Functions.Add(f);
                }
                n.FunctionLocalId = f.Id;
                f.Calls += n.Calls;
                f.InFlight += n.InFlight;
                f.Faults += n.Faults;
                f.Suspends += n.Suspends;
                f.SelfCpuNs += n.SelfCpuNs;
                f.SelfGcNs += n.SelfGcNs;
                f.SelfAllocBytes += n.SelfAllocBytes;
                f.Detached += n.Detached;
                f.Unobserved += n.Unobserved;
                f.CriticalCount += n.CriticalCount;

                int? caller = n.ParentIndex < 0 ? (int?)null : byGlobalId[Nodes[n.ParentIndex].FunctionId].Id;
                if (!edges.TryGetValue((caller, f.Id), out var e))
                {
                    e = new Edge { Caller = caller, Callee = f.Id };
                    edges.Add((caller, f.Id), e);
                    Edges.Add(e);
                }
                e.Calls += n.Calls;
                if (!n.Outermost) continue;
                f.WallNs += n.WallNs;
                f.RunningNs += n.RunningNs;
                f.BlockedNs += n.BlockedNs;
                f.SuspendedNs += n.SuspendedNs;
                f.QueuedNs += n.QueuedNs;
                f.CriticalNs += n.CriticalNs; // a time, like wall: a recursive call's inner waits lie within its outer ones
                f.GcNs += n.GcNs;
                f.CpuNs += n.CpuNs;
                f.AllocBytes += n.AllocBytes;
                e.WallNs += n.WallNs;
                e.CpuNs += n.CpuNs;
                e.AllocBytes += n.AllocBytes;
            }
        }
    }
}
