using System.Runtime.CompilerServices;
using System.Threading.Tasks;

// What WeaveSelectionTests weaves (alone, stripped out of a copy of this fixture's build): one member of each kind the
// weaver leaves out by default, and small members it must keep.
namespace AsyncProf.Tests.Weaver.Selection
{
    public class Shapes
    {
        int count;

        // compiler plumbing: get_AutoProperty, set_AutoProperty
        public int AutoProperty { get; set; }

        // trivial: a field load, a field store, arithmetic on arguments
        public int Count => count;
        public void Reset() => count = 0;
        public static int Helper(int x) => x + 1;

        // left out for its attribute, though it makes a call
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Twice(int x) => Helper(x) * 2;

        // kept: a loop, a call, a state machine, a task-returning call that does work
        public static int Spin(int n)
        {
            while (n > 0) n--;
            return n;
        }
        public string Describe() => count.ToString();
        public async Task<int> TinyAsync()
        {
            await Task.CompletedTask;
            return 1;
        }
        public Task<int> Later() => Task.FromResult(count);
    }

    // the constructor is kept (it calls object's); Equals, GetHashCode, PrintMembers, <Clone>$, get_A... are plumbing
    public record Pair(int A, int B);

    // trivial: a struct constructor storing one field
    public struct Cell
    {
        public int V;
        public Cell(int v) { V = v; }
    }
}
