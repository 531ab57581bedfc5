using System;
using System.Collections.Generic;

namespace AsyncProf.Reports
{
    /// <summary>
    /// The optional <c>timeline</c> section (docs/profile-schema.md): one segment per stretch of a call's own code
    /// running on one thread, in start order. Present when the session recorded it (<c>ASYNCPROF_TIMELINE=1</c>).
    /// </summary>
    public sealed class Timeline
    {
        public Timeline(long droppedSegments, IReadOnlyList<TimelineThread> threads, IReadOnlyList<TimelineSegment> segments)
        {
            DroppedSegments = droppedSegments;
            Threads = threads ?? throw new ArgumentNullException(nameof(threads));
            Segments = segments ?? throw new ArgumentNullException(nameof(segments));
        }

        /// <summary>Older segments the ring buffer dropped (the figures in <c>tree</c> still count them).</summary>
        public long DroppedSegments { get; }
        public IReadOnlyList<TimelineThread> Threads { get; }
        /// <summary>Segments in start order.</summary>
        public IReadOnlyList<TimelineSegment> Segments { get; }
    }

    /// <summary>A thread that ran profiled code: managed thread id and name (null when it had none).</summary>
    public sealed class TimelineThread
    {
        public long Id { get; init; }
        public string? Name { get; init; }
    }

    /// <summary>One stretch of a call's own code on one thread (a whole sync call, or one MoveNext of an async call or iterator).</summary>
    public sealed class TimelineSegment
    {
        /// <summary>The call (unique in the file; all segments of one async call share it).</summary>
        public long Call { get; init; }
        /// <summary>The logical caller's call, or null for a root.</summary>
        public long? ParentCall { get; init; }
        public long Function { get; init; }
        public long Node { get; init; }
        /// <summary>Managed thread id, see <see cref="Timeline.Threads"/>.</summary>
        public long Thread { get; init; }
        /// <summary>Nanoseconds since the session started.</summary>
        public long StartNs { get; init; }
        public long EndNs { get; init; }
        /// <summary>Thread CPU time of the segment, children running inside it on the same thread included.</summary>
        public long CpuNs { get; init; }
        /// <summary><c>exit</c>, <c>fault</c>, <c>suspend</c>, <c>complete</c> or <c>open</c> (kept as written).</summary>
        public string End { get; init; } = "";

        public long DurationNs => EndNs - StartNs;
    }

    /// <summary>The values of <see cref="TimelineSegment.End"/>.</summary>
    public static class SegmentEnds
    {
        public const string Exit = "exit", Fault = "fault", Suspend = "suspend", Complete = "complete", Open = "open";
    }
}
