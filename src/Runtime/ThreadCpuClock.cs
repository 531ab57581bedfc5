using System;
using System.Runtime.InteropServices;

namespace AsyncProf
{
    /// <summary>
    /// CPU time consumed by the current thread, in nanoseconds. A system call (~620 ns here): the recorder reads it
    /// once per window, never per event (see docs/profile-schema.md, "Accuracy of CPU time").
    /// </summary>
    internal static class ThreadCpuClock
    {
        enum Source { None, Posix, Windows }

        static readonly Source Kind = Detect(out PosixClockId);
        static readonly int PosixClockId;

        public static bool Available => Kind != Source.None;

        public static long NowNs()
        {
            switch (Kind)
            {
                case Source.Posix:
                    Timespec ts;
                    return clock_gettime(PosixClockId, out ts) == 0 ? (long)ts.Seconds * 1_000_000_000L + (long)ts.Nanoseconds : 0;
                case Source.Windows:
                    return GetThreadTimes(GetCurrentThread(), out _, out _, out var kernel, out var user) ? (kernel + user) * 100 : 0;
                default:
                    return 0;
            }
        }

        static Source Detect(out int clockId)
        {
            clockId = 0;
            try
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                    return GetThreadTimes(GetCurrentThread(), out _, out _, out _, out _) ? Source.Windows : Source.None;
                // CLOCK_THREAD_CPUTIME_ID: 3 on Linux, 16 on macOS.
                clockId = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 16 : 3;
                return clock_gettime(clockId, out _) == 0 ? Source.Posix : Source.None;
            }
            catch (Exception)
            {
                return Source.None; // no libc / entry point: CPU time is then approximated by running wall time
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        struct Timespec
        {
            public IntPtr Seconds;
            public IntPtr Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        static extern int clock_gettime(int clockId, out Timespec ts);

        [DllImport("kernel32.dll")]
        static extern IntPtr GetCurrentThread();

        [DllImport("kernel32.dll")]
        static extern bool GetThreadTimes(IntPtr thread, out long creation, out long exit, out long kernel, out long user);
    }
}
