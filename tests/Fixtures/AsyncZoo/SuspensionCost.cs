using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using AsyncZoo.Infra;

namespace AsyncZoo
{
    /// <summary>
    /// A callee whose suspensions allocate visibly: a 4 KB struct live across every await is what a state machine
    /// boxes at its first suspension and what a runtime-async frame copies into each continuation it allocates. That
    /// cost is the callee's in both builds (SuspensionCostTests), never its caller's nor the pump's.
    /// </summary>
    public static class SuspensionCost
    {
        public const int Awaits = 32;
        public const int StateBytes = 4096;

        [InlineArray(StateBytes / sizeof(long))]
        struct State
        {
            long element;
        }

        // A warm-up call of the callee first: its JIT and the runtime's first-time work for its frame (type loading,
        // continuation layouts) happen in the segment that calls it, which would otherwise be Caller's.
        [Expect("AsyncZoo.SuspensionCost.Run", Calls = 1, Suspends = 2)]
        public static async Task Run()
        {
            Check.Equal(Expected, await Callee(), "SuspensionCost.Callee (warm-up)");
            Check.Equal(Expected, await Caller(), "SuspensionCost.Callee");
        }

        // Awaits the callee (which suspended) once, and does nothing else.
        [Expect("AsyncZoo.SuspensionCost.Caller", Calls = 1, Suspends = 1)]
        public static async Task<long> Caller() => await Callee();

        [Expect("AsyncZoo.SuspensionCost.Callee", Calls = 2, Suspends = 2 * Awaits)]
        public static async Task<long> Callee()
        {
            var state = new State();
            for (var i = 0; i < Awaits; i++)
            {
                await Task.Yield();
                state[i * 16 % (StateBytes / sizeof(long))] += i;
            }
            long sum = 0;
            for (var i = 0; i < StateBytes / sizeof(long); i++) sum += state[i];
            return sum;
        }

        const long Expected = (long)Awaits * (Awaits - 1) / 2;
    }
}
