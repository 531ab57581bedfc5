using System;

namespace AsyncProf.Reports.Analysis
{
    /// <summary>The three parts wall time splits into (docs/profile-schema.md#wall-split).</summary>
    public enum WallPart { Running, Blocked, Suspended }

    /// <summary>
    /// Wall time split into running (on CPU), blocked (on a thread, off CPU) and suspended (awaiting, on no thread).
    /// A node's inclusive split is in the profile; its self split, which the flat formats weigh stacks by, divides
    /// its self wall (<see cref="CallTreeFigures.SelfWall"/>) by <see cref="OfSelf"/>, so the self splits of all nodes
    /// add up to the profile's wall total like the self walls do.
    /// </summary>
    public readonly record struct WallSplit(long RunningNs, long BlockedNs, long SuspendedNs)
    {
        public static readonly WallPart[] Parts = { WallPart.Running, WallPart.Blocked, WallPart.Suspended };

        public long Part(WallPart part) => part switch
        {
            WallPart.Running => RunningNs,
            WallPart.Blocked => BlockedNs,
            WallPart.Suspended => SuspendedNs,
            _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
        };

        /// <summary>"running", "blocked", "suspended": the name of each part in every format.</summary>
        public static string Key(WallPart part) => part switch
        {
            WallPart.Running => "running",
            WallPart.Blocked => "blocked",
            _ => "suspended",
        };

        /// <summary>
        /// A node's self wall split: running is its self CPU time (at most the self wall), suspended is what is left up
        /// to the node's own suspended time, blocked the rest. Its children's time is theirs, so a caller awaiting a
        /// profiled callee shows next to nothing of its own, and the callee shows how it spent the wait.
        /// </summary>
        public static WallSplit OfSelf(long selfWallNs, TreeNode node)
        {
            var running = Math.Clamp(node.SelfCpuNs, 0, Math.Max(0, selfWallNs));
            var suspended = Math.Clamp(node.SuspendedNs, 0, Math.Max(0, selfWallNs) - running);
            return new WallSplit(running, Math.Max(0, selfWallNs) - running - suspended, suspended);
        }

        /// <summary>A node's inclusive split, as the profile has it.</summary>
        public static WallSplit Of(CallFigures f) => new(f.RunningNs, f.BlockedNs, f.SuspendedNs);

        public static WallSplit operator +(WallSplit a, WallSplit b) => new(
            SaturatingMath.Add(a.RunningNs, b.RunningNs), SaturatingMath.Add(a.BlockedNs, b.BlockedNs), SaturatingMath.Add(a.SuspendedNs, b.SuspendedNs));
    }
}
