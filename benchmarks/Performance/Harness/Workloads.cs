using System.Collections.Generic;

namespace PerfHarness
{
    /// <param name="Key">the workload's argument to PerfWorkload, or "web" for PerfWeb</param>
    /// <param name="TopFunction">the profiled function called once per timed rep (null: none to compare)</param>
    public sealed record Workload(string Key, string Title, string Unit, string App, string Size, string? TopFunction);

    /// <summary>The workloads of issue 9's table, at the full size or the --quick size.</summary>
    public static class Workloads
    {
        public static IReadOnlyList<Workload> All(bool quick) => new[]
        {
            new Workload("json", $"Newtonsoft.Json 13.0.4 serialize + deserialize {(quick ? "1,000" : "3,000")} orders (woven as shipped)", "op", "PerfWorkload", quick ? "1000" : "3000", "PerfWorkload.JsonWorkload.Json"),
            new Workload("fib", $"sync recursion Fib({(quick ? 27 : 32)})", "op", "PerfWorkload", quick ? "27" : "32", "PerfWorkload.FibWorkload.Run"),
            new Workload("yield", $"async: {(quick ? "5,000" : "30,000")} suspensions through Task.Yield", "suspension", "PerfWorkload", quick ? "5000" : "30000", "PerfWorkload.AsyncWorkload.Suspensions"),
            new Workload("concurrent", $"async: {(quick ? "500" : "2,000")} concurrent callers x 3 awaits", "caller", "PerfWorkload", quick ? "500" : "2000", "PerfWorkload.AsyncWorkload.Concurrent"),
            new Workload("web", $"ASP.NET Core on Kestrel: sequential HttpClient GETs ({(quick ? 300 : 2000)} per rep)", "request", "PerfWeb", quick ? "300" : "2000", null),
        };
    }
}
