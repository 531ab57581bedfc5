using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using AsyncZoo.Infra;

namespace AsyncZoo
{
    /// <summary>Async methods whose builder is not the default one: the weaver must match builders by shape.</summary>
    public static class Builders
    {
        // Section runner: Pooled x5, PooledVoid x3, Custom x3 each suspend.
        [Expect("AsyncZoo.Builders.Run", Calls = 1, Suspends = 11)]
        public static async Task Run()
        {
            for (int i = 0; i < 5; i++) Check.Equal(i, await Pooled(i), "Pooled");
            for (int i = 0; i < 3; i++) await PooledVoid();
            await Custom(fail: false);
            await Custom(fail: false);
            try { await Custom(fail: true); Check.True(false, "Custom did not throw"); }
            catch (InvalidOperationException) { }
#if !RUNTIME_ASYNC // the runtime-async compiler (Roslyn 5.9) ignores a method's [AsyncMethodBuilder]: Custom has no builder there
            Check.Equal(2, ZooTaskBuilder.Results, "custom builder SetResult calls");
            Check.Equal(1, ZooTaskBuilder.Exceptions, "custom builder SetException calls");
#endif
        }

        // PoolingAsyncValueTaskMethodBuilder<T> chosen per method with [AsyncMethodBuilder].
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        [Expect("AsyncZoo.Builders.Pooled", Calls = 5, Suspends = 10)]
        public static async ValueTask<int> Pooled(int x)
        {
            await Task.Yield();
            await Task.Yield();
            return x;
        }

        // The non-generic pooling builder.
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        [Expect("AsyncZoo.Builders.PooledVoid", Calls = 3, Suspends = 3)]
        public static async ValueTask PooledVoid() => await Task.Yield();

        // A builder type of our own (same Create/Start/Await*/SetResult/SetException/Task shape); one call faults.
        [AsyncMethodBuilder(typeof(ZooTaskBuilder))]
        [Expect("AsyncZoo.Builders.Custom", Calls = 3, Suspends = 6, Faults = 1)]
        public static async Task Custom(bool fail)
        {
            await Task.Yield();
            await Task.Yield();
            if (fail) throw new InvalidOperationException("custom builder fault");
        }
    }

    /// <summary>A custom async method builder for Task that counts its completions and forwards to the default one.</summary>
    public struct ZooTaskBuilder
    {
        public static int Results, Exceptions;
        AsyncTaskMethodBuilder inner;

        public static ZooTaskBuilder Create() => new ZooTaskBuilder { inner = AsyncTaskMethodBuilder.Create() };

        public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine =>
            inner.Start(ref stateMachine);

        public void SetStateMachine(IAsyncStateMachine stateMachine) => inner.SetStateMachine(stateMachine);

        public void SetResult()
        {
            Interlocked.Increment(ref Results);
            inner.SetResult();
        }

        public void SetException(Exception exception)
        {
            Interlocked.Increment(ref Exceptions);
            inner.SetException(exception);
        }

        public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
            where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
            inner.AwaitOnCompleted(ref awaiter, ref stateMachine);

        public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
            where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
            inner.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);

        public Task Task => inner.Task;
    }
}
