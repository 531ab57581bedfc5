using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncZoo.Infra
{
    /// <summary>
    /// A single-threaded message pump (a "UI thread"). Scenarios run on it so that every suspension count is
    /// deterministic: a continuation posted by Task.Yield or a completed Task.Delay cannot run before the whole
    /// synchronous chain of callers has returned to the pump, so a caller awaiting a callee that suspended always
    /// finds it incomplete and suspends too. Work that leaves the pump (Task.Run, ConfigureAwait(false)) is awaited
    /// through <see cref="Await.Always{T}(Task{T})"/> wherever the caller's count must stay exact.
    /// </summary>
    public sealed class PumpContext : SynchronizationContext
    {
        readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> queue = new();
        int operations;

        public override void Post(SendOrPostCallback d, object? state) => queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("Send on the pump");

        public override SynchronizationContext CreateCopy() => this;

        /// <summary>Async void methods report their start and end here (AsyncVoidMethodBuilder).</summary>
        public override void OperationStarted() => Interlocked.Increment(ref operations);

        public override void OperationCompleted()
        {
            if (Interlocked.Decrement(ref operations) == 0) Wake();
        }

        public int Operations => Volatile.Read(ref operations);

        public void Wake() => queue.Add((static _ => { }, null));

        public void RunUntil(Func<bool> done)
        {
            while (!done())
            {
                var (callback, state) = queue.Take();
                callback(state);
            }
        }
    }

    public static class AsyncPump
    {
        /// <summary>Runs <paramref name="body"/> on the calling thread with a pump as its context until its task ends.</summary>
        public static void Run(Func<Task> body)
        {
            var previous = SynchronizationContext.Current;
            var pump = new PumpContext();
            SynchronizationContext.SetSynchronizationContext(pump);
            try
            {
                var task = body();
                task.ContinueWith(static (_, p) => ((PumpContext)p!).Wake(), pump, TaskScheduler.Default);
                pump.RunUntil(() => task.IsCompleted);
                task.GetAwaiter().GetResult();
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(previous);
            }
        }

        /// <summary>
        /// Runs <paramref name="starter"/>, which starts async void methods, on a nested pump until every one of them
        /// has completed: the way to wait for an async void. Their builders capture this pump and report to it.
        /// </summary>
        public static void RunVoid(Action starter)
        {
            var previous = SynchronizationContext.Current;
            var pump = new PumpContext();
            SynchronizationContext.SetSynchronizationContext(pump);
            try
            {
                pump.OperationStarted();
                starter();
                pump.OperationCompleted();
                pump.RunUntil(() => pump.Operations == 0);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(previous);
            }
        }
    }

    /// <summary>Awaitables that always suspend exactly once, whatever the state of the task they wrap.</summary>
    public static class Await
    {
        /// <summary>Always suspends; resumes when the task is done. Critical awaiter: the builder's AwaitUnsafeOnCompleted.</summary>
        public static AlwaysAwaitable<T> Always<T>(Task<T> task) => new AlwaysAwaitable<T>(task);

        /// <summary>Always suspends; an <see cref="INotifyCompletion"/>-only awaiter: the builder's AwaitOnCompleted.</summary>
        public static PlainAwaitable Plain(Task task) => new PlainAwaitable(task);
    }

    public readonly struct AlwaysAwaitable<T>
    {
        readonly Task<T> task;
        public AlwaysAwaitable(Task<T> task) => this.task = task;
        public AlwaysAwaiter<T> GetAwaiter() => new AlwaysAwaiter<T>(task);
    }

    public readonly struct AlwaysAwaiter<T> : ICriticalNotifyCompletion
    {
        readonly Task<T> task;
        public AlwaysAwaiter(Task<T> task) => this.task = task;
        public bool IsCompleted => false;
        // TaskAwaiter never runs the continuation inline, even for a completed task: it posts it to the captured
        // context or queues it to the pool.
        public void OnCompleted(Action continuation) => task.GetAwaiter().OnCompleted(continuation);
        public void UnsafeOnCompleted(Action continuation) => task.GetAwaiter().UnsafeOnCompleted(continuation);
        public T GetResult() => task.GetAwaiter().GetResult();
    }

    public readonly struct PlainAwaitable
    {
        readonly Task task;
        public PlainAwaitable(Task task) => this.task = task;
        public PlainAwaiter GetAwaiter() => new PlainAwaiter(task);
    }

    public sealed class PlainAwaiter : INotifyCompletion
    {
        readonly Task task;
        public PlainAwaiter(Task task) => this.task = task;
        public bool IsCompleted => false;
        public void OnCompleted(Action continuation) => task.GetAwaiter().OnCompleted(continuation);
        public void GetResult() => task.GetAwaiter().GetResult();
    }

    /// <summary>The zoo checks its own results: woven code must compute exactly what the original computes.</summary>
    public static class Check
    {
        static readonly List<string> failures = new();

        public static IReadOnlyList<string> Failures
        {
            get { lock (failures) return failures.ToArray(); }
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                lock (failures) failures.Add($"{what}: expected {expected}, got {actual}");
        }

        public static void True(bool condition, string what)
        {
            if (!condition) lock (failures) failures.Add(what);
        }
    }
}
