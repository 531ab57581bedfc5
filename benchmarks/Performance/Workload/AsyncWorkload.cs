using System.Threading.Tasks;

namespace PerfWorkload
{
    /// <summary>Suspension-dense async: every await suspends (Task.Yield), so the probes' suspend/resume path shows.</summary>
    public static class AsyncWorkload
    {
        public static long WarmupSuspensions() => SuspensionsAsync(1_000).GetAwaiter().GetResult();

        public static long WarmupConcurrent() => ConcurrentCallers(100);

        /// <summary>n suspensions in a row, each in its own async call.</summary>
        public static long Suspensions(int n) => SuspensionsAsync(n).GetAwaiter().GetResult();

        static async Task<long> SuspensionsAsync(int n)
        {
            long sum = 0;
            for (var i = 0; i < n; i++) sum += await YieldOnceAsync(i);
            return sum;
        }

        static async Task<int> YieldOnceAsync(int i)
        {
            await Task.Yield();
            return i & 7;
        }

        /// <summary>n callers started at once, each awaiting three suspending steps.</summary>
        public static long Concurrent(int n) => ConcurrentCallers(n);

        static long ConcurrentCallers(int n)
        {
            var callers = new Task<int>[n];
            for (var i = 0; i < n; i++) callers[i] = CallerAsync(i);
            long sum = 0;
            foreach (var r in Task.WhenAll(callers).GetAwaiter().GetResult()) sum += r;
            return sum;
        }

        static async Task<int> CallerAsync(int i)
        {
            var total = 0;
            for (var step = 0; step < 3; step++) total += await StepAsync(i, step);
            return total;
        }

        static async Task<int> StepAsync(int i, int step)
        {
            await Task.Yield();
            return (i ^ step) & 15;
        }
    }
}
