using System;
using System.Threading;
using System.Threading.Tasks;
using AsyncZoo.Infra;

namespace AsyncZoo
{
    /// <summary>
    /// Work that leaves the pump: Task.Run, pool continuations, ConfigureAwait(false), a thread, a pool work item.
    /// Callers await such work through Await.Always/Await.Plain, which suspend exactly once whatever the timing, so
    /// every count stays exact; the tests also check where each piece hangs in the calling-context tree.
    /// </summary>
    public static class Threads
    {
        // Section runner: RunsWork x2, PoolWorker x3 (through Always), OffContext x2, StartsThread, QueuesWork.
        [Expect("AsyncZoo.Threads.Run", Calls = 1, Suspends = 9)]
        public static async Task Run()
        {
            Check.Equal(2, await RunsWork(), "RunsWork");                              // 1
            Check.Equal(2, await RunsWork(), "RunsWork");                              // 1
            for (int i = 0; i < 3; i++)
                Check.Equal(2, await Await.Always(Task.Run(PoolWorker)), "PoolWorker"); // 3
            Check.True(await OffContext(), "OffContext resumed off the pump");          // 1
            Check.True(await OffContext(), "OffContext resumed off the pump");          // 1
            await StartsThread();                                                      // 1
            await QueuesWork();                                                        // 1
        }

        // Task.Run's work (sync and async) hangs under this method in the tree, though it runs on pool threads.
        [Expect("AsyncZoo.Threads.RunsWork", Calls = 2, Suspends = 4)]
        public static async Task<int> RunsWork()
        {
            int a = await Await.Always(Task.Run(Crunch));
            int b = await Await.Always(Task.Run(CrunchAsync));
            return a + b;
        }

        // CPU-bound work queued by Task.Run (a few milliseconds of CPU: its cpuNs must not be 0).
        [Expect("AsyncZoo.Threads.Crunch", Calls = 2)]
        public static int Crunch()
        {
            double x = 0;
            for (int i = 0; i < 3_000_000; i++) x += Math.Sqrt(i);
            return x > 0 ? 1 : 0;
        }

        // Async work queued by Task.Run: it suspends and resumes on the pool.
        [Expect("AsyncZoo.Threads.CrunchAsync", Calls = 2, Suspends = 6)]
        public static async Task<int> CrunchAsync()
        {
            await Task.Yield();
            await Task.Yield();
            await Task.Yield();
            return 1;
        }

        // Runs on the pool from start to end, resuming on whichever pool thread is free. The last await goes through
        // an INotifyCompletion-only awaiter (the builder's AwaitOnCompleted instead of AwaitUnsafeOnCompleted).
        [Expect("AsyncZoo.Threads.PoolWorker", Calls = 3, Suspends = 9)]
        public static async Task<int> PoolWorker()
        {
            await Task.Yield();
            int v = await Await.Always(PoolChild());
            await Await.Plain(Task.Delay(1));
            AfterResume();
            return v;
        }

        // Called by PoolWorker after it resumed on a pool thread.
        [Expect("AsyncZoo.Threads.PoolChild", Calls = 3, Suspends = 6)]
        public static async Task<int> PoolChild()
        {
            await Task.Yield();
            await Task.Yield();
            return 2;
        }

        // A sync call made by a continuation: it hangs under the call the continuation resumed (PoolWorker).
        [Expect("AsyncZoo.Threads.AfterResume", Calls = 3)]
        public static void AfterResume() { }

        // ConfigureAwait(false): resumes on the pool, off the pump; still one call with 3 suspensions.
        [Expect("AsyncZoo.Threads.OffContext", Calls = 2, Suspends = 6)]
        public static async Task<bool> OffContext()
        {
            await Task.Yield();
            // long enough never to have completed by the time it is awaited: a delay of 1 ms, completed while the
            // pump thread was preempted, resumed on the pump (no suspension) on a loaded 2-core machine
            await Task.Delay(50).ConfigureAwait(false);
            bool offPump = SynchronizationContext.Current == null;
            await Task.Yield();
            return offPump;
        }

        // A thread started by an async method: the thread's body hangs under this method.
        [Expect("AsyncZoo.Threads.StartsThread", Calls = 1, Suspends = 1)]
        public static async Task StartsThread()
        {
            await Task.Yield();
            var thread = new Thread(ThreadBody);
            thread.Start();
            thread.Join();
        }

        // The root of a thread started by StartsThread.
        [Expect("AsyncZoo.Threads.ThreadBody", Calls = 1)]
        public static void ThreadBody() => Thread.Sleep(1);

        // ThreadPool.QueueUserWorkItem: the work item hangs under this method.
        [Expect("AsyncZoo.Threads.QueuesWork", Calls = 1, Suspends = 2)]
        public static async Task QueuesWork()
        {
            await Task.Yield();
            var done = new TaskCompletionSource<int>();
            ThreadPool.QueueUserWorkItem(PoolItem, done, preferLocal: false);
            Check.Equal(1, await Await.Always(done.Task), "PoolItem");
        }

        // Runs on a pool thread, queued by QueuesWork.
        [Expect("AsyncZoo.Threads.PoolItem", Calls = 1)]
        public static void PoolItem(TaskCompletionSource<int> done) => done.SetResult(1);
    }
}
