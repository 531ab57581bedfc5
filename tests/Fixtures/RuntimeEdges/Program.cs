using System;
using System.Threading.Tasks;

namespace RuntimeEdges
{
    public static class Program
    {
        // Main is excluded from weaving by the tests: "manual" must call Profiler.Start before any woven code runs.
        public static async Task<int> Main(string[] args)
        {
            switch (args[0])
            {
                case "crash":
                    await Work.StepAsync();
                    Work.Throw(); // unhandled: the process dies without ProcessExit
                    return 0;
                case "scoped":
                    // two concurrent requests; only the first is profiled, in a scope of its own
                    var profiled = Task.Run(async () =>
                    {
                        using var scope = AsyncProf.Profiler.StartScope();
                        await Work.HandleAsync(3);
                        scope.Stop();
                        scope.Save(args[1]);
                    });
                    var other = Task.Run(() => Work.HandleAsync(5));
                    await Task.WhenAll(profiled, other);
                    return 0;
                case "manual":
                    AsyncProf.Profiler.Start();
                    await Work.StepAsync();
                    AsyncProf.Profiler.Stop();
                    AsyncProf.Profiler.Save(args[1]);
                    return 0;
                default:
                    return 2;
            }
        }
    }

    public static class Work
    {
        public static async Task StepAsync()
        {
            await Task.Yield();
            Sync();
        }

        static void Sync() => GC.KeepAlive(new object());

        /// <summary>A request: steps across thread hops, and work queued to the pool.</summary>
        public static async Task HandleAsync(int steps)
        {
            for (var i = 0; i < steps; i++) await StepAsync();
            await Task.Run(Queued);
        }

        static void Queued() => Sync();

        public static void Throw() => throw new InvalidOperationException("the fixture crashes on purpose");
    }
}
