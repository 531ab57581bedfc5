using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace AsyncProf.Benchmarks
{
    /// <summary>
    /// The cost of a task-returning method's exit probes (issue 7), called as woven code calls them: a facade whose
    /// task is already complete (the common case: no allocation while recording), one returning a ValueTask, and
    /// one whose task is still running at return (the call stays open: one continuation).
    /// </summary>
    [MemoryDiagnoser]
    public class TaskReturningBenchmarks
    {
        static readonly int Base = Probe.RegisterModule("task\tB.Facade\t\t0\ntask\tB.ValueFacade\t\t0");

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
        static Task<int> Completed() => Task.FromResult(42);

        [MethodImpl(MethodImplOptions.NoInlining)]
        static ValueTask<int> CompletedValueTask() => new ValueTask<int>(42);

        [Benchmark(Baseline = true)]
        public Task<int> Facade() => Completed();

        /// <summary>A woven facade whose task is complete at return: Enter, ExitTask (two events).</summary>
        [Benchmark]
        public Task<int> WovenFacadeCompleted()
        {
            var token = Probe.Active ? Probe.Enter(Base) : 0;
            Task<int> result;
            try { result = Completed(); }
            catch { Probe.ExitFault(token); throw; }
            Probe.ExitTask(result, token);
            return result;
        }

        /// <summary>The same returning a complete ValueTask&lt;int&gt;: ExitAwaitable asks its IsCompleted.</summary>
        [Benchmark]
        public ValueTask<int> WovenValueTaskFacadeCompleted()
        {
            var token = Probe.Active ? Probe.Enter(Base + 1) : 0;
            ValueTask<int> result;
            try { result = CompletedValueTask(); }
            catch { Probe.ExitFault(token); throw; }
            Probe.ExitAwaitable(result, token);
            return result;
        }

        /// <summary>
        /// A woven facade whose task is still running at return, then completed: Enter, ExitTask (suspends the
        /// call and registers its continuation), the completion (runs the continuation, ends the call).
        /// </summary>
        [Benchmark]
        public Task<int> WovenFacadePending()
        {
            var source = new TaskCompletionSource<int>();
            var token = Probe.Active ? Probe.Enter(Base) : 0;
            var result = source.Task;
            Probe.ExitTask(result, token);
            source.SetResult(1);
            return result;
        }

        /// <summary>The unwoven twin of <see cref="WovenFacadePending"/>: the task source alone.</summary>
        [Benchmark]
        public Task<int> PendingTaskAlone()
        {
            var source = new TaskCompletionSource<int>();
            source.SetResult(1);
            return source.Task;
        }
    }
}
