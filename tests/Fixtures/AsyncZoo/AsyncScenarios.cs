using System;
using System.Diagnostics;
using System.Threading.Tasks;
using AsyncZoo.Infra;

namespace AsyncZoo
{
    /// <summary>
    /// Async methods of every return type and control-flow shape, run on the pump (see <see cref="PumpContext"/>):
    /// Task.Yield always suspends, completed awaits never do, and a caller awaiting a callee that suspended always
    /// suspends once itself.
    /// </summary>
    public static class AsyncScenarios
    {
        // Section runner. Suspends: one per awaited callee that suspended (41, counted line by line below); the
        // async void wait blocks on a nested pump and is not an await.
        [Expect("AsyncZoo.AsyncScenarios.Run", Calls = 1, Suspends = 41)]
        public static async Task Run()
        {
            for (int i = 0; i < 3; i++) await TwoYields();                                   // 3
            Check.Equal(6, await YieldThenValue(3), "YieldThenValue");                      // 1
            Check.Equal(8, await YieldThenValue(4), "YieldThenValue");                      // 1
            for (int i = 0; i < 5; i++) await ValueTaskVoid();                              // 5
            for (int i = 0; i < 3; i++) Check.Equal(i + 1, await ValueTaskOfT(i), "VT<T>"); // 3
            for (int i = 0; i < 4; i++) Check.Equal(i, await NoAwait(i), "NoAwait");        // 0: completes synchronously
            Check.Equal(7, await CompletedAwaits(), "CompletedAwaits");                     // 0
            Check.Equal(7, await CompletedAwaits(), "CompletedAwaits");                     // 0
            await Loop35();                                                                 // 1
            await Loop35();                                                                 // 1
            Check.Equal(45, await LoopMixed(), "LoopMixed");                                // 1
            foreach (var kind in new[] { 0, 1, 2, 1 }) await Switch(kind);                  // 3: kind 2 completes synchronously
            Check.Equal(1, await CatchWithAwait(), "CatchWithAwait");                       // 1
            Check.Equal(1, await CatchWithAwait(), "CatchWithAwait");                       // 1
            for (int i = 0; i < 3; i++) await FinallyWithAwait();                           // 3
            Check.Equal(12, await AwaitInTryFinally(), "AwaitInTryFinally");                // 1
            Check.Equal(12, await AwaitInTryFinally(), "AwaitInTryFinally");                // 1
            Check.Equal(3, await NestedTry(), "NestedTry");                                 // 1
            for (int i = 0; i < 3; i++)
            {
                try { await FaultAfterYield(); Check.True(false, "FaultAfterYield did not throw"); }
                catch (InvalidOperationException) { }                                       // 3
            }
            for (int i = 0; i < 2; i++)
            {
                try { await FaultImmediately(i); Check.True(false, "FaultImmediately did not throw"); }
                catch (ArgumentException) { }                                               // 0: faulted synchronously
            }
            try { await FaultThroughFinallyAwait(); Check.True(false, "FaultThroughFinallyAwait did not throw"); }
            catch (InvalidOperationException) { }                                           // 1
            try { await FaultValueTask(); Check.True(false, "FaultValueTask did not throw"); }
            catch (FormatException) { }                                                     // 1
            await UsingAwait();                                                             // 1
            await UsingAwait();                                                             // 1
            await AwaitUsing();                                                             // 1
            await AwaitUsing();                                                             // 1
            Check.Equal(42, await CompletesOtherTasks(), "CompletesOtherTasks");            // 1
            Check.Equal(42, await CompletesOtherTasks(), "CompletesOtherTasks");            // 1
            var box = new int[1];
            // A sync lambda inside an async method is named after the method (the kickoff stub, not MoveNext).
            AsyncPump.RunVoid([Expect("AsyncZoo.AsyncScenarios.Run.lambda#1", Calls = 1)] () =>
            {
                FireAndForget(box);
                FireAndForget(box);
                FireAndForget(box);
            });
            Check.Equal(3, box[0], "async void ran");
            await DelayTwenty();                                                            // 1
            await DelayTwenty();                                                            // 1
            Check.Equal(5, await Depth(4), "Depth");                                        // 1
            // total: 3+2+5+3+2+1+3+2+3+2+1+3+1+1+2+2+2+2+1 = 41 (NoAwait, CompletedAwaits and FaultImmediately add 0)
        }

        // async Task: the call runs from the first MoveNext to SetResult; both suspensions belong to it.
        [Expect("AsyncZoo.AsyncScenarios.TwoYields", Calls = 3, Suspends = 6)]
        public static async Task TwoYields()
        {
            await Task.Yield();
            await Task.Yield();
        }

        // async Task<T>.
        [Expect("AsyncZoo.AsyncScenarios.YieldThenValue", Calls = 2, Suspends = 2)]
        public static async Task<int> YieldThenValue(int x)
        {
            await Task.Yield();
            return 2 * x;
        }

