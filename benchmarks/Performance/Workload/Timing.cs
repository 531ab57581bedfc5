using System;
using System.Diagnostics;

namespace PerfWorkload
{
    /// <summary>Times one workload: a warm-up (tiering), then reps timed one by one; the median (and the mean) is reported.</summary>
    public static class Timing
    {
        /// <param name="opsPerRep">how many operations one rep does (a rep of Json is one op; of Suspensions, n)</param>
        public static string Measure(int reps, Func<long> warmup, Func<long> rep, int opsPerRep)
        {
            warmup();
            warmup();
            var times = new double[reps];
            long checksum = 0;
            for (var r = 0; r < reps; r++)
            {
                var start = Stopwatch.GetTimestamp();
                checksum += rep();
                times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1e6 / opsPerRep;
            }
            var mean = System.Linq.Enumerable.Average(times); // what a profile's wallNs / calls is compared with
            Array.Sort(times);
                        return $"ns_per_op={times[reps / 2]:F1} mean_ns_per_op={mean:F1} reps={reps} ops_per_rep={opsPerRep} checksum={checksum / reps}";
        }
    }
}
