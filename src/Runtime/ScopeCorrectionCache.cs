using System;
using System.Diagnostics;

namespace AsyncProf
{
    /// <summary>
    /// The probe-cost calibration of scoped profiles, measured once a minute rather than at every save: a server that
    /// profiles requests one by one (AsyncProf.AspNetCore) writes many small scope profiles, and the calibration
    /// (<see cref="ProbeCorrection"/>, thousands of probed calls) costs milliseconds, many times what such a profile
    /// takes to write. Whole-process sessions still measure at every save, as before.
    /// </summary>
    internal static class ScopeCorrectionCache
    {
        static readonly long MaxAgeTicks = Stopwatch.Frequency * 60;
        static readonly object Gate = new object();
        static ProbeCorrection? last;
        static long lastTaken, lastWindowNs;
        static bool lastTimeline;

        /// <summary>A copy of a recent measurement for sessions like <paramref name="session"/>, or a new one.</summary>
        public static ProbeCorrection? For(Session session)
        {
            if (!session.IsScope || ProbeCorrection.SwitchedOff) return ProbeCorrection.Measure(session);
            var now = Stopwatch.GetTimestamp();
            lock (Gate)
            {
                if (last != null && now - lastTaken < MaxAgeTicks && lastWindowNs == session.CpuWindowNs && lastTimeline == (session.Timeline != null))
                    return last.CopyCalibration();
            }
            var measured = ProbeCorrection.Measure(session);
            if (measured == null) return null;
            lock (Gate)
            {
                last = measured.CopyCalibration();
                lastTaken = now;
                lastWindowNs = session.CpuWindowNs;
                lastTimeline = session.Timeline != null;
            }
            return measured;
        }
    }
}
