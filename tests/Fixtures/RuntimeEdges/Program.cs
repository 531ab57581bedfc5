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

        public static void Throw() => throw new InvalidOperationException("the fixture crashes on purpose");
    }
}
