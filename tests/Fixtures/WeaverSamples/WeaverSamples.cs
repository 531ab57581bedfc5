using System;
using System.Collections.Generic;
using System.Threading.Tasks;

// Code the weaver tests weave (in a copy of this fixture's build) to check names, kinds and the IL it produces.
// Line numbers matter to WovenSamplesTests: keep new members at the end.
namespace AsyncProf.Tests.Weaver.Samples
{
    public class Repo<T>
    {
        public async Task<U> Convert<U>(T value, Func<T, U> convert)
        {
            await Task.Yield();
            return convert(value);
        }

        public IEnumerable<T> Repeat(T value, int count)
        {
            for (int i = 0; i < count; i++)
                yield return value;
        }

        public async IAsyncEnumerable<T> RepeatAsync(T value, int count)
        {
            for (int i = 0; i < count; i++)
            {
                await Task.Yield();
                yield return value;
            }
        }

        public class Inner
        {
            public int Get() => 1;
        }
    }

    public static class Outer
    {
        public static int Prop { get; set; }

        public static Func<int, int> MakeLambda() => x => x + 1;

        public static int TwoLambdas()
        {
            Func<int> first = () => 1;
            Func<int> second = () => 2;
            return first() + second();
        }

        public static int WithLocal(int a)
        {
            return Square(a);
            static int Square(int b) => b * b;
        }

        public static Func<int> Capture(int a) => () => a + Prop;

        public static async Task<int> WithAsyncLambda()
        {
            Func<Task<int>> lambda = async () => { await Task.Yield(); return 1; };
            return await lambda();
        }

        public static async Task UsesCompletionSource()
        {
            var source = new TaskCompletionSource<int>();
            source.SetResult(1); // not the builder's SetResult: must not complete the call
            await source.Task;
        }

        public static int Throws(int x)
        {
            if (x > 0)
                throw new InvalidOperationException("x");
            return x;
        }

        // The compiler numbers lambdas and local functions with one counter: Helper takes ordinal 0, the lambda 1.
        public static int Mixed()
        {
            static int Helper(int x) => x + 1;
            Func<int, int> twice = x => Helper(x) * 2;
            return twice(1);
        }

        // Overloads share a name but not a method ordinal: each numbers its own lambdas from 1.
        public static int Overloaded(int a)
        {
            Func<int> first = () => a;
            return first();
        }

        public static int Overloaded(string s)
        {
            Func<int> first = () => s.Length;
            Func<int> second = () => 2;
            return first() + second();
        }
    }

    public record Point(int X, int Y);
}
