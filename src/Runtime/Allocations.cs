using System;

namespace AsyncProf
{
    /// <summary>Bytes allocated by the current thread (3.5 ns on .NET 8+; 0 where the runtime cannot say).</summary>
    internal static class Allocations
    {
#if NET8_0_OR_GREATER
        public static long CurrentThread() => GC.GetAllocatedBytesForCurrentThread();
        public const bool Supported = true;
#else
        // netstandard2.0 build: bind to the .NET Core 3+ API when the running runtime has it.
        static readonly Func<long>? Reader = CreateReader();
        public static long CurrentThread() => Reader != null ? Reader() : 0;
        public static bool Supported => Reader != null;

        static Func<long>? CreateReader()
        {
            var m = typeof(GC).GetMethod("GetAllocatedBytesForCurrentThread", Type.EmptyTypes);
            return m == null ? null : (Func<long>)Delegate.CreateDelegate(typeof(Func<long>), m);
        }
#endif
    }
}
