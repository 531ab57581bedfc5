using System;
using System.Collections.Generic;
using System.Globalization;

namespace AsyncProf.Reports.Analysis
{
    /// <summary>
    /// Builds the <see cref="CallFrame"/> tree from the calling-context tree, in one pass (no recursion, so any depth
    /// works):
    /// <list type="bullet">
    /// <item>a detached node (and its subtree) moves to a lane of its own, a root frame <c>[detached from F]</c> per
    /// calling function F, so that no format adds it into its caller;</item>
    /// <item>a direct recursion (a node of the same function as its parent) keeps its first
    /// <see cref="RecursionLevelsKept"/> levels; the deeper levels merge into one frame under a marker
    /// <c>[... N recursive frames collapsed]</c>, their callees merged by function;</item>
    /// <item>frames deeper than <see cref="MaxDepth"/> merge into one marker <c>[... N deeper frames collapsed]</c>
    /// under the last frame kept (indirect recursion, very deep call chains).</item>
    /// </list>
    /// Stacks are then at most <see cref="MaxDepth"/> + 2 frames, and there are never more frames than tree nodes
    /// plus markers, so every format's output grows with the number of nodes times a bounded depth.
    /// </summary>
    internal static class CallFrameBuilder
    {
        /// <summary>Levels of a direct recursion drawn one by one before the rest is merged.</summary>
        public const int RecursionLevelsKept = 10;
        /// <summary>The deepest frame drawn (0 is a root); anything deeper is merged into a marker.</summary>
        public const int MaxDepth = 256;

        public sealed class Input
        {
            public required Profile Profile { get; init; }
            public required CallTree Tree { get; init; }
            public required long[] InclusiveWall { get; init; }
            public required long[] AttributedWall { get; init; }
            public required long[] SelfWall { get; init; }
            public required WallSplit[] SelfSplit { get; init; }
        }

        public static (List<CallFrame> Frames, List<CallFrame> Roots, CallFrame[] FrameOfNode) Build(Input input)
        {
            var tree = input.Tree;
            var nodes = tree.Nodes;
            var frames = new List<CallFrame>();
            var hidden = new CallFrame(-1, FrameKind.Call, null, null, "");
            var frameOf = new CallFrame[nodes.Count];
            var isTop = new bool[nodes.Count];
            var markerCount = 0;

            // node: the tree node that makes a call frame (its id is the frame's key)
            CallFrame Child(CallFrame parent, FrameKind kind, long function, CallTreeNode node)
            {
                var key = (kind, function);
                if (parent.ChildByKey.TryGetValue(key, out var f)) return f;
                var realParent = ReferenceEquals(parent, hidden) ? null : parent;
                var fn = kind == FrameKind.Call ? input.Profile.Function(function) : null;
                var id = kind switch
                {
                    FrameKind.DetachedLane => "lane-" + (++markerCount).ToString(CultureInfo.InvariantCulture),
                    FrameKind.CollapsedRecursion => "recursion-" + (++markerCount).ToString(CultureInfo.InvariantCulture),
                    FrameKind.DepthLimit => "depth-" + (++markerCount).ToString(CultureInfo.InvariantCulture),
                    _ => node.Id.ToString(CultureInfo.InvariantCulture),
                };
                f = new CallFrame(frames.Count, kind, realParent, fn, id);
                if (kind == FrameKind.Call) f.Name = fn!.Name;
                if (kind == FrameKind.DetachedLane) f.DetachedFrom = input.Profile.Function(function);
                parent.ChildByKey[key] = f;
                parent.ChildList.Add(f);
                frames.Add(f);
                return f;
            }

            // depth first over the tree, children in file order; each entry carries the frame its parent went to
            // and the parent's level in a direct recursion (1: not recursive)
            var stack = new Stack<(int Node, CallFrame ParentFrame, int ParentLevel)>();
            for (var i = nodes.Count - 1; i >= 0; i--)
                if (tree.ParentIndex(i) < 0) stack.Push((i, hidden, 0));
            while (stack.Count > 0)
            {
                var (i, parentFrame, parentLevel) = stack.Pop();
                var node = nodes[i];
                var p = tree.ParentIndex(i);
                var detached = tree.IsDetached(i);
                if (detached)
                {
                    parentFrame = Child(hidden, FrameKind.DetachedLane, nodes[p].Function, node);
                    parentLevel = 0;
                }
                var level = !detached && p >= 0 && nodes[p].Function == node.Function ? parentLevel + 1 : 1;
                CallFrame target;
                if (parentFrame.Kind == FrameKind.DepthLimit)
                    target = parentFrame;
                else if (level > RecursionLevelsKept)
                {
                    target = parentFrame; // the merged frame of this recursion
                    target.Parent!.CollapsedFrames++;
                }
                else if (parentFrame.Depth + 1 > MaxDepth && !ReferenceEquals(parentFrame, hidden))
                    target = Child(parentFrame, FrameKind.DepthLimit, 0, node);
                else if (level == RecursionLevelsKept)
                    target = Child(Child(parentFrame, FrameKind.CollapsedRecursion, node.Function, node), FrameKind.Call, node.Function, node);
                else
                    target = Child(parentFrame, FrameKind.Call, node.Function, node);
                if (target.Kind == FrameKind.DepthLimit) target.CollapsedFrames++;
                target.NodeList.Add(node);
                frameOf[i] = target;
                // a node counts in its frame's inclusive figures unless its parent, in the same lane, is in that frame too
                isTop[i] = p < 0 || detached || !ReferenceEquals(frameOf[p], target);

                var kids = tree.ChildrenAt(i);
                for (var k = kids.Count - 1; k >= 0; k--) stack.Push((tree.IndexOf(kids[k]), target, level));
            }

            Sum(frames, nodes, frameOf, isTop, input);
            foreach (var f in frames)
            {
                if (f.Kind == FrameKind.DetachedLane) f.Name = $"[detached from {f.DetachedFrom!.Name}]";
                else if (f.Kind == FrameKind.CollapsedRecursion) f.Name = $"[... {Grouped(f.CollapsedFrames)} recursive frames collapsed]";
                else if (f.Kind == FrameKind.DepthLimit) f.Name = $"[... {Grouped(f.CollapsedFrames)} deeper frames collapsed]";
            }
            return (frames, hidden.ChildList, frameOf);
        }

