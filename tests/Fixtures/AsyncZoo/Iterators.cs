using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using AsyncZoo.Infra;

namespace AsyncZoo
{
    /// <summary>
    /// Sync iterators: one call per enumeration, from the first MoveNext to the MoveNext that returns false (or to
    /// Dispose when abandoned); each item handed out is one suspension.
    /// </summary>
    public static class Iterators
    {
        // Section runner (not an iterator itself).
        [Expect("AsyncZoo.Iterators.Run", Calls = 1)]
        public static void Run()
        {
            // Full enumeration: 4 items.
            int sum = 0;
            foreach (var x in Numbers(4)) sum += x;
            Check.Equal(6, sum, "Numbers(4)");

            // Early break after 3 items: Dispose completes the call.
            foreach (var x in Numbers(10)) if (x == 2) break;

            // One enumerable enumerated twice: two calls, 2 items each. With the .NET 10 SDK's compiler an
            // iterator's Dispose sets its state back to -2, so the second GetEnumerator on the same thread hands out
            // the same, finished object again: the second enumeration must still be a call of its own.
            var twice = Numbers(2);
            Check.Equal(1, twice.Sum(), "twice #1");
            Check.Equal(1, twice.Sum(), "twice #2");

            // An enumerator fetched and disposed without any MoveNext: no call at all.
            using (Numbers(3).GetEnumerator()) { }

            Check.Equal(9, Linq(), "Linq");

            for (int i = 0; i < 2; i++)
            {
                int seen = 0;
                try { foreach (var x in ThrowsAfterTwo()) seen++; Check.True(false, "ThrowsAfterTwo did not throw"); }
                catch (InvalidOperationException) { Check.Equal(2, seen, "ThrowsAfterTwo items"); }
            }

            var log = new List<string>();
            foreach (var x in WithFinally(log)) { }
            foreach (var x in WithFinally(log)) break;
            Check.Equal(2, log.Count, "iterator finally ran at the end and at Dispose");
        }

        // Calls: full(4 items) + break(3) + twice(2+2) + LINQ Where/Sum(5) + LINQ First(4) + ToList(3) = 7 calls,
        // 23 items handed out; the enumerator disposed before any MoveNext is not a call.
        [Expect("AsyncZoo.Iterators.Numbers", Calls = 7, Suspends = 23)]
        public static IEnumerable<int> Numbers(int count)
        {
            for (int i = 0; i < count; i++) yield return i;
        }

        // LINQ over an iterator: Where+Sum enumerates fully, First stops at the 4th item and disposes, ToList
        // enumerates fully. The predicate lambdas are called once per item they see.
        [Expect("AsyncZoo.Iterators.Linq", Calls = 1)]
        public static int Linq()
        {
            int evens = Numbers(5).Where([Expect("AsyncZoo.Iterators.Linq.lambda#1", Calls = 5)] (int x) => x % 2 == 0).Sum();
            int first = Numbers(7).First([Expect("AsyncZoo.Iterators.Linq.lambda#2", Calls = 4)] (int x) => x > 2);
            int count = Numbers(3).ToList().Count;
            return evens + first + count - 3; // 6 + 3 + 3 - 3
        }

        // A fault from inside MoveNext ends the enumeration's call as a fault, after 2 items.
        [Expect("AsyncZoo.Iterators.ThrowsAfterTwo", Calls = 2, Suspends = 4, Faults = 2)]
        public static IEnumerable<int> ThrowsAfterTwo()
        {
            yield return 1;
            yield return 2;
            throw new InvalidOperationException("iterator fault");
        }

        // try/finally in an iterator: full enumeration (2 items) runs the finally at the end, the early break
        // (1 item) runs it from Dispose.
        [Expect("AsyncZoo.Iterators.WithFinally", Calls = 2, Suspends = 3)]
        public static IEnumerable<int> WithFinally(List<string> log)
        {
            try
            {
                yield return 1;
                yield return 2;
            }
            finally
            {
                log.Add("finally");
            }
        }
    }

