using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using AsyncZoo.Infra;

namespace AsyncZoo
{
    /// <summary>
    /// Lambdas and local functions show as their declaring method plus "lambda#N" (N-th lambda of the method in
    /// source order) or the local function's own name, never as the compiler's mangled names.
    /// </summary>
    public static class Lambdas
    {
        // Section runner: Outer and WithLocals x2 suspend; LocalIterator and Nested do not.
        [Expect("AsyncZoo.Lambdas.Run", Calls = 1, Suspends = 3)]
        public static async Task Run()
        {
            await Outer();                                          // 1
            Check.Equal(25, await WithLocals(2), "WithLocals(2)");  // 1
            Check.Equal(36, await WithLocals(3), "WithLocals(3)");  // 1
            Check.Equal(6, LocalIterator(), "LocalIterator");
            Check.Equal(42, Nested(), "Nested");
            Check.Equal(10, Mixed(), "Mixed");
        }

        // Three lambdas: a non-capturing async one (in the <>c singleton), a capturing sync one and a capturing async
        // one (in the closure class). Suspends: lambda#1 twice, lambda#3 once.
        [Expect("AsyncZoo.Lambdas.Outer", Calls = 1, Suspends = 3)]
        public static async Task Outer()
        {
            Func<Task> first = [Expect("AsyncZoo.Lambdas.Outer.lambda#1", Calls = 2, Suspends = 2)] async () => await Task.Yield();
            int captured = 10;
            Func<int, int> second = [Expect("AsyncZoo.Lambdas.Outer.lambda#2", Calls = 3)] (int x) => x + captured;
            Func<int, Task<int>> third = [Expect("AsyncZoo.Lambdas.Outer.lambda#3", Calls = 1, Suspends = 1)] async (int x) =>
            {
                await Task.Yield();
                return x + captured;
            };
            await first();
            await first();
            Check.Equal(36, second(1) + second(2) + second(3), "sync lambda");
            Check.Equal(15, await third(5), "async lambda");
        }

        // Local functions: a capturing async one and a static sync one. Per call: Step suspends 3 times.
        [Expect("AsyncZoo.Lambdas.WithLocals", Calls = 2, Suspends = 6)]
        public static async Task<int> WithLocals(int seed)
        {
            int total = seed;

            [Expect("AsyncZoo.Lambdas.WithLocals.Step", Calls = 6, Suspends = 6)]
            async Task Step()
            {
                await Task.Yield();
                total++;
            }

            [Expect("AsyncZoo.Lambdas.WithLocals.Square", Calls = 2)]
            static int Square(int v) => v * v;

            await Step();
            await Step();
            await Step();
            return Square(total);
        }

        // A local function that is an iterator, and one that captures the enclosing method's locals by reference
        // (a struct closure).
        [Expect("AsyncZoo.Lambdas.LocalIterator", Calls = 1)]
        public static int LocalIterator()
        {
            int limit = 6;

            [Expect("AsyncZoo.Lambdas.LocalIterator.Evens", Calls = 1, Suspends = 3)]
            IEnumerable<int> Evens()
            {
                for (int i = 0; i < limit; i += 2) yield return i;
            }

            int result;
            {
                int sum = 0;

                // Captures only `sum`, declared in this block: a struct closure passed by reference.
                [Expect("AsyncZoo.Lambdas.LocalIterator.Add", Calls = 3)]
                void Add(int v) => sum += v;

                foreach (var e in Evens()) Add(e);
                result = sum;
            }
            return result;
        }

        // A local function declared before a lambda: the lambda is still the method's first lambda, lambda#1,
        // although the compiler numbers lambdas and local functions with one counter (<Mixed>g__Helper|N_0 and
        // <Mixed>b__N_1): display numbers count lambdas only, in source order.
        [Expect("AsyncZoo.Lambdas.Mixed", Calls = 1)]
        public static int Mixed()
        {
            [Expect("AsyncZoo.Lambdas.Mixed.Helper", Calls = 2)]
            static int Helper(int x) => x + 1;

            Func<int, int> twice = [Expect("AsyncZoo.Lambdas.Mixed.lambda#1", Calls = 2)] (int x) => Helper(x) * 2;
            return twice(1) + twice(2);
        }

        // A lambda returning a lambda: both are Nested's (no expectations on their numbering: nesting is not
        // specified); the profile must still show no mangled name for them.
        public static int Nested()
        {
            Func<Func<int>> outer = () => () => 42;
            return outer()();
        }
    }
}
