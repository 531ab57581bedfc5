using System;

namespace AsyncProf
{
    /// <summary>
    /// The process's total time in GC pauses so far (all threads stopped, or the collecting thread at work), read once
    /// per CPU window (docs/profile-schema.md#gc-pauses). 0 where the runtime does not report it (the netstandard2.0
    /// build: GC.GetTotalPauseDuration exists from .NET 7).
    /// </summary>
    internal static class GcPauses
    {
        public static long TotalNs()
        {
#if NET7_0_OR_GREATER
            return GC.GetTotalPauseDuration().Ticks * 100; // TimeSpan ticks are 100 ns
#else
            return 0;
#endif
        }
    }
}
