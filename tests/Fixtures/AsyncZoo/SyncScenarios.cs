using System;
using AsyncZoo.Infra;

namespace AsyncZoo
{
    /// <summary>Ordinary (synchronous) methods: one call per entry, exits by return or by exception.</summary>
    public static class SyncScenarios
    {
        // A section runner: one call, never suspends (it is not async).
        [Expect("AsyncZoo.SyncScenarios.Run", Calls = 1)]
        public static void Run()
        {
            for (int i = 0; i < 3; i++) Check.Equal(2 * i + 1, Add(i, i + 1), "Add");
            Check.Equal(55, Fib(10), "Fib(10)");
            Check.Equal(1, CatchInside(), "CatchInside #1");
            Check.Equal(1, CatchInside(), "CatchInside #2");
            foreach (var x in new[] { -4, 0, 7, 12, 100 }) Classify(x);
            var slots = new int[3];
            Slot(slots, 1) = 5;
            Slot(slots, 2) = 6;
            Check.Equal(11, slots[1] + slots[2], "ref returns");
            Check.Equal(2, Filtered(true) + Filtered(false), "exception filter");
        }

        // Plain method called 3 times.
        [Expect("AsyncZoo.SyncScenarios.Add", Calls = 3)]
        public static int Add(int a, int b) => a + b;

        // Recursion: every recursive entry is its own call; Fib(10) enters 177 times.
        [Expect("AsyncZoo.SyncScenarios.Fib", Calls = 177)]
        public static int Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);

        // A method that throws ends its call as a fault (2 calls through PassThrough, 2 from Filtered).
        [Expect("AsyncZoo.SyncScenarios.Throw", Calls = 4, Faults = 4)]
        public static void Throw(string why) => throw new InvalidOperationException(why);

        // An exception merely passing through a method faults that method too.
        [Expect("AsyncZoo.SyncScenarios.PassThrough", Calls = 2, Faults = 2)]
        public static void PassThrough() => Throw("passing through");

        // An exception caught inside: the method itself returns normally.
        [Expect("AsyncZoo.SyncScenarios.CatchInside", Calls = 2)]
        public static int CatchInside()
        {
            try { PassThrough(); return 0; }
            catch (InvalidOperationException) { return 1; }
        }

        // Several returns from inside a switch and a try/finally: each is one exit.
        [Expect("AsyncZoo.SyncScenarios.Classify", Calls = 5)]
        public static string Classify(int x)
        {
            if (x < 0) return "negative";
            try
            {
                switch (x % 4)
                {
                    case 0: return x > 50 ? "big" : "zero-ish";
                    case 3: return "three";
                    default: break;
                }
            }
            finally
            {
                x++;
            }
            return "other";
        }

        // A ref return: the exit probe must not disturb the managed pointer on the stack.
        [Expect("AsyncZoo.SyncScenarios.Slot", Calls = 2)]
        public static ref int Slot(int[] array, int index) => ref array[index];

        // A caught exception with a filter (the filter runs before the inner finally): 2 calls, no fault.
        [Expect("AsyncZoo.SyncScenarios.Filtered", Calls = 2)]
        public static int Filtered(bool match)
        {
            try { Throw("filtered"); return 0; }
            catch (InvalidOperationException e) when (match || e.Message.Length > 0) { return 1; }
        }
    }
}