        // async ValueTask.
        [Expect("AsyncZoo.AsyncScenarios.ValueTaskVoid", Calls = 5, Suspends = 5)]
        public static async ValueTask ValueTaskVoid() => await Task.Yield();

        // async ValueTask<T>; awaiting a ValueTask made from a result never suspends.
        [Expect("AsyncZoo.AsyncScenarios.ValueTaskOfT", Calls = 3, Suspends = 3)]
        public static async ValueTask<int> ValueTaskOfT(int x)
        {
            var a = await new ValueTask<int>(x);
            await Task.Yield();
            return a + await new ValueTask<int>(1);
        }

        // No await at all: still a state machine, never suspends, completes inside the stub.
        [Expect("AsyncZoo.AsyncScenarios.NoAwait", Calls = 4)]
        public static async Task<int> NoAwait(int x) => x;

        // Awaits of already completed things (Task.CompletedTask, Task.FromResult, default ValueTask): no suspension.
        [Expect("AsyncZoo.AsyncScenarios.CompletedAwaits", Calls = 2)]
        public static async Task<int> CompletedAwaits()
        {
            await Task.CompletedTask;
            var three = await Task.FromResult(3);
            await default(ValueTask);
            return three + await new ValueTask<int>(4);
        }

        // 35 awaits in a loop: 1 call and 35 suspensions per call (a naive weave reports 36 calls per call).
        [Expect("AsyncZoo.AsyncScenarios.Loop35", Calls = 2, Suspends = 70)]
        public static async Task Loop35()
        {
            for (int i = 0; i < 35; i++) await Task.Yield();
        }

        // Awaits in a loop, some completed: only the 4 Yields (i = 0, 3, 6, 9) suspend.
        [Expect("AsyncZoo.AsyncScenarios.LoopMixed", Calls = 1, Suspends = 4)]
        public static async Task<int> LoopMixed()
        {
            int sum = 0;
            for (int i = 0; i < 10; i++)
            {
                if (i % 3 == 0) await Task.Yield();
                else await Task.CompletedTask;
                sum += i;
            }
            return sum;
        }

        // Awaits in switch sections: kinds 0, 1, 2, 1 suspend 1 + 2 + 0 + 2 times.
        [Expect("AsyncZoo.AsyncScenarios.Switch", Calls = 4, Suspends = 5)]
        public static async Task<string> Switch(int kind)
        {
            switch (kind)
            {
                case 0:
                    await Task.Yield();
                    return "zero";
                case 1:
                    await Task.Delay(1);
                    await Task.Yield();
                    return "one";
                default:
                    return "other";
            }
        }

        // An await in try that then throws, caught by a catch that awaits twice: 3 suspensions, no fault.
        [Expect("AsyncZoo.AsyncScenarios.CatchWithAwait", Calls = 2, Suspends = 6)]
        public static async Task<int> CatchWithAwait()
        {
            try
            {
                await Task.Yield();
                throw new InvalidOperationException("caught below");
            }
            catch (InvalidOperationException)
            {
                await Task.Yield();
                await Task.Yield();
                return 1;
            }
        }

        // An await inside finally (lowered to catch-object + rethrow later): 2 suspensions, no fault.
        [Expect("AsyncZoo.AsyncScenarios.FinallyWithAwait", Calls = 3, Suspends = 6)]
        public static async Task FinallyWithAwait()
        {
            try { await Task.Yield(); }
            finally { await Task.Yield(); }
        }

        // Awaits inside try whose finally has no await: the finally is skipped while suspending, not a call end.
        [Expect("AsyncZoo.AsyncScenarios.AwaitInTryFinally", Calls = 2, Suspends = 4)]
        public static async Task<int> AwaitInTryFinally()
        {
            int n = 0;
            try
            {
                await Task.Yield();
                n++;
                await Task.Yield();
                n++;
            }
            finally
            {
                n += 10;
            }
            return n;
        }

        // Nested try blocks with awaits at each level.
        [Expect("AsyncZoo.AsyncScenarios.NestedTry", Calls = 1, Suspends = 3)]
        public static async Task<int> NestedTry()
        {
            int n = 0;
            try
            {
                await Task.Yield();
                n++;
                try
                {
                    await Task.Yield();
                    throw new InvalidOperationException("inner");
                }
                catch (InvalidOperationException)
                {
                    await Task.Yield();
                    n++;
                }
            }
            finally
            {
                n++;
            }
            return n;
        }

        // Fault after a suspension: SetException ends the call as a fault.
        [Expect("AsyncZoo.AsyncScenarios.FaultAfterYield", Calls = 3, Suspends = 3, Faults = 3)]
        public static async Task FaultAfterYield()
        {
            await Task.Yield();
            throw new InvalidOperationException("late");
        }

