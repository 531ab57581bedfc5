using System;
using AsyncProf.Weaver.Discovery;

namespace AsyncProf.Weaver
{
    public sealed class WeaveResult
    {
        public int SyncMethods { get; set; }
        /// <summary>Ordinary methods returning an awaitable (kind "task").</summary>
        public int TaskMethods { get; set; }
        public int AsyncMethods { get; set; }
        public int Iterators { get; set; }
        public int AsyncIterators { get; set; }
        /// <summary>Runtime-async methods (MethodImpl 0x2000, .NET 11), which have no state machine.</summary>
        public int RuntimeAsyncMethods { get; set; }
        /// <summary>Blocking call sites marked in profiled copies (Task.Wait, .Result, Monitor.Enter, Thread.Sleep...).</summary>
        public int BlockingSites { get; set; }
        /// <summary>Call sites in profiled copies pointed straight at the callee's copy (see ProfiledCallSites).</summary>
        public int DirectCalls { get; set; }
        /// <summary>Methods the weaver refused (shapes it cannot wrap); each one was warned about.</summary>
        public int Skipped { get; set; }

        /// <summary>Left out by default (<see cref="WeaverSettings.WeaveAll"/> weaves them): a few bytes, no call, no loop.</summary>
        public int LeftOutTrivial { get; set; }
        /// <summary>Left out by default: [MethodImpl(MethodImplOptions.AggressiveInlining)].</summary>
        public int LeftOutAggressiveInlining { get; set; }
        /// <summary>Always left out: compiler plumbing with no source method (auto-property accessors, closure constructors...).</summary>
        public int LeftOutCompilerGenerated { get; set; }

        public TimeSpan Elapsed { get; set; }
        public int Total => SyncMethods + TaskMethods + AsyncMethods + Iterators + AsyncIterators + RuntimeAsyncMethods;
        public int LeftOut => LeftOutTrivial + LeftOutAggressiveInlining + LeftOutCompilerGenerated;

        /// <summary>One more woven method of <paramref name="kind"/> (runtime-async methods are counted apart).</summary>
        internal void Count(MethodKind kind)
        {
            switch (kind)
            {
                case MethodKind.Sync: SyncMethods++; break;
                case MethodKind.Task: TaskMethods++; break;
                case MethodKind.Async: AsyncMethods++; break;
                case MethodKind.Iterator: Iterators++; break;
                case MethodKind.AsyncIterator: AsyncIterators++; break;
                default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
            }
        }

        internal void CountLeftOut(LeftOutReason reason)
        {
            switch (reason)
            {
                case LeftOutReason.Trivial: LeftOutTrivial++; break;
                case LeftOutReason.AggressiveInlining: LeftOutAggressiveInlining++; break;
                case LeftOutReason.CompilerGenerated: LeftOutCompilerGenerated++; break;
            }
        }

        public override string ToString() =>
            $"wove {Total} methods ({SyncMethods} sync, {TaskMethods} task-returning, {AsyncMethods} async, {Iterators} iterators, {AsyncIterators} async iterators{(RuntimeAsyncMethods != 0 ? $", {RuntimeAsyncMethods} runtime-async" : "")}" +
            $"{(BlockingSites != 0 ? $"; {BlockingSites} blocking call site{(BlockingSites == 1 ? "" : "s")} timed" : "")}), " +
            $"left out {LeftOut} ({LeftOutTrivial} trivial, {LeftOutAggressiveInlining} aggressive-inlining, {LeftOutCompilerGenerated} compiler-generated), " +
            $"skipped {Skipped}, in {Elapsed.TotalMilliseconds:F0} ms";
    }
}
