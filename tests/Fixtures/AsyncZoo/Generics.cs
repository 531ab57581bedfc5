using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using AsyncZoo.Infra;

namespace AsyncZoo
{
    /// <summary>
    /// Generic methods in generic types: the state machine re-declares both sets of generic parameters; the display
    /// name uses the declared parameter names, so every instantiation adds to one function.
    /// </summary>
    public sealed class Repo<T>
    {
        readonly T seed;

        public Repo(T seed) => this.seed = seed;

        // Generic async method in a generic type, called through 2 instantiations (value and reference types).
        [Expect("AsyncZoo.Repo<T>.Convert<U>", Calls = 3, Suspends = 3)]
        public async Task<string> Convert<U>(U other)
        {
            await Task.Yield();
            return $"{seed}/{other}";
        }

        // A generic iterator in a generic type: Repeat(x, 2) and Repeat(y, 3).
        [Expect("AsyncZoo.Repo<T>.Repeat", Calls = 2, Suspends = 5)]
        public IEnumerable<T> Repeat(int times)
        {
            for (int i = 0; i < times; i++) yield return seed;
        }

        // A constrained generic ValueTask method (U must be a value type and comparable).
        [Expect("AsyncZoo.Repo<T>.Largest<U>", Calls = 2, Suspends = 2)]
        public static async ValueTask<U> Largest<U>(IReadOnlyList<U> items) where U : struct, IComparable<U>
        {
            await Task.Yield();
            var best = items[0];
            foreach (var item in items) if (item.CompareTo(best) > 0) best = item;
            return best;
        }

        // A generic method holding a lambda: the lambda's closure class is generic too; the lambda is named after
        // the generic method.
        [Expect("AsyncZoo.Repo<T>.CountNonNull<U>", Calls = 2)]
        public int CountNonNull<U>(IEnumerable<U> items) =>
            System.Linq.Enumerable.Count(items, [Expect("AsyncZoo.Repo<T>.CountNonNull<U>.lambda#1", Calls = 5)] (U x) => x != null);

        /// <summary>A generic type nested in a generic type: IL gives it both T and P; users see Repo&lt;T&gt;.Page&lt;P&gt;.</summary>
        public sealed class Page<P>
        {
            // Async method of a nested generic type.
            [Expect("AsyncZoo.Repo<T>.Page<P>.Load", Calls = 2, Suspends = 4)]
            public async Task<int> Load(T key, P page)
            {
                await Task.Yield();
                await Task.Yield();
                return $"{key}{page}".Length;
            }
        }
    }

    /// <summary>A generic type with constraints (class + new()) holding a sync generic method.</summary>
    public static class Factory<T> where T : class, new()
    {
        [Expect("AsyncZoo.Factory<T>.Make", Calls = 2)]
        public static T Make() => new T();
    }

    public static class Generics
    {
        // Section runner: 3 Convert, 2 Largest, 2 Load awaits suspend.
        [Expect("AsyncZoo.Generics.Run", Calls = 1, Suspends = 7)]
        public static async Task Run()
        {
            var ints = new Repo<int>(7);
            var strings = new Repo<string>("s");
            Check.Equal("7/a", await ints.Convert("a"), "Repo<int>.Convert<string>");
            Check.Equal("7/b", await ints.Convert("b"), "Repo<int>.Convert<string>");
            Check.Equal("s/1.5", await strings.Convert(1.5), "Repo<string>.Convert<double>");
            Check.Equal(2, System.Linq.Enumerable.Count(ints.Repeat(2)), "Repeat 2");
            Check.Equal(3, System.Linq.Enumerable.Count(strings.Repeat(3)), "Repeat 3");
            Check.Equal(9, await Repo<string>.Largest(new[] { 3, 9, 1 }), "Largest<int>");
            Check.Equal(2.5, await Repo<object>.Largest(new[] { 2.5, -1.0 }), "Largest<double>");
            Check.Equal(3, await new Repo<int>.Page<string>().Load(12, "x"), "Page<string>.Load");
            Check.Equal(5, await new Repo<string>.Page<long>().Load("abc", 10L), "Page<long>.Load");
            Check.Equal(2, ints.CountNonNull(new[] { "a", null, "b" }), "CountNonNull<string>");
            Check.Equal(2, strings.CountNonNull(new int?[] { 1, 2 }), "CountNonNull<int?>");
            Check.True(Factory<List<int>>.Make() != null, "Factory<List<int>>");
            Check.True(Factory<object>.Make() != null, "Factory<object>");
        }
    }
}
