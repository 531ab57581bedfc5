namespace PerfWorkload
{
    /// <summary>Sync recursion: Fib(32) is 7,049,155 calls of a tiny method, the worst case for per-call probes.</summary>
    public static class FibWorkload
    {
        public static long Warmup() => Fib(20);

        public static long Run(int n) => Fib(n);

        public static long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);

    }
}
