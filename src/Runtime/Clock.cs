using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;

namespace AsyncProf
{
    /// <summary>
    /// The recorder's wall clock: every timestamp the runtime keeps is in these ticks. Two readings per call are the
    /// largest part of recording a call, so where it is safe the clock reads the CPU's time-stamp counter directly
    /// (~3x cheaper than <see cref="Stopwatch.GetTimestamp"/>, which goes through clock_gettime): on x64 Linux when
    /// the kernel itself keeps time with the TSC (so it found it invariant and synchronized across CPUs). Anywhere
    /// else, or if anything in setting it up fails, it is the Stopwatch.
    /// </summary>
    internal static unsafe class Clock
    {
        /// <summary>Ticks per second.</summary>
        public static readonly long Frequency;
        public static readonly double TicksToNs;
        /// <summary>"tsc" or "stopwatch": stated in the profile.</summary>
        public static readonly string Source;

#if NET5_0_OR_GREATER
        static readonly delegate* unmanaged[SuppressGCTransition]<long> Tsc;

        /// <summary>Now, in <see cref="Frequency"/> ticks.</summary>
        /// <remarks>
        /// Never inlined: the recorder reads the clock inside try blocks, where the x64 JIT does not inline an
        /// unmanaged call, and the read then went through a helper and a marshalling stub. On its own, the call is
        /// inlined (a plain call of the reader, SuppressGCTransition).
        /// </remarks>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        public static long Now()
        {
            var tsc = Tsc;
            return tsc != null ? tsc() : Stopwatch.GetTimestamp();
        }
#else
        public static long Now() => Stopwatch.GetTimestamp();
#endif

        static Clock()
        {
            Frequency = Stopwatch.Frequency;
            Source = "stopwatch";
#if NET5_0_OR_GREATER
            try
            {
                var reader = TscReader.Create();
                if (reader != null && Calibrate(reader) is long frequency)
                {
                    Tsc = reader;
                    Frequency = frequency;
                    Source = "tsc";
                }
            }
            catch (Exception)
            {
                // no libc, no executable memory (W^X policy), no TSC: the Stopwatch it is
            }
#endif
            TicksToNs = 1e9 / Frequency;
        }

#if NET5_0_OR_GREATER
        /// <summary>TSC ticks per second, measured against the Stopwatch over a few milliseconds; null if it looks wrong.</summary>
        static long? Calibrate(delegate* unmanaged[SuppressGCTransition]<long> tsc)
        {
            Pair(tsc, out var sw0, out var tsc0);
            var until = sw0 + Stopwatch.Frequency / 200; // 5 ms: read jitter (~100 ns) then errs by 2e-5
            long sw1, tsc1;
            do Pair(tsc, out sw1, out tsc1); while (sw1 < until);
            if (tsc1 <= tsc0) return null;
            var frequency = (long)((tsc1 - tsc0) * (double)Stopwatch.Frequency / (sw1 - sw0));
            return frequency > 100_000_000 && frequency < 20_000_000_000 ? frequency : (long?)null;
        }

        /// <summary>A Stopwatch reading and a TSC reading taken together (retried if something came between them).</summary>
        static void Pair(delegate* unmanaged[SuppressGCTransition]<long> tsc, out long stopwatch, out long counter)
        {
            for (var attempt = 0; ; attempt++)
            {
                var before = Stopwatch.GetTimestamp();
                counter = tsc();
                stopwatch = Stopwatch.GetTimestamp();
                if (stopwatch - before < Stopwatch.Frequency / 100_000 || attempt == 20) // 10 µs
                {
                    stopwatch = before + (stopwatch - before) / 2;
                    return;
                }
            }
        }

        /// <summary>Ten bytes of x64 code, <c>rdtsc; shl rdx, 32; or rax, rdx; ret</c>, in a page of their own.</summary>
        static class TscReader
        {
            public static delegate* unmanaged[SuppressGCTransition]<long> Create()
            {
                if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                    return null;
                if (EnvironmentSettings.StopwatchClock || !KernelUsesTsc())
                    return null;
                byte[] code = { 0x0F, 0x31, 0x48, 0xC1, 0xE2, 0x20, 0x48, 0x09, 0xD0, 0xC3 };
                const int ReadWrite = 3, ReadExecute = 5, PrivateAnonymous = 0x22;
                var page = mmap(IntPtr.Zero, 4096, ReadWrite, PrivateAnonymous, -1, IntPtr.Zero);
                if (page == IntPtr.Zero || page == new IntPtr(-1))
                    return null;
                Marshal.Copy(code, 0, page, code.Length);
                if (mprotect(page, 4096, ReadExecute) != 0)
                {
                    munmap(page, 4096);
                    return null;
                }
                return (delegate* unmanaged[SuppressGCTransition]<long>)page;
            }

            static bool KernelUsesTsc()
            {
                const string path = "/sys/devices/system/clocksource/clocksource0/current_clocksource";
                return File.Exists(path) && File.ReadAllText(path).Trim() == "tsc";
            }

            [DllImport("libc", SetLastError = false)]
            static extern IntPtr mmap(IntPtr address, UIntPtr length, int protection, int flags, int fd, IntPtr offset);

            static IntPtr mmap(IntPtr address, int length, int protection, int flags, int fd, IntPtr offset) =>
                mmap(address, (UIntPtr)length, protection, flags, fd, offset);

            [DllImport("libc", SetLastError = false)]
            static extern int mprotect(IntPtr address, UIntPtr length, int protection);

            static int mprotect(IntPtr address, int length, int protection) => mprotect(address, (UIntPtr)length, protection);

            [DllImport("libc", SetLastError = false)]
            static extern int munmap(IntPtr address, UIntPtr length);

            static int munmap(IntPtr address, int length) => munmap(address, (UIntPtr)length);
        }
#endif
    }
}
