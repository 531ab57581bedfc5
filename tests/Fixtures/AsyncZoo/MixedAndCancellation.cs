using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AsyncZoo.Infra;

namespace AsyncZoo
{
    /// <summary>
    /// A state machine awaiting an async method (in the runtime-async twin an async iterator stays a state machine,
    /// its callee becomes runtime-async: the reverse of ConsumeTicks awaiting Ticks), and cancellation: a call
    /// canceled while suspended and one that observes an already canceled token. A canceled call ends by an
    /// exception: it counts as a fault.
    /// </summary>
    public static class MixedAndCancellation
    {
        // 3: each MoveNextAsync finds the iterator suspended in its callee; 1: the delay canceled by another thread.
        [Expect("AsyncZoo.MixedAndCancellation.Run", Calls = 1, Suspends = 4)]
        public static async Task Run()
        {
            long sum = 0;
            await foreach (var d in Doubled(3)) sum += d;
            Check.Equal(6L, sum, "Doubled(3)");
            using var cts = new CancellationTokenSource();
            var waiting = WaitUntilCanceled(cts.Token);
            // Canceled from another thread, so the callee's continuation is posted to the pump, which is busy here.
            var canceller = new Thread(cts.Cancel);
            canceller.Start();
            canceller.Join();
            try { await waiting; Check.True(false, "WaitUntilCanceled did not throw"); }
            catch (OperationCanceledException) { }
            try { await AlreadyCanceled(new CancellationToken(canceled: true)); Check.True(false, "AlreadyCanceled did not throw"); }
            catch (OperationCanceledException) { }
        }

        // Per item: the await of Twice (which suspended) and the yield return.
        [Expect("AsyncZoo.MixedAndCancellation.Doubled", Calls = 1, Suspends = 6)]
        public static async IAsyncEnumerable<long> Doubled(int count)
        {
            for (var i = 0; i < count; i++) yield return await Twice(i);
        }

        [Expect("AsyncZoo.MixedAndCancellation.Twice", Calls = 3, Suspends = 3)]
        public static async Task<long> Twice(int x)
        {
            await Task.Yield();
            return 2L * x;
        }

        [Expect("AsyncZoo.MixedAndCancellation.WaitUntilCanceled", Calls = 1, Suspends = 1, Faults = 1)]
        public static async Task WaitUntilCanceled(CancellationToken token) => await Task.Delay(Timeout.Infinite, token);

        // Task.Delay with a canceled token returns a canceled task: the await throws at once, no suspension.
        [Expect("AsyncZoo.MixedAndCancellation.AlreadyCanceled", Calls = 1, Faults = 1)]
        public static async Task AlreadyCanceled(CancellationToken token) => await Task.Delay(1000, token);
    }
}
