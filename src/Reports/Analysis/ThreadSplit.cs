using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncProf.Reports.Analysis
{
    /// <summary>How the timeline spreads each node's figures over the threads its own code ran on.</summary>
    internal sealed class ThreadSplit
    {
        readonly Dictionary<long, Dictionary<long, PerThread>> _byNode = new();
        readonly Dictionary<long, TimelineThread> _threads = new();

        sealed class PerThread
        {
            public long RunNs, CpuNs, Calls, Segments;
        }

        public static ThreadSplit From(Profile profile)
        {
            var split = new ThreadSplit();
            var timeline = profile.Timeline;
            if (timeline == null) return split;
            foreach (var t in timeline.Threads) split._threads[t.Id] = t;

            var selfRun = new long[timeline.Segments.Count];
            var selfCpu = new long[timeline.Segments.Count];
            foreach (var group in Enumerable.Range(0, timeline.Segments.Count).GroupBy(i => timeline.Segments[i].Thread))
            {
                // per thread, segments nest like a stack: the innermost open one encloses the next
                var ordered = group.OrderBy(i => timeline.Segments[i].StartNs).ThenByDescending(i => timeline.Segments[i].EndNs).ThenBy(i => i);
                var open = new Stack<int>();
                foreach (var i in ordered)
                {
                    var s = timeline.Segments[i];
                    selfRun[i] = SaturatingMath.Add(selfRun[i], s.DurationNs);
                    selfCpu[i] = SaturatingMath.Add(selfCpu[i], s.CpuNs);
                    while (open.Count > 0 && timeline.Segments[open.Peek()].EndNs < s.EndNs) open.Pop();
                    if (open.Count > 0 && timeline.Segments[open.Peek()].EndNs >= s.EndNs)
                    {
                        var enclosing = open.Peek();
                        selfRun[enclosing] = SaturatingMath.Subtract(selfRun[enclosing], s.DurationNs);
                        selfCpu[enclosing] = SaturatingMath.Subtract(selfCpu[enclosing], s.CpuNs);
                    }
                    open.Push(i);
                }
            }

            // calls: each completed call counts on the thread where it started
            var firstOfCall = new Dictionary<long, int>();
            var completed = new HashSet<long>();
            for (var i = 0; i < timeline.Segments.Count; i++)
            {
                var s = timeline.Segments[i];
                if (!firstOfCall.TryGetValue(s.Call, out var f) || timeline.Segments[f].StartNs > s.StartNs) firstOfCall[s.Call] = i;
                if (s.End is SegmentEnds.Exit or SegmentEnds.Fault or SegmentEnds.Complete) completed.Add(s.Call);
                var t = split.For(s.Node, s.Thread);
                t.RunNs = SaturatingMath.Add(t.RunNs, Math.Max(0, selfRun[i]));
                t.CpuNs = SaturatingMath.Add(t.CpuNs, Math.Max(0, selfCpu[i]));
                t.Segments++;
            }
            foreach (var (call, i) in firstOfCall)
                if (completed.Contains(call)) split.For(timeline.Segments[i].Node, timeline.Segments[i].Thread).Calls++;
            return split;
        }

        PerThread For(long node, long thread)
        {
            if (!_byNode.TryGetValue(node, out var threads)) _byNode[node] = threads = new Dictionary<long, PerThread>();
            if (!threads.TryGetValue(thread, out var t)) threads[thread] = t = new PerThread();
            return t;
        }

        /// <summary>values = calls, wall, cpu, alloc (then the wall split's parts) of a frame's nodes; one entry per thread (thread null: no timeline for them).</summary>
        public IEnumerable<(TimelineThread? Thread, long[] Values)> Split(IReadOnlyList<CallTreeNode> nodes, long[] values)
        {
            var threads = new Dictionary<long, PerThread>();
            foreach (var node in nodes)
            {
                if (!_byNode.TryGetValue(node.Id, out var perThread)) continue;
                foreach (var (id, t) in perThread)
                {
                    if (!threads.TryGetValue(id, out var sum)) threads[id] = sum = new PerThread();
                    sum.RunNs += t.RunNs; sum.CpuNs += t.CpuNs; sum.Calls += t.Calls; sum.Segments += t.Segments;
                }
            }
            if (threads.Count == 0)
            {
                yield return (null, values);
                yield break;
            }
            var ids = threads.Keys.OrderBy(k => k).ToArray();
            long[] Weights(Func<PerThread, long> f) => ids.Select(id => f(threads[id])).ToArray();
            var run = Weights(t => t.RunNs);
            var cpu = Weights(t => t.CpuNs);
            var calls = Weights(t => t.Calls);
            var count = Weights(t => t.Segments);
            // calls by where they started, CPU by CPU time, the rest (wall, alloc, the wall split) by running time
            var shares = values.Select((v, index) => index switch
            {
                0 => Apportion(v, calls, run, count),
                2 => Apportion(v, cpu, run, count),
                _ => Apportion(v, run, cpu, count),
            }).ToArray();
            for (var k = 0; k < ids.Length; k++)
            {
                var thread = _threads.TryGetValue(ids[k], out var th) ? th : new TimelineThread { Id = ids[k] };
                yield return (thread, shares.Select(s => s[k]).ToArray());
            }
        }

        /// <summary>Splits total in proportion to the first weight vector that is not all zero; exact (largest remainders).</summary>
        static long[] Apportion(long total, params long[][] weightChoices)
        {
            var weights = weightChoices.First(w => w.Any(x => x > 0) || ReferenceEquals(w, weightChoices[^1]));
            var result = new long[weights.Length];
            var sum = weights.Aggregate(Int128.Zero, (s, x) => s + Math.Max(0, x));
            if (sum == 0) { result[0] = total; return result; }
            var given = 0L;
            var remainders = new Int128[weights.Length];
            for (var i = 0; i < weights.Length; i++)
            {
                var exact = (Int128)total * Math.Max(0, weights[i]);
                result[i] = (long)(exact / sum);
                remainders[i] = exact % sum;
                given += result[i];
            }
            foreach (var i in Enumerable.Range(0, weights.Length).OrderByDescending(i => remainders[i]).ThenBy(i => i))
            {
                if (given >= total) break;
                result[i]++;
                given++;
            }
            return result;
        }
    }
}