        static void Sum(List<CallFrame> frames, IReadOnlyList<CallTreeNode> nodes, CallFrame[] frameOf, bool[] isTop, Input input)
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                var n = nodes[i];
                var f = frameOf[i];
                f.Calls = Sat(f.Calls + n.Calls);
                f.InFlight = Sat(f.InFlight + n.InFlight);
                f.Faults = Sat(f.Faults + n.Faults);
                f.Suspends = Sat(f.Suspends + n.Suspends);
                f.Detached = Sat(f.Detached + n.Detached);
                f.Unobserved = Sat(f.Unobserved + n.Unobserved);
                f.SelfWallNs = Sat(f.SelfWallNs + input.SelfWall[i]);
                f.SelfCpuNs = Sat(f.SelfCpuNs + n.SelfCpuNs);
                f.SelfAllocBytes = Sat(f.SelfAllocBytes + n.SelfAllocBytes);
                f.SelfSplit += input.SelfSplit[i];
                if (!isTop[i]) continue;
                f.Split += WallSplit.Of(n);
                f.WallNs = Sat(f.WallNs + input.InclusiveWall[i]);
                f.AttributedWallNs = Sat(f.AttributedWallNs + input.AttributedWall[i]);
                f.CpuNs = Sat(f.CpuNs + n.CpuNs);
                f.AllocBytes = Sat(f.AllocBytes + n.AllocBytes);
            }
            // lanes and recursion markers hold no nodes: their figures are their children's (children come later in the list)
            for (var k = frames.Count - 1; k >= 0; k--)
            {
                var f = frames[k];
                if (f.NodeList.Count > 0) continue;
                foreach (var c in f.ChildList)
                {
                    f.WallNs = Sat(f.WallNs + c.WallNs);
                    f.AttributedWallNs = Sat(f.AttributedWallNs + c.AttributedWallNs);
                    f.CpuNs = Sat(f.CpuNs + c.CpuNs);
                    f.AllocBytes = Sat(f.AllocBytes + c.AllocBytes);
                    f.Split += c.Split;
                }
            }
        }

        static string Grouped(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

        static long Sat(long v) => v < 0 ? long.MaxValue : v;
    }
}