        // Fault before any await: the task faults inside the stub, never suspends.
        [Expect("AsyncZoo.AsyncScenarios.FaultImmediately", Calls = 2, Faults = 2)]
        public static async Task<int> FaultImmediately(int x)
        {
            if (x >= 0) throw new ArgumentException("early");
            await Task.Yield();
            return x;
        }

        // A fault leaving through a finally that awaits: 2 suspensions, then the fault.
        [Expect("AsyncZoo.AsyncScenarios.FaultThroughFinallyAwait", Calls = 1, Suspends = 2, Faults = 1)]
        public static async Task FaultThroughFinallyAwait()
        {
            try
            {
                await Task.Yield();
                throw new InvalidOperationException("through finally");
            }
            finally
            {
                await Task.Yield();
            }
        }

        // A ValueTask<T> that faults after a suspension.
        [Expect("AsyncZoo.AsyncScenarios.FaultValueTask", Calls = 1, Suspends = 1, Faults = 1)]
        public static async ValueTask<int> FaultValueTask()
        {
            await Task.Yield();
            return int.Parse("not a number");
        }

        // using with an await in its body: the Dispose is an ordinary call, the method suspends once.
        [Expect("AsyncZoo.AsyncScenarios.UsingAwait", Calls = 2, Suspends = 2)]
        public static async Task UsingAwait()
        {
            using (new SyncResource())
            {
                await Task.Yield();
            }
        }

        // await using: the body's Yield plus the awaited DisposeAsync, which suspends: 2 per call.
        [Expect("AsyncZoo.AsyncScenarios.AwaitUsing", Calls = 2, Suspends = 4)]
        public static async Task AwaitUsing()
        {
            await using (new AsyncResource())
            {
                await Task.Yield();
            }
        }

        // TaskCompletionSource.SetResult / SetException inside an async body are not the builder's: the call goes on
        // (a weaver matching the name alone would end it early and miss the later suspension or count a fault).
        [Expect("AsyncZoo.AsyncScenarios.CompletesOtherTasks", Calls = 2, Suspends = 4)]
        public static async Task<int> CompletesOtherTasks()
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var waiter = WaitFor(source.Task);
            await Task.Yield();
            source.SetResult(21);
            var failed = new TaskCompletionSource();
            failed.SetException(new InvalidOperationException("not this method's fault"));
            Check.True(failed.Task.IsFaulted, "TCS faulted");
            _ = failed.Task.Exception;
            await Task.Yield();
            // WaitFor's continuation was posted before this method's, so it has completed: no suspension here.
            Check.True(waiter.IsCompleted, "WaitFor completed before CompletesOtherTasks resumed");
            return 2 * await waiter;
        }

        // Suspends once on the TCS's task until the other method sets it.
        [Expect("AsyncZoo.AsyncScenarios.WaitFor", Calls = 2, Suspends = 2)]
        public static async Task<int> WaitFor(Task<int> task) => await task;

        // async void: the call ends at the void builder's SetResult; waited for through the pump's operation count.
        [Expect("AsyncZoo.AsyncScenarios.FireAndForget", Calls = 3, Suspends = 6)]
        public static async void FireAndForget(int[] box)
        {
            await Task.Yield();
            await Task.Yield();
            box[0]++;
        }

        // Wall time includes the suspension: each call lasts at least 20 ms (the spin only guards against a timer
        // firing a fraction of a millisecond early; it adds nothing when the delay was honoured).
        [Expect("AsyncZoo.AsyncScenarios.DelayTwenty", Calls = 2, Suspends = 2)]
        public static async Task DelayTwenty()
        {
            var started = Stopwatch.GetTimestamp();
            await Task.Delay(20);
            while (Stopwatch.GetElapsedTime(started).TotalMilliseconds < 20) { }
        }

        // Async recursion: Depth(4) makes 5 calls; the innermost yields and every level above awaits an incomplete
        // task, so each call suspends once.
        [Expect("AsyncZoo.AsyncScenarios.Depth", Calls = 5, Suspends = 5)]
        public static async Task<int> Depth(int n)
        {
            if (n == 0)
            {
                await Task.Yield();
                return 1;
            }
            return 1 + await Depth(n - 1);
        }
    }

    public sealed class SyncResource : IDisposable
    {
        // Called by the using statement in UsingAwait.
        [Expect("AsyncZoo.SyncResource.Dispose", Calls = 2)]
        public void Dispose() { }
    }

    public sealed class AsyncResource : IAsyncDisposable
    {
        // An async DisposeAsync awaited by await using.
        [Expect("AsyncZoo.AsyncResource.DisposeAsync", Calls = 2, Suspends = 2)]
        public async ValueTask DisposeAsync() => await Task.Yield();
    }
}
