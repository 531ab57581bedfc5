using System.Threading.Tasks;

namespace AsyncZoo
{
    /// <summary>Nested types are joined with "." in display names (never "+" or "/").</summary>
    public static class Outer
    {
        public static class Inner
        {
            // Async method of a nested type.
            [Expect("AsyncZoo.Outer.Inner.Method", Calls = 2, Suspends = 2)]
            public static async Task<int> Method(int x)
            {
                await Task.Yield();
                return x + 1;
            }

            public sealed class Deeper
            {
                // Instance sync method two levels down.
                [Expect("AsyncZoo.Outer.Inner.Deeper.Sync", Calls = 3)]
                public int Sync(int x) => x * 2;
            }
        }

        // Section runner.
        [Expect("AsyncZoo.Outer.Run", Calls = 1, Suspends = 2)]
        public static async Task<int> Run()
        {
            int sum = await Inner.Method(1) + await Inner.Method(2);
            var deeper = new Inner.Deeper();
            for (int i = 0; i < 3; i++) sum += deeper.Sync(i);
            return sum; // 2 + 3 + 0 + 2 + 4
        }
    }
}
