using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace System.Runtime.CompilerServices
{
    /// <summary>Read by the compiler by name: false compiles the method as a state machine in a runtime-async build.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    sealed class RuntimeAsyncMethodGenerationAttribute : Attribute
    {
        public RuntimeAsyncMethodGenerationAttribute(bool runtimeAsync) { }
    }
}

namespace RuntimeAsyncCost
{
    /// <summary>The measured methods (run.sh weaves only Measured.*): the same bodies, runtime-async and state machine.</summary>
    public static class Measured
    {
        static readonly Task<int> Done = Task.FromResult(1);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static async Task<int> CompletedRuntimeAsync(int i) => await Done + i;

        [RuntimeAsyncMethodGeneration(false)]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static async Task<int> CompletedStateMachine(int i) => await Done + i;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static async Task<int> YieldRuntimeAsync(int i) { await Task.Yield(); return i; }

        [RuntimeAsyncMethodGeneration(false)]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static async Task<int> YieldStateMachine(int i) { await Task.Yield(); return i; }
    }

    /// <summary>Prints one tab-separated line per workload: name, best ns per call over the rounds.</summary>
    public static class Program
    {
        public static void Main(string[] args)
        {
            var rounds = args.Length > 0 ? int.Parse(args[0]) : 5;
            Report("completed await, runtime-async", rounds, 2_000_000, n => Loop(Measured.CompletedRuntimeAsync, n));
            Report("completed await, state machine", rounds, 2_000_000, n => Loop(Measured.CompletedStateMachine, n));
            // awaited by a direct call from runtime-async code: the pair the JIT fuses into an async call (no Task)
            Report("completed await, runtime-async, direct", rounds, 2_000_000, DirectLoop);
            Report("Task.Yield, runtime-async", rounds, 100_000, n => Loop(Measured.YieldRuntimeAsync, n));
            Report("Task.Yield, state machine", rounds, 100_000, n => Loop(Measured.YieldStateMachine, n));
        }

        // The driver is itself runtime-async (the callers of the measured methods are, in a runtime-async build).
        static async Task<long> Loop(Func<int, Task<int>> method, int n)
        {
            long sum = 0;
            for (var i = 0; i < n; i++) sum += await method(i);
            return sum;
        }

        static async Task<long> DirectLoop(int n)
        {
            long sum = 0;
            for (var i = 0; i < n; i++) sum += await Measured.CompletedRuntimeAsync(i);
            return sum;
        }

        static void Report(string name, int rounds, int calls, Func<int, Task<long>> run)
        {
            run(calls / 10).GetAwaiter().GetResult(); // warm up and tier up
            var best = double.MaxValue;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            for (var r = 0; r < rounds; r++)
            {
                var watch = Stopwatch.StartNew();
                run(calls).GetAwaiter().GetResult();
                best = Math.Min(best, watch.Elapsed.TotalMilliseconds * 1e6 / calls);
            }
            var bytesPerCall = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)rounds / calls;
            Console.WriteLine(name + "\t" + best.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "\t" +
                              bytesPerCall.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
