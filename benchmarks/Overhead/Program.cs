using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace Overhead
{
    /// <summary>
    /// Workloads dominated by calls, so the probes' cost shows: each prints ns per operation (median of repeated
    /// rounds after warm-up). run.sh runs this unwoven, woven without a session, and woven while recording.
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            var rounds = args.Length > 0 ? int.Parse(args[0]) : 7;
            Report("sync call (Fib)", rounds, 1_000_000, n => { var calls = 0L; Workloads.Fib(27, ref calls); return calls; });
            await ReportAsync("async call, completes at once", rounds, 1_000_000, async n => { for (var i = 0; i < n; i++) await Workloads.AddAsync(i); return n; });
            await ReportAsync("async call with one suspension", rounds, 100_000, async n => { for (var i = 0; i < n; i++) await Workloads.YieldOnceAsync(i); return n; });
            Report("iterator item", rounds, 1_000_000, n => Workloads.Numbers(n).Sum(x => (long)(x & 1)) * 0 + n);
            return 0;
        }

        static void Report(string name, int rounds, int n, Func<int, long> run)
        {
            run(n / 10); // warm-up: tiering
            var times = Enumerable.Range(0, rounds).Select(_ =>
            {
                var sw = Stopwatch.StartNew();
                var ops = run(n);
                return sw.Elapsed.TotalMilliseconds * 1e6 / ops;
            }).OrderBy(t => t).ToArray();
            Console.WriteLine($"{name}\t{times[times.Length / 2]:F2}");
        }

        static async Task ReportAsync(string name, int rounds, int n, Func<int, Task<long>> run)
        {
            await run(n / 10);
            var times = new double[rounds];
            for (var r = 0; r < rounds; r++)
            {
                var sw = Stopwatch.StartNew();
                var ops = await run(n);
                times[r] = sw.Elapsed.TotalMilliseconds * 1e6 / ops;
            }
            Array.Sort(times);
            Console.WriteLine($"{name}\t{times[rounds / 2]:F2}");
        }
    }

    public static class Workloads
    {
        public static long Fib(int n, ref long calls)
        {
            calls++;
            return n < 2 ? n : Fib(n - 1, ref calls) + Fib(n - 2, ref calls);
        }

        public static async Task<int> AddAsync(int i) => await Task.FromResult(i + 1);

        public static async Task<int> YieldOnceAsync(int i)
        {
            await Task.Yield();
            return i;
        }

        public static System.Collections.Generic.IEnumerable<int> Numbers(int n)
        {
            for (var i = 0; i < n; i++) yield return i;
        }
    }
}
