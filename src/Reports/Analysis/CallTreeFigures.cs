using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;

namespace AsyncProf.Reports.Analysis
{
    /// <summary>
    /// The one derivation of the reports, made once from the calling-context tree of a <see cref="Profile"/>
    /// (<see cref="Profile.CallTree"/>): self and inclusive values of each node for wall time, CPU time and allocated
    /// bytes, the function-level call graph (<see cref="Edges"/>), the totals, and the bounded tree of
    /// <see cref="Frames"/> every format draws. Text, HTML, callgrind, pprof, speedscope, Chrome trace, folded stacks
    /// and the diff are all built from these, so they all add up to the same totals and show the same edges.
    /// <para>
    /// CPU time and allocations have exact self figures in the profile (<c>selfCpuNs</c>, <c>selfAllocBytes</c>).
    /// Wall time has none: a node's self wall is its wall time minus its children's. For async code that is an
    /// approximation, because children can overlap one another (<c>Task.WhenAll</c>, work left running on the thread
    /// pool) and their wall times then add up to more than their caller's. When they do, the children's wall time is
    /// scaled down in proportion to fit in the caller's (and the caller's self wall is 0), so that a flame graph nests
    /// and the self wall times of all nodes add up exactly to the lanes' wall time. A node with calls still in flight
    /// has no wall time of its own yet (<c>wallNs</c> counts completed calls); it is given at least its children's.
    /// </para>
    /// <para>
    /// Detached work (a node with <c>detached</c> &gt; 0: calls that outlived their caller's call) is its own
    /// <em>lane</em>: it is neither in its caller's inclusive figures nor in its children total, its wall time is
    /// never scaled into its caller's, and it counts in the totals on its own. The totals are therefore the sums over
    /// the lanes (the roots and the detached nodes), which equal the sums of every node's self figures.
    /// </para>
    /// </summary>
    public sealed class CallTreeFigures
    {
        static readonly ConditionalWeakTable<Profile, CallTreeFigures> Cache = new();

        readonly CallTree _tree;
        readonly long[] _inclusiveWall;
        readonly long[] _selfWall;
        readonly long[] _attributedWall;
        readonly IReadOnlyList<CallTreeNode> _nodes;
        readonly CallFrame[] _frameOfNode;
        readonly WallSplit[] _selfSplit, _attributedSplit; // the wall split of each node's self wall, and summed over its subtree

        public static CallTreeFigures Of(Profile profile) => Cache.GetValue(profile ?? throw new ArgumentNullException(nameof(profile)), p => new CallTreeFigures(p));

        CallTreeFigures(Profile profile)
        {
            Profile = profile;
            _tree = profile.CallTree;
            _nodes = _tree.Nodes;
            var n = _nodes.Count;

            // Effective inclusive wall, children first (the tree lists a parent before its children); a detached
            // child is not part of its parent's children total.
            _inclusiveWall = new long[n];
            var childSum = new long[n];
            for (var i = n - 1; i >= 0; i--)
            {
                var node = _nodes[i];
                var wall = node.InFlight > 0 ? Math.Max(node.WallNs, childSum[i]) : node.WallNs;
                _inclusiveWall[i] = wall;
                if (ParentAt(i) >= 0 && !_tree.IsLaneTop(i)) childSum[ParentAt(i)] = Sat(childSum[ParentAt(i)] + wall);
            }

            // Self wall, parents first: each node's budget is shared between itself and its (attached) children;
            // a lane (root or detached node) has its own wall time as budget.
            _selfWall = new long[n];
            var budget = new long[n];
            for (var i = 0; i < n; i++) if (_tree.IsLaneTop(i)) budget[i] = _inclusiveWall[i];
            for (var i = 0; i < n; i++)
            {
                var kids = _tree.ChildrenAt(i).Select(_tree.IndexOf).Where(k => !_tree.IsLaneTop(k)).ToList();
                var b = budget[i];
                var sum = childSum[i];
                if (sum <= b)
                {
                    foreach (var k in kids) budget[k] = _inclusiveWall[k];
                    _selfWall[i] = b - sum;
                    continue;
                }
                // Overlapping children: share the budget in proportion, remainders to the first (largest) ones.
                var given = 0L;
                var order = kids.OrderByDescending(k => _inclusiveWall[k]).ThenBy(k => k).ToList();
                foreach (var k in order)
                {
                    var share = (long)((Int128)_inclusiveWall[k] * b / sum);
                    budget[k] = share;
                    given += share;
                }
                for (var j = 0; given < b && order.Count > 0; j = (j + 1) % order.Count)
                {
                    budget[order[j]]++;
                    given++;
                }
                _selfWall[i] = 0;
            }
            _attributedWall = budget;

            _selfSplit = new WallSplit[n];
            _attributedSplit = new WallSplit[n];
            for (var i = 0; i < n; i++) _selfSplit[i] = WallSplit.OfSelf(_selfWall[i], _nodes[i]);
            for (var i = n - 1; i >= 0; i--)
            {
                _attributedSplit[i] += _selfSplit[i];
                if (ParentAt(i) >= 0 && !_tree.IsLaneTop(i)) _attributedSplit[ParentAt(i)] += _attributedSplit[i];
            }

            var (frames, frameRoots, frameOfNode) = CallFrameBuilder.Build(new CallFrameBuilder.Input
            {
                Profile = profile, Tree = _tree, InclusiveWall = _inclusiveWall, AttributedWall = _attributedWall, SelfWall = _selfWall,
                SelfSplit = _selfSplit,
            });
            Frames = frames;
            FrameRoots = frameRoots;
            _frameOfNode = frameOfNode;

            Totals = new Dictionary<ProfileMetric, long>
            {
                [ProfileMetric.Wall] = frameRoots.Aggregate(0L, (s, r) => Sat(s + r.WallNs)),
                [ProfileMetric.Cpu] = frameRoots.Aggregate(0L, (s, r) => Sat(s + r.CpuNs)),
                [ProfileMetric.Alloc] = frameRoots.Aggregate(0L, (s, r) => Sat(s + r.AllocBytes)),
            };
            TotalCalls = _nodes.Aggregate(0L, (s, x) => Sat(s + x.Calls));
            Edges = BuildEdges();
        }

