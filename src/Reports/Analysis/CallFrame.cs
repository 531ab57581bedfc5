using System;
using System.Collections.Generic;

namespace AsyncProf.Reports.Analysis
{
    /// <summary>What a <see cref="CallFrame"/> stands for.</summary>
    public enum FrameKind
    {
        /// <summary>Calls of one function: one tree node, or several merged (the deep levels of a direct recursion, their callees).</summary>
        Call,
        /// <summary>The root of a lane of detached work, <c>[detached from F]</c>: its children are the detached calls F started.</summary>
        DetachedLane,
        /// <summary>Marks where the levels of a deep direct recursion are merged: <c>[... 9,990 recursive frames collapsed]</c>.</summary>
        CollapsedRecursion,
        /// <summary>Everything below the depth limit, merged: <c>[... 1,234 deeper frames collapsed]</c>.</summary>
        DepthLimit,
    }

    /// <summary>
    /// One frame of the tree every report draws (<see cref="CallTreeFigures.Frames"/>): the calling-context tree with
    /// detached work moved to lanes of its own and deep stacks bounded, so that no format's size grows with the
    /// square of the recursion depth. Figures are sums over the tree nodes merged into the frame; inclusive figures
    /// count a node only where no node above it in its lane is in the same frame, so nothing counts twice.
    /// </summary>
    public sealed class CallFrame
    {
        internal readonly List<CallFrame> ChildList = new();
        internal readonly List<CallTreeNode> NodeList = new();
        internal readonly Dictionary<(FrameKind, long), CallFrame> ChildByKey = new();

        internal CallFrame(int index, FrameKind kind, CallFrame? parent, FunctionStats? function, string key)
        {
            Index = index;
            Kind = kind;
            Parent = parent;
            Function = function;
            Key = key;
            Depth = parent == null ? 0 : parent.Depth + 1;
            Lane = kind == FrameKind.DetachedLane ? this : parent?.Lane;
        }

        /// <summary>Position in <see cref="CallTreeFigures.Frames"/> (a parent before its children).</summary>
        public int Index { get; }
        public FrameKind Kind { get; }
        /// <summary>The calling frame, or null for a root (a root of the profile, or a detached lane).</summary>
        public CallFrame? Parent { get; }
        public IReadOnlyList<CallFrame> Children => ChildList;
        /// <summary>The function, for <see cref="FrameKind.Call"/> frames; null for markers.</summary>
        public FunctionStats? Function { get; }
        /// <summary>The function's display name, or the marker's text (<c>[detached from F]</c>, <c>[... N recursive frames collapsed]</c>).</summary>
        public string Name { get; internal set; } = "";
        /// <summary>A stable id: the first tree node's id for call frames, <c>lane-N</c>, <c>recursion-N</c>, <c>depth-N</c> for markers.</summary>
        public string Key { get; }
        /// <summary>0 for a root.</summary>
        public int Depth { get; }
        /// <summary>The detached lane this frame is in, or null for work under a root of the profile.</summary>
        public CallFrame? Lane { get; }
        /// <summary>For a lane, the function that started its detached work.</summary>
        public FunctionStats? DetachedFrom { get; internal set; }
        /// <summary>The tree nodes merged into this frame (none for lanes and recursion markers).</summary>
        public IReadOnlyList<CallTreeNode> Nodes => NodeList;
        /// <summary>For markers: how many frames are not drawn (recursion levels merged, or frames below the depth limit).</summary>
        public long CollapsedFrames { get; internal set; }

        public bool IsMarker => Kind != FrameKind.Call;
        /// <summary>A call frame right under a lane: the detached calls themselves.</summary>
        public bool IsDetachedCall => Kind == FrameKind.Call && Parent?.Kind == FrameKind.DetachedLane;

        public long Calls { get; internal set; }
        public long InFlight { get; internal set; }
        public long Faults { get; internal set; }
        public long Suspends { get; internal set; }
        public long Detached { get; internal set; }
        public long Unobserved { get; internal set; }
        public long SelfWallNs { get; internal set; }
        public long SelfCpuNs { get; internal set; }
        public long SelfAllocBytes { get; internal set; }
        /// <summary>Wall time of the merged calls, as <see cref="CallTreeFigures.InclusiveWall"/> counts it.</summary>
        public long WallNs { get; internal set; }
        /// <summary>Wall time scaled like <see cref="CallTreeFigures.AttributedWall"/>: the sum of the self wall times of the frame's subtree.</summary>
        public long AttributedWallNs { get; internal set; }
        public long CpuNs { get; internal set; }
        public long AllocBytes { get; internal set; }
        /// <summary>The wall split of the merged calls, inclusive as the profile has it (summed like <see cref="WallNs"/>).</summary>
        public WallSplit Split { get; internal set; }
        /// <summary>The self wall's split (<see cref="WallSplit.OfSelf"/>): what the flat formats weigh the frame's stack by.</summary>
        public WallSplit SelfSplit { get; internal set; }

        public long Self(ProfileMetric metric) => metric switch
        {
            ProfileMetric.Wall => SelfWallNs,
            ProfileMetric.Cpu => SelfCpuNs,
            ProfileMetric.Alloc => SelfAllocBytes,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
        };

        public long Inclusive(ProfileMetric metric) => metric switch
        {
            ProfileMetric.Wall => WallNs,
            ProfileMetric.Cpu => CpuNs,
            ProfileMetric.Alloc => AllocBytes,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
        };

        public override string ToString() => $"{Name} ({Kind}, depth {Depth})";
    }
}