    /// <summary>
    /// Async iterators: awaits that suspend and yield returns are both suspensions; the call ends when MoveNextAsync
    /// returns false or when DisposeAsync finishes an abandoned enumeration.
    /// </summary>
    public static class AsyncIterators
    {
        // Section runner: one suspension per MoveNextAsync/DisposeAsync that found the iterator suspended at an await
        // (a MoveNextAsync that reaches a yield return or the end without awaiting completes synchronously).
        [Expect("AsyncZoo.AsyncIterators.Run", Calls = 1, Suspends = 8)]
        public static async Task Run()
        {
            await ConsumeTicks();                                          // 1
            await ConsumeTicks();                                          // 1
            var log = new List<string>();
            await foreach (var x in WithAsyncFinally(log)) { }             // 2: the Yield before item 2, the finally's Yield
            await foreach (var x in WithAsyncFinally(log)) break;          // 1: DisposeAsync runs the finally's Yield
            Check.Equal(2, log.Count, "async iterator finally ran");
            int total = 0;
            await foreach (var x in SyncItems()) total += x;               // 0: nothing suspends through the builder
            Check.Equal(3, total, "SyncItems");
            // One async enumerable enumerated twice on the same thread: the compiler hands out the same, finished
            // state machine object again; each enumeration is its own call.
            var pair = Pair();
            for (int round = 0; round < 2; round++)
            {
                int sum = 0;
                await foreach (var x in pair) sum += x;                    // 1 per round: the Yield before item 1
                Check.Equal(3, sum, "Pair round " + round);
            }
            try
            {
                await foreach (var x in Faulty()) { }                      // 1: the Yield before the throw
                Check.True(false, "Faulty did not throw");
            }
            catch (InvalidOperationException) { }
        }

        // Consumes Ticks twice per call: full (3 items) then abandoned after 2 items. Each MoveNextAsync that runs
        // into the Yield finds the iterator suspended: 3 + 2 = 5 suspensions per call.
        [Expect("AsyncZoo.AsyncIterators.ConsumeTicks", Calls = 2, Suspends = 10)]
        public static async Task ConsumeTicks()
        {
            int sum = 0;
            await foreach (var t in Ticks(3)) sum += t;
            Check.Equal(3, sum, "Ticks(3)");
            await foreach (var t in Ticks(10)) if (t == 1) break;
        }

        // One Yield and one yield return per item. Per ConsumeTicks call: full Ticks(3) = 6 suspensions,
        // Ticks(10) broken after items 0 and 1 = 4 suspensions; 2 enumerations. Two ConsumeTicks calls double it.
        [Expect("AsyncZoo.AsyncIterators.Ticks", Calls = 4, Suspends = 20)]
        public static async IAsyncEnumerable<int> Ticks(int count)
        {
            for (int i = 0; i < count; i++)
            {
                await Task.Yield();
                yield return i;
            }
        }

        // An await in finally. Full enumeration: yield 1, Yield, yield 2, finally Yield = 4 suspensions.
        // Broken after item 1: yield 1, then DisposeAsync runs the finally and its Yield = 2 suspensions.
        [Expect("AsyncZoo.AsyncIterators.WithAsyncFinally", Calls = 2, Suspends = 6)]
        public static async IAsyncEnumerable<int> WithAsyncFinally(List<string> log)
        {
            try
            {
                yield return 1;
                await Task.Yield();
                yield return 2;
            }
            finally
            {
                await Task.Yield();
                log.Add("cleaned");
            }
        }

        // No await: only the yield returns suspend.
        [Expect("AsyncZoo.AsyncIterators.SyncItems", Calls = 1, Suspends = 2)]
        public static async IAsyncEnumerable<int> SyncItems()
        {
            yield return 1;
            yield return 2;
        }

        // Enumerated twice through one IAsyncEnumerable (see Run): 2 calls, each 1 Yield and 2 items.
        [Expect("AsyncZoo.AsyncIterators.Pair", Calls = 2, Suspends = 6)]
        public static async IAsyncEnumerable<int> Pair()
        {
            await Task.Yield();
            yield return 1;
            yield return 2;
        }

        // Fault after an item and an await.
        [Expect("AsyncZoo.AsyncIterators.Faulty", Calls = 1, Suspends = 2, Faults = 1)]
        public static async IAsyncEnumerable<int> Faulty()
        {
            yield return 1;
            await Task.Yield();
            throw new InvalidOperationException("async iterator fault");
        }
    }
}