        static long Sat(long v) => v < 0 ? long.MaxValue : v;

        public Profile Profile { get; }
        /// <summary>The tree these figures are derived from.</summary>
        public CallTree Tree => _tree;
        /// <summary>
        /// Totals over the whole profile: the inclusive figures of the lanes (roots and detached nodes), which equal
        /// the sum of all self figures.
        /// </summary>
        public IReadOnlyDictionary<ProfileMetric, long> Totals { get; }
        /// <summary>Completed calls of every node.</summary>
        public long TotalCalls { get; }
        /// <summary>Function-level caller → callee totals (<see cref="CallEdge"/>), computed from the tree.</summary>
        public IReadOnlyList<CallEdge> Edges { get; }

        /// <summary>
        /// <see cref="Edges"/> per caller and callee, detached calls added to attached ones, in order of first
        /// appearance: the shape of the profile's own <c>edges</c>, which the runtime derives from the tree by the same
        /// rule, so on a profile it wrote the two agree. <see cref="CallEdge.Detached"/> is true when every call was.
        /// </summary>
        public IReadOnlyList<CallEdge> EdgesPerPair => _edgesPerPair ??= MergeDetached(Edges);
        IReadOnlyList<CallEdge>? _edgesPerPair;

        /// <summary>The frames every format draws (see <see cref="CallFrame"/>), a parent before its children.</summary>
        public IReadOnlyList<CallFrame> Frames { get; }
        /// <summary>Root frames: the profile's roots, then a lane per function that started detached work, in order of appearance.</summary>
        public IReadOnlyList<CallFrame> FrameRoots { get; }

        public long Total(ProfileMetric metric) => Totals[metric];

        int Index(CallTreeNode node) => _tree.IndexOf(node);
        int ParentAt(int i) => _tree.ParentIndex(i);

        /// <summary>The frame a node is drawn in.</summary>
        public CallFrame FrameOf(CallTreeNode node) => _frameOfNode[Index(node)];

        /// <summary>Wall time of the node's completed calls; for a node with calls in flight, at least its children's.</summary>
        public long InclusiveWall(CallTreeNode node) => _inclusiveWall[Index(node)];

        /// <summary>
        /// The node's wall time as the flat formats count it: its <see cref="InclusiveWall"/>, scaled down when it
        /// overlaps its siblings by more than their caller's wall time (the sum of <see cref="SelfWall"/> over its subtree).
        /// </summary>
        public long AttributedWall(CallTreeNode node) => _attributedWall[Index(node)];

        /// <summary>The node's share of wall time not spent in its children (see the class summary).</summary>
        public long SelfWall(CallTreeNode node) => _selfWall[Index(node)];

        /// <summary>The node's self wall split into running, blocked and suspended (<see cref="WallSplit.OfSelf"/>).</summary>
        public WallSplit SelfSplit(CallTreeNode node) => _selfSplit[Index(node)];

        /// <summary>The self splits of the node's subtree added up (its lane's detached work excluded): they add up to <see cref="AttributedWall"/>.</summary>
        public WallSplit AttributedSplit(CallTreeNode node) => _attributedSplit[Index(node)];

        public long Self(CallTreeNode node, ProfileMetric metric) => metric switch
        {
            ProfileMetric.Wall => SelfWall(node),
            ProfileMetric.Cpu => node.SelfCpuNs,
            ProfileMetric.Alloc => node.SelfAllocBytes,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
        };

