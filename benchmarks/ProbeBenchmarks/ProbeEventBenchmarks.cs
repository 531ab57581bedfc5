using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace AsyncProf.Benchmarks
{
    /// <summary>
    /// The cost of the probes, called exactly as woven code calls them, with no session (the price every woven
    /// method pays when nobody profiles) and with one recording. Each woven benchmark has an unwoven twin doing the
    /// same work; async calls run through a real AsyncTaskMethodBuilder.Start like compiled code.
    /// </summary>
    [MemoryDiagnoser]
    public class ProbeEventBenchmarks
    {
        static readonly int Base = Probe.RegisterModule("sync\tB.Leaf\t\t0\nasync\tB.Async\t\t0\niterator\tB.Items\t\t0");

        [Params(false, true)]
        public bool Recording;

        [GlobalSetup]
        public void Setup()
        {
            if (Recording) Profiler.Start();
        }

        [GlobalCleanup]
        public void Cleanup() => Profiler.Stop();

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int Work(int x) => x * 31 + 7;

        [Benchmark(Baseline = true)]
        public int SyncCall() => Work(42);

        /// <summary>An ordinary method: Active check, Enter, try/fault, Exit (two events).</summary>
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

        /// <summary>
        /// The same woven call made from inside a profiled caller, as almost every call is (the top-level one above
        /// also pays for finding its logical caller and settling its thread at each exit): per call, 16 per caller.
        /// </summary>
        [Benchmark(OperationsPerInvoke = 16)]
        public int WovenNestedSyncCall()
        {
            var token = Probe.Active ? Probe.Enter(Base) : 0;
            var result = 0;
            try
            {
                for (var i = 0; i < 16; i++) result += WovenSyncCall();
            }
            catch { Probe.ExitFault(token); throw; }
            Probe.Exit(token);
            return result;
        }

        /// <summary>An async method whose body completes at once (the most common async call), unwoven.</summary>
        [Benchmark]
        public int AsyncCall()
        {
            var sm = new Machine { Woven = false };
            var builder = AsyncTaskMethodBuilder.Create();
            builder.Start(ref sm);
            return sm.Result;
        }

        /// <summary>The same, woven: start + one suspension + resume + completion (four events).</summary>
        [Benchmark]
        public int WovenAsyncCallWithOneSuspension()
        {
            var sm = new Machine { Woven = true };
            var builder = AsyncTaskMethodBuilder.Create();
            builder.Start(ref sm);
            return sm.Result;
        }

        /// <summary>One item of a woven iterator: MoveNext resume + yield (two events).</summary>
        [Benchmark]
        public int WovenIteratorItem()
        {
            if (Probe.Active) Probe.IteratorMoveNext(ref items, Base + 2);
            var r = Work(3);
            Probe.Yield(true, ref items);
            return r;
        }

        AsyncCall items;

        struct Machine : IAsyncStateMachine
        {
            public bool Woven;
            public int Result;
            AsyncCall call;

            public void MoveNext()
            {
                if (!Woven) { Result = Work(1) + Work(2); return; }
                // first segment, a suspension, then the resumed segment that completes (as one MoveNext each)
                if (Probe.Active) Probe.AsyncMoveNext(ref call, Base + 1);
                Result = Work(1);
                Probe.Suspend(ref call);
                Probe.MoveNextReturn(); // the suspended MoveNext returns
                if (Probe.Active) Probe.AsyncMoveNext(ref call, Base + 1);
                Result += Work(2);
                Probe.Complete(ref call);
            }

            public void SetStateMachine(IAsyncStateMachine stateMachine) { }
        }
    }
}
