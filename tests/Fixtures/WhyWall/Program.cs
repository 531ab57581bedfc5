using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace WhyWall
{
    /// <summary>
    /// <c>WhyWall pipeline MS</c>: three rounds of Parse, Transform and Save, Transform taking MS milliseconds on the
    /// CPU, so two runs with different MS differ in Transform alone (tests/AsyncProf.Tests/EndToEnd/DiffEndToEndTests.cs).
    /// <c>WhyWall split</c>: one method for each place wall time goes, one after another
    /// (tests/AsyncProf.Tests/EndToEnd/WallSplitTests.cs): awaiting, sleeping, waiting for a lock another thread
    /// holds, blocking a pool thread on .Result of a task whose continuation needs another pool thread, computing,
    /// a continuation queued behind 200 ms of other work on its thread, work started with Task.Run waiting 200 ms for
    /// a pool thread.
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            if (args.Length == 2 && args[0] == "pipeline")
            {
                await Pipeline.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
                Console.WriteLine("pipeline done");
                return 0;
            }
            if (args.Length == 1 && args[0] == "critical")
            {
                await CriticalPath.Parent();
                Console.WriteLine("critical done");
                return 0;
            }
            if (args.Length == 1 && args[0] == "gc")
            {
                GcScenarios.RunAll();
                Console.WriteLine("gc done");
                return 0;
            }
            if (args.Length == 1 && args[0] == "split")
            {
                await Scenarios.RunAll();
                Console.WriteLine("split done");
                return 0;
            }
            Console.Error.WriteLine("usage: WhyWall pipeline MS | WhyWall split | WhyWall gc | WhyWall critical");
            return 2;
        }
    }

    public static class Pipeline
    {
        public static async Task Run(int transformMs)
        {
            for (var round = 0; round < 3; round++)
            {
                Parse();
                await Transform(transformMs);
                await Save();
            }
        }

        static void Parse() => Work.Spin(20);

        static async Task Transform(int ms)
        {
            await Task.Yield();
            Work.Spin(ms);
        }

        static async Task Save() => await Task.Delay(20);
    }

    /// <summary>Each takes about 200 ms of wall time, spent in one way.</summary>
    public static class Scenarios
    {
        static readonly object Gate = new object();
        static int counter;

        public static async Task RunAll()
        {
            Sleeps(); // before the first await: on the main thread, not a pool thread
            await OnlyAwaits();
            var holder = Work.HoldLock(Gate, 200);
            ContendedLock();
            holder.Join();
            Console.WriteLine("result " + await Task.Run(() => SyncOverAsync()));
            Computes();
            await SleepsInAsync();
            await SleepsThenAwaitsQueuedWork();
            await WaitsForItsThread();
            // started on a thread of its own, so what it queues goes to the pool's global queue, in order
            await Task.Factory.StartNew(WaitsForAPoolThread, TaskCreationOptions.LongRunning).Unwrap();
        }

        /// <summary>
        /// Starves the thread pool for 200 ms (as many sleepers as it has threads, and no more threads allowed), then
        /// runs <see cref="RunsWhenAThreadFrees"/> with Task.Run and awaits it: suspended, most of it queued (the work
        /// waited for a thread), and its critical path is that work.
        /// </summary>
        public static async Task WaitsForAPoolThread()
        {
            ThreadPool.GetMaxThreads(out var maxWorkers, out var maxIo);
            ThreadPool.SetMaxThreads(Environment.ProcessorCount, maxIo);
            try
            {
                var sleepers = Math.Max(ThreadPool.ThreadCount, Environment.ProcessorCount);
                for (var i = 0; i < sleepers; i++) ThreadPool.QueueUserWorkItem(_ => Work.Sleep(200));
                await Task.Run(RunsWhenAThreadFrees);
            }
            finally
            {
                ThreadPool.SetMaxThreads(maxWorkers, maxIo);
            }
        }

        public static long RunsWhenAThreadFrees() => Work.Spin(10);

        /// <summary>
        /// Runs on a one-thread synchronization context: gives the thread 200 ms of other work, then yields. The
        /// continuation is queued behind that work: suspended, all of it queued (waiting for its thread).
        /// </summary>
        public static async Task YieldsBehindBusyWork(Work.OneThreadContext context)
        {
            context.Post(_ => Work.Sleep(200), null);
            await Task.Yield();
        }

        /// <summary>Starts <see cref="YieldsBehindBusyWork"/> on its own one-thread context and awaits it: only suspended, not queued.</summary>
        public static async Task WaitsForItsThread()
        {
            using var context = new Work.OneThreadContext();
            var started = new TaskCompletionSource<Task>();
            context.Post(_ => started.SetResult(YieldsBehindBusyWork(context)), null);
            await await started.Task;
        }

        public static async Task OnlyAwaits()
        {
            await Task.Delay(100);
            await Task.Delay(100);
        }

        public static void Sleeps() => Thread.Sleep(200);

        public static void ContendedLock()
        {
            lock (Gate) counter++;
        }

        /// <summary>Runs on a pool thread and blocks it until DelayedValue's continuation runs on another one.</summary>
        public static int SyncOverAsync() => DelayedValue().Result;

        static async Task<int> DelayedValue()
        {
            await Task.Delay(200);
            return 42 + counter;
        }

        public static long Computes() => Work.Spin(200);

        /// <summary>
        /// Sleeps 100 ms on its thread, then awaits 100 ms of CPU run on a pool thread: blocked, then suspended. The
        /// queued work's CPU is in its inclusive CPU but ran on another thread: it must not pass the sleep off as running.
        /// </summary>
        public static async Task SleepsThenAwaitsQueuedWork()
        {
            Thread.Sleep(100);
            await Task.Run(SpinsOnThePool);
        }

        public static long SpinsOnThePool() => Work.Spin(100);

        /// <summary>The classic mistake: a sleep, not an await, inside an async method, blocking the pool thread it resumed on.</summary>
        public static async Task SleepsInAsync()
        {
            await Task.Yield();
            Thread.Sleep(100); // blocks a pool thread
        }
    }

    /// <summary>
    /// <c>WhyWall critical</c> (tests/AsyncProf.Tests/EndToEnd/CriticalPathTests.cs): three rounds of awaiting sync
    /// work run with Task.Run (150 ms) together with a short async call (30 ms): the sync work is what each resumption
    /// waited on last.
    /// </summary>
    public static class CriticalPath
    {
        public static async Task Parent()
        {
            for (var round = 0; round < 3; round++)
                await Task.WhenAll(Task.Run(() => SyncSlow()), FastAsync());
        }

        public static void SyncSlow() => Thread.Sleep(150);

        public static async Task FastAsync() => await Task.Delay(30);
    }

    /// <summary>
    /// <c>WhyWall gc</c> (tests/AsyncProf.Tests/EndToEnd/GcPauseTests.cs): one method that forces blocking collections,
    /// one that allocates enough to trigger gen0 collections, one that computes without allocating; each prints the
    /// GC pause time the runtime reported around its call, "pause NAME NS", for the test to compare with gcNs.
    /// </summary>
    public static class GcScenarios
    {
        public static void RunAll()
        {
            Measured("ForcesCollections", ForcesCollections);
            Measured("Allocates", () => Allocates());
            Measured("ComputesWithoutGc", () => ComputesWithoutGc());
        }

        static void Measured(string name, Action call)
        {
            var before = GC.GetTotalPauseDuration();
            var collections = GC.CollectionCount(0);
            call();
            var pause = GC.GetTotalPauseDuration() - before;
            Console.WriteLine("pause " + name + " " + (pause.Ticks * 100).ToString(CultureInfo.InvariantCulture) + " after " + (GC.CollectionCount(0) - collections) + " collections");
        }

        /// <summary>Full blocking collections over a heap with something in it, so each pause is measurable.</summary>
        public static void ForcesCollections()
        {
            var keep = Work.Garbage(200_000, keepEvery: 4);
            for (var i = 0; i < 5; i++) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.KeepAlive(keep);
        }

        /// <summary>Allocates short-lived objects, some kept for a while so gen0 collections have survivors to copy.</summary>
        public static long Allocates() => Work.Churn(300);

        public static long ComputesWithoutGc() => Work.Spin(150);
    }

    /// <summary>Left unwoven by the tests, so its time is its callers' own.</summary>
    public static class Work
    {
        /// <summary>A synchronization context that runs what is posted to it, in order, on one thread of its own.</summary>
        public sealed class OneThreadContext : SynchronizationContext, IDisposable
        {
            readonly System.Collections.Concurrent.BlockingCollection<(SendOrPostCallback, object?)> queue = new();
            readonly Thread thread;

            public OneThreadContext()
            {
                thread = new Thread(() =>
                {
                    SetSynchronizationContext(this);
                    foreach (var (callback, state) in queue.GetConsumingEnumerable()) callback(state);
                }) { IsBackground = true, Name = "OneThreadContext" };
                thread.Start();
            }

            public override void Post(SendOrPostCallback d, object? state) => queue.Add((d, state));

            public void Dispose() => queue.CompleteAdding();
        }

        public static void Sleep(int ms) => Thread.Sleep(ms);

        /// <summary>Keeps the thread busy for <paramref name="ms"/> milliseconds of wall time.</summary>
        public static long Spin(int ms)
        {
            var clock = Stopwatch.StartNew();
            long n = 0;
            while (clock.ElapsedMilliseconds < ms) n++;
            return n;
        }

        /// <summary>Allocates <paramref name="count"/> small arrays, keeping every <paramref name="keepEvery"/>-th.</summary>
        public static object[] Garbage(int count, int keepEvery)
        {
            var kept = new object[count / keepEvery + 1];
            for (var i = 0; i < count; i++)
            {
                var a = new byte[64];
                if (i % keepEvery == 0) kept[i / keepEvery] = a;
            }
            return kept;
        }

        /// <summary>Allocates for <paramref name="ms"/> ms of wall time, a rolling window of survivors kept alive.</summary>
        public static long Churn(int ms)
        {
            var clock = Stopwatch.StartNew();
            var window = new object[4096];
            long n = 0;
            while (clock.ElapsedMilliseconds < ms)
                for (var i = 0; i < 1000; i++) window[n++ % window.Length] = new byte[1024];
            return n;
        }

        /// <summary>Starts a thread that holds <paramref name="gate"/> for <paramref name="ms"/> ms; returns once it holds it.</summary>
        public static Thread HoldLock(object gate, int ms)
        {
            using var held = new ManualResetEventSlim();
            var thread = new Thread(() =>
            {
                lock (gate)
                {
                    held.Set();
                    Thread.Sleep(ms);
                }
            });
            thread.Start();
            held.Wait();
            return thread;
        }
    }
}
