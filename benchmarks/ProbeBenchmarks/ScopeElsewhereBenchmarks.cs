using System.Runtime.CompilerServices;
using System.Threading;
using BenchmarkDotNet.Attributes;

namespace AsyncProf.Benchmarks
{
    /// <summary>
    /// What a request that is not being profiled pays while another one is (a scope records on another flow):
    /// woven code finds Probe.Active set, then finds no session for its own flow.
    /// </summary>
    [MemoryDiagnoser]
    public class ScopeElsewhereBenchmarks
    {
        static readonly int Base = Probe.RegisterModule("sync\tB.Leaf\t\t0");

        [Params(false, true)]
        public bool ScopeElsewhere;

        ProfilingScope? scope;
        Thread? holder;

        [GlobalSetup]
        public void Setup()
        {
            if (!ScopeElsewhere) return;
            // the scope lives on another thread's flow: this benchmark's flow never sees it
            using var ready = new ManualResetEventSlim();
            holder = new Thread(() => { scope = Profiler.StartScope(); ready.Set(); });
            holder.Start();
            ready.Wait();
            holder.Join();
        }

        [GlobalCleanup]
        public void Cleanup() => scope?.Stop();

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int Work(int x) => x * 31 + 7;

        [Benchmark]
        public int WovenSyncCall()
        {
            var token = Probe.Active ? Probe.Enter(Base) : 0;
            int result;
            try { result = Work(42); }
            catch { Probe.ExitFault(token); throw; }
            Probe.Exit(token);
            return result;
        }
    }
}
