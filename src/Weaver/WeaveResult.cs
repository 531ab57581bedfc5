using System;

namespace AsyncProf.Weaving
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
        public int Skipped { get; set; }
        public TimeSpan Elapsed { get; set; }
        public int Total => SyncMethods + TaskMethods + AsyncMethods + Iterators + AsyncIterators + RuntimeAsyncMethods;

        public override string ToString() =>
            $"wove {Total} methods ({SyncMethods} sync, {TaskMethods} task-returning, {AsyncMethods} async, {Iterators} iterators, {AsyncIterators} async iterators{(RuntimeAsyncMethods != 0 ? $", {RuntimeAsyncMethods} runtime-async" : "")}), skipped {Skipped}, in {Elapsed.TotalMilliseconds:F0} ms";
    }
}