        public long Inclusive(CallTreeNode node, ProfileMetric metric) => metric switch
        {
            ProfileMetric.Wall => InclusiveWall(node),
            ProfileMetric.Cpu => node.CpuNs,
            ProfileMetric.Alloc => node.AllocBytes,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
        };

        /// <summary>The frames depth first, each parent before its children, children in order of appearance.</summary>
        public IEnumerable<CallFrame> FramesDepthFirst()
        {
            var stack = new Stack<CallFrame>();
            for (var r = FrameRoots.Count - 1; r >= 0; r--) stack.Push(FrameRoots[r]);
            while (stack.Count > 0)
            {
                var frame = stack.Pop();
                yield return frame;
                var kids = frame.Children;
                for (var k = kids.Count - 1; k >= 0; k--) stack.Push(kids[k]);
            }
        }

        /// <summary>The frames from the root of its lane down to <paramref name="frame"/> (a bounded number).</summary>
        public static IReadOnlyList<CallFrame> Stack(CallFrame frame)
        {
            var list = new List<CallFrame>(frame.Depth + 1);
            for (var f = frame; f != null; f = f.Parent) list.Add(f);
            list.Reverse();
            return list;
        }

        /// <summary>Whether the profile has detached work, collapsed recursion or frames below the depth limit.</summary>
        public bool Has(FrameKind kind) => Frames.Any(f => f.Kind == kind);

        static List<CallEdge> MergeDetached(IReadOnlyList<CallEdge> edges) =>
            edges.GroupBy(e => (e.Caller, e.Callee)).Select(g => g.Count() == 1 ? g.First() : new CallEdge
            {
                Caller = g.Key.Caller, Callee = g.Key.Callee, Detached = g.All(e => e.Detached),
                Calls = g.Aggregate(0L, (s, e) => Sat(s + e.Calls)),
                WallNs = g.Aggregate(0L, (s, e) => Sat(s + e.WallNs)),
                AttributedWallNs = g.Aggregate(0L, (s, e) => Sat(s + e.AttributedWallNs)),
                AttributedSplit = g.Aggregate(default(WallSplit), (s, e) => s + e.AttributedSplit),
                CpuNs = g.Aggregate(0L, (s, e) => Sat(s + e.CpuNs)),
                AllocBytes = g.Aggregate(0L, (s, e) => Sat(s + e.AllocBytes)),
            }).ToList();

        /// <summary>
        /// Per (caller function, callee function, detached or not): calls sum over every node of the callee under the
        /// caller; inclusive figures sum over the nodes whose function is not already on the path above them within
        /// their lane, so recursion never counts twice (the rule of the profile's own <c>edges</c>). A detached node
        /// starts a new lane: its edge always carries its figures, which are in no caller's.
        /// </summary>
        List<CallEdge> BuildEdges()
        {
            var byKey = new Dictionary<(long?, long, bool), CallEdge>();
            var order = new List<(long?, long, bool)>();
            var paths = new Stack<Dictionary<long, int>>();
            paths.Push(new Dictionary<long, int>());
            var stack = new Stack<(int Index, bool Leaving)>();
            var roots = _tree.Roots;
            for (var r = roots.Count - 1; r >= 0; r--) stack.Push((Index(roots[r]), false));
            while (stack.Count > 0)
            {
                var (i, leaving) = stack.Pop();
                var node = _nodes[i];
                var detached = _tree.IsDetached(i);
                if (leaving)
                {
                    if (detached) paths.Pop();
                    else if (--paths.Peek()[node.Function] == 0) paths.Peek().Remove(node.Function);
                    continue;
                }
                if (detached) paths.Push(new Dictionary<long, int>());
                var onPath = paths.Peek();
                long? caller = ParentAt(i) >= 0 ? _nodes[ParentAt(i)].Function : null;
                var key = (caller, node.Function, detached);
                if (!byKey.TryGetValue(key, out var e))
                {
                    byKey[key] = e = new CallEdge { Caller = caller, Callee = node.Function, Detached = detached };
                    order.Add(key);
                }
                e.Calls = Sat(e.Calls + node.Calls);
                if (!onPath.ContainsKey(node.Function))
                {
                    e.WallNs = Sat(e.WallNs + _inclusiveWall[i]);
                    e.AttributedWallNs = Sat(e.AttributedWallNs + _attributedWall[i]);
                    e.AttributedSplit += _attributedSplit[i];
                    e.CpuNs = Sat(e.CpuNs + node.CpuNs);
                    e.AllocBytes = Sat(e.AllocBytes + node.AllocBytes);
                }
                if (!detached) onPath[node.Function] = onPath.TryGetValue(node.Function, out var c) ? c + 1 : 1;
                else onPath[node.Function] = 1;
                stack.Push((i, true));
                var kids = _tree.ChildrenAt(i);
                for (var k = kids.Count - 1; k >= 0; k--) stack.Push((Index(kids[k]), false));
            }
            return order.Select(k => byKey[k]).ToList();
        }
    }
}
