using System;
using System.Threading.Tasks;
using AsyncZoo.Infra;

namespace AsyncZoo
{
    /// <summary>
    /// Runs every scenario once, in a fixed order, on a single-threaded pump (deterministic suspensions), and exits 0
    /// when every scenario computed what it should (woven code must not change behaviour), 1 otherwise.
    /// </summary>
    public static class Program
    {
        // Sync Main: one call; the pump blocks, it does not await.
        [Expect("AsyncZoo.Program.Main", Calls = 1)]
        public static int Main()
        {
            AsyncPump.Run(RunAll);
            var failures = Check.Failures;
            foreach (var f in failures) Console.Error.WriteLine("zoo check failed: " + f);
            Console.WriteLine(failures.Count == 0 ? "zoo: all scenarios ran" : $"zoo: {failures.Count} check(s) failed");
            return failures.Count == 0 ? 0 : 1;
        }

        // Every async section suspends at least once, so each of the 9 awaits here suspends.
        [Expect("AsyncZoo.Program.RunAll", Calls = 1, Suspends = 9)]
        public static async Task RunAll()
        {
            SyncScenarios.Run();
            await AsyncScenarios.Run();
            await Builders.Run();
            Iterators.Run();
            await AsyncIterators.Run();
            await Lambdas.Run();
            await Generics.Run();
            Check.Equal(11, await Outer.Run(), "Outer.Run");
            await Threads.Run();
            await SuspensionCost.Run();
            await MixedAndCancellation.Run();
        }
    }
}
