using System.Collections.Generic;

namespace PerfHarness
{
    /// <param name="Build">which build of the app runs: plain, woven (AsyncProf) or naive (NaiveTimingWeaver)</param>
    /// <param name="Recording">ASYNCPROF_OUTPUT is set to a fresh profile file</param>
    /// <param name="Traced">runs under dotnet-trace collect --profile dotnet-sampled-thread-time</param>
    public sealed record Configuration(string Key, string Title, string Build, bool Recording, bool Traced);

    public static class Configurations
    {
        public static readonly Configuration Plain = new("plain", "plain", "plain", false, false);

        public static IReadOnlyList<Configuration> All(bool trace)
        {
            var all = new List<Configuration>
            {
                Plain,
                new("idle", "woven, no session", "woven", false, false),
                new("recording", "woven, recording", "woven", true, false),
                new("naive", "naive timing weave", "naive", false, false),
            };
            if (trace) all.Add(new("trace", "plain under dotnet-trace", "plain", false, true));
            return all;
        }
    }
}
