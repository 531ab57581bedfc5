using System;
using System.Collections.Generic;

namespace AsyncProf.Reports.Analysis
{
    /// <summary>The parts wall time splits into (docs/profile-schema.md#wall-split); GC pauses only in profiles that have some.</summary>
    public enum WallPart { Running, Blocked, Suspended, Gc, Queued }

    /// <summary>
    /// Wall time split into running (on CPU), blocked (on a thread, off CPU), suspended (awaiting, on no thread) and
    /// GC pauses (on a thread, stopped or collecting for the runtime), and queued (a continuation waiting for a
    /// thread: the file's suspendedNs includes it, the split shows it apart). A node's inclusive split is in the profile; its
    /// self split, which the flat formats weigh stacks by, divides its self wall (<see cref="CallTreeFigures.SelfWall"/>)
    /// by <see cref="OfSelf"/>, so the self splits of all nodes add up to the profile's wall total like the self walls do.
    /// </summary>
    public readonly record struct WallSplit(long RunningNs, long BlockedNs, long SuspendedNs, long GcNs = 0, long QueuedNs = 0)
    {
        /// <summary>The three parts every profile with the split shows.</summary>
        public static readonly WallPart[] Parts = { WallPart.Running, WallPart.Blocked, WallPart.Suspended };
        static readonly WallPart[] PartsWithGc = { WallPart.Running, WallPart.Blocked, WallPart.Suspended, WallPart.Gc };
        static readonly WallPart[] PartsWithQueued = { WallPart.Running, WallPart.Blocked, WallPart.Suspended, WallPart.Queued };
        /// <summary>Every part, in the order reports list them.</summary>
        public static readonly WallPart[] AllParts = { WallPart.Running, WallPart.Blocked, WallPart.Suspended, WallPart.Queued, WallPart.Gc };

        /// <summary>The parts a report of <paramref name="profile"/> shows: GC and queued only when it has some.</summary>
        public static IReadOnlyList<WallPart> PartsOf(Profile profile) =>
            profile.HasGcPauses ? profile.HasQueuedTime ? AllParts : PartsWithGc
            : profile.HasQueuedTime ? PartsWithQueued : Parts;

        public long Part(WallPart part) => part switch
        {
            WallPart.Running => RunningNs,
            WallPart.Blocked => BlockedNs,
            WallPart.Suspended => SuspendedNs,
            WallPart.Gc => GcNs,
            WallPart.Queued => QueuedNs,
            _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
        };

        /// <summary>"running", "blocked", "suspended", "gc", "queued": the name of each part in every format.</summary>
        public static string Key(WallPart part) => part switch
        {
            WallPart.Running => "running",
            WallPart.Blocked => "blocked",
            WallPart.Gc => "gc",
            WallPart.Queued => "queued",
            _ => "suspended",
        };

        /// <summary>
        /// A node's self wall split: running is its self CPU time (at most the self wall), GC its own GC pauses (at
        /// most what is left), suspended what is left up to the node's own suspended time (of it, queued up to its own
        /// queued time), blocked the rest. Its
        /// children's time is theirs, so a caller awaiting a profiled callee shows next to nothing of its own, and the
        /// callee shows how it spent the wait.
        /// </summary>
        public static WallSplit OfSelf(long selfWallNs, CallTreeNode node)
        {
            var wall = Math.Max(0, selfWallNs);
            var running = Math.Clamp(node.SelfCpuNs, 0, wall);
            var gc = Math.Clamp(node.SelfGcNs, 0, wall - running);
            var suspended = Math.Clamp(node.SuspendedNs, 0, wall - running - gc);
            var queued = Math.Clamp(node.QueuedNs, 0, suspended);
            return new WallSplit(running, wall - running - gc - suspended, suspended - queued, gc, queued);
        }

        /// <summary>A node's inclusive split, as the profile has it, with the queued part taken out of suspended.</summary>
        public static WallSplit Of(CallFigures f)
        {
            var queued = Math.Clamp(f.QueuedNs, 0, f.SuspendedNs);
            return new(f.RunningNs, f.BlockedNs, f.SuspendedNs - queued, f.GcNs, queued);
        }

        public static WallSplit operator +(WallSplit a, WallSplit b) => new(
            SaturatingMath.Add(a.RunningNs, b.RunningNs), SaturatingMath.Add(a.BlockedNs, b.BlockedNs),
            SaturatingMath.Add(a.SuspendedNs, b.SuspendedNs), SaturatingMath.Add(a.GcNs, b.GcNs),
            SaturatingMath.Add(a.QueuedNs, b.QueuedNs));
    }
}
