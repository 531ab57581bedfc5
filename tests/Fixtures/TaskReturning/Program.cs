using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace TaskReturning
{
    /// <summary>
    /// Each scenario runs once, in order, one thing at a time, and prints one line; the tests assert on the profile
    /// (tests/AsyncProf.Tests/EndToEnd/TaskReturningTests.cs). Durations are long enough to tell apart on a
    /// loaded machine: waits of 100 ms against bursts of 50 ms.
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main()
        {
            Console.WriteLine("facade " + await Facades.Facade(2));
            Console.WriteLine("chain " + await Facades.Chain(3));
            for (var i = 0; i < 5; i++) await Facades.AlreadyComplete();
            Console.WriteLine("completed x5");
            try { await Facades.Faulting(); } catch (InvalidOperationException) { Console.WriteLine("faulted"); }
            using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(30)))
                try { await Facades.Cancelled(cts.Token); } catch (OperationCanceledException) { Console.WriteLine("cancelled"); }
            Console.WriteLine("vt-over-task " + await ValueTasks.OverTask());
            Console.WriteLine("vt-of-async " + await ValueTasks.OfAsyncMethod());
            Console.WriteLine("vt-completed " + await ValueTasks.Completed());
            Console.WriteLine("vt-source " + await ValueTasks.OverSource());
            Console.WriteLine("awaitable " + await ValueTasks.CustomAwaitable());
            await Outliving.Run();
            Console.WriteLine("overloads " + Overloads.Run());
            return 0;
        }
    }

    public static class Work
    {
        /// <summary>Keeps the CPU busy for <paramref name="ms"/> milliseconds of thread CPU time.</summary>
        public static void Burn(int ms)
        {
            var until = Stopwatch.GetTimestamp() + ms * Stopwatch.Frequency / 1000;
            var x = 0L;
            while (Stopwatch.GetTimestamp() < until) x += x * 31 + 7;
            GC.KeepAlive(x);
        }
    }

    public static class Facades
    {
        // The shape of most library APIs: a plain method handing back the task of an async core.
        public static Task<int> Facade(int x) => Core(x);

        static async Task<int> Core(int x)
        {
            await Task.Delay(100);
            Work.Burn(50);
            return x * 10;
        }

        // A facade of a facade: both stay open until the core completes.
        public static Task<int> Chain(int x) => Facade(x);

        public static Task AlreadyComplete() => Task.CompletedTask;

        public static Task Faulting() => FaultingCore();

        static async Task FaultingCore()
        {
            await Task.Delay(20);
            throw new InvalidOperationException("on purpose");
        }

        public static Task Cancelled(CancellationToken token) => Task.Delay(5000, token);
    }

    public static class ValueTasks
    {
        public static ValueTask<int> OverTask() => new ValueTask<int>(Delayed(7));

        static async Task<int> Delayed(int value)
        {
            await Task.Delay(100);
            return value;
        }

        // A non-pooling async ValueTask method hands out a ValueTask over a Task once it suspends.
        public static ValueTask<int> OfAsyncMethod() => AsyncCore();

        static async ValueTask<int> AsyncCore()
        {
            await Task.Delay(100);
            return 8;
        }

        public static ValueTask<int> Completed() => new ValueTask<int>(9);

        // A ValueTask over an IValueTaskSource may be awaited once only: the profiler must not observe it.
        public static ValueTask<int> OverSource() => OneShotSource.CompleteAfter(100, 10);

        public static Later CustomAwaitable() => new Later(Task.Delay(50));
    }

    /// <summary>A single-use IValueTaskSource completed by a timer.</summary>
    public sealed class OneShotSource : IValueTaskSource<int>
    {
        ManualResetValueTaskSourceCore<int> core;

        public static ValueTask<int> CompleteAfter(int ms, int value)
        {
            var source = new OneShotSource();
            _ = Task.Delay(ms).ContinueWith(_ => source.core.SetResult(value), TaskScheduler.Default);
            return new ValueTask<int>(source, source.core.Version);
        }

        public int GetResult(short token) => core.GetResult(token);
        public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);
        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>An awaitable of its own, with no IsCompleted of its own: its completion cannot be observed.</summary>
    public readonly struct Later
    {
        readonly Task task;
        public Later(Task task) => this.task = task;
        public System.Runtime.CompilerServices.TaskAwaiter<int> GetAwaiter() => task.ContinueWith(_ => 11).GetAwaiter();
    }

    public static class Outliving
    {
        static readonly ManualResetEventSlim SpawnerDone = new ManualResetEventSlim();
        static Task? background, queued;

        public static async Task Run()
        {
            StartInBackground();
            await Spawner();
            SpawnerDone.Set();
            await Task.WhenAll(background!, queued!);
            Console.WriteLine("outliving done");
            Console.WriteLine("awaited run " + await AwaitsItsRun());
        }

        // Fire and forget from a sync method: the task outlives the call that started it.
        static void StartInBackground() => background = Background();

        static async Task Background()
        {
            await Task.Delay(100);
            Work.Burn(50);
        }

        // An un-awaited Task.Run: the lambda runs after its logical caller has completed.
        static async Task Spawner()
        {
            queued = Task.Run(() =>
            {
                SpawnerDone.Wait();
                Work.Burn(50);
            });
            await Task.Yield();
        }

        // The same work awaited: not detached.
        static async Task<int> AwaitsItsRun()
        {
            await Task.Run(() => Work.Burn(20));
            return 1;
        }
    }

    public static class Overloads
    {
        public static int Run() => Pick(1) + Pick("two") + Pick(new List<int> { 3 }, out _) + Unique();

        public static int Pick(int x) => x;
        public static int Pick(string s) => s.Length;
        public static int Pick(List<int> items, out int first) { first = items[0]; return items.Count; }
        public static int Unique() => 0;
    }
}
