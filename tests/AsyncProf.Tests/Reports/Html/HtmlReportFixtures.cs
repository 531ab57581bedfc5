using System.Collections.Generic;
using System.IO;
using AsyncProf.Reports;
using AsyncProf.Tests.Infrastructure;

namespace AsyncProf.Tests.Reports.Html
{
    /// <summary>Profiles the HTML report tests render.</summary>
    static class HtmlReportFixtures
    {
        /// <summary>
        /// Data/shop.asyncprof.json: a small web shop. Main runs the accept loop and, with Task.Run, a background
        /// flusher (a cross-thread child that ran concurrently, so Main's children add up to more wall time than
        /// Main); GetCart awaits ComputeDiscounts (started with Task.Run) and a cache lookup together; ApplyRule
        /// recurses; Log has three callers; Flush has a call in flight; GetProduct has faults; Rows&lt;T&gt;.ReadAll is
        /// an async iterator and a timer callback is a second root. functions and edges follow from the tree by the
        /// rules of docs/profile-schema.md.
        /// </summary>
        public static string ShopPath => Path.Combine(RepoPaths.Root, "tests", "AsyncProf.Tests", "Reports", "Html", "Data", "shop.asyncprof.json");

        public static Profile Shop() => ProfileReader.Load(ShopPath);

        /// <summary>A function name that would break out of a script element if it were pasted into the page as is.</summary>
        public const string HostileName = "Evil</script><script>window.__pwned = 1</script><!--<b>.Run";

        /// <summary>Two functions, one of them named <see cref="HostileName"/>, and a process name with markup.</summary>
        public static Profile Hostile()
        {
            var functions = new List<FunctionStats>
            {
                new() { Id = 1, Name = "App.Main", Kind = "async", Calls = 1, WallNs = 1_000_000, CpuNs = 600_000, SelfCpuNs = 100_000, AllocBytes = 2048, SelfAllocBytes = 1024 },
                new() { Id = 2, Name = HostileName, Kind = "sync", Calls = 2, WallNs = 500_000, CpuNs = 500_000, SelfCpuNs = 500_000, AllocBytes = 1024, SelfAllocBytes = 1024 },
            };
            var edges = new List<EdgeStats>
            {
                new() { Caller = null, Callee = 1, Calls = 1, WallNs = 1_000_000, CpuNs = 600_000, AllocBytes = 2048 },
                new() { Caller = 1, Callee = 2, Calls = 2, WallNs = 500_000, CpuNs = 500_000, AllocBytes = 1024 },
            };
            var tree = new List<CallTreeNode>
            {
                new() { Id = 1, Parent = null, Function = 1, Calls = 1, WallNs = 1_000_000, CpuNs = 600_000, SelfCpuNs = 100_000, AllocBytes = 2048, SelfAllocBytes = 1024 },
                new() { Id = 2, Parent = 1, Function = 2, Calls = 2, WallNs = 500_000, CpuNs = 500_000, SelfCpuNs = 500_000, AllocBytes = 1024, SelfAllocBytes = 1024 },
            };
            var process = new ProcessInfo { Name = "<b>App</b> & co", Pid = 7, CommandLine = "dotnet App.dll https://example.com/</script>" };
            return new Profile(process, functions, edges, tree);
        }
    }
}
