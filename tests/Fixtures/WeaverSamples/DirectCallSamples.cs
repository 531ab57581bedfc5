using System.Runtime.CompilerServices;

// The call shapes ProfiledCallSites points straight at the callee's profiled copy, and those it must leave alone
// (WovenSamplesTests, "direct calls").
namespace AsyncProf.Tests.Weaver.Samples
{
    public class Calls
    {
        int seed = 1;

        /// <summary>Each callee once, in every shape a C# call compiles to; 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 for n = 1.</summary>
        public int All(int n)
        {
            var box = new Box<string>("x");
            return Twice(n) + Step(n) + Virtual(n) + Locked(n) + Box<int>.Square(n + 1) + box.Length(n) + Pick<long>(n) + Base(n);
        }

        static int Twice(int n) => n * 2 - 1 + 0 * Trace(n);          // static call
        int Step(int n) => n + seed + 0 * Trace(n);                    // instance, non-virtual: callvirt
        protected virtual int Virtual(int n) => n + 2 + 0 * Trace(n);  // virtual: chosen at run time, not redirected
        [MethodImpl(MethodImplOptions.Synchronized)]
        int Locked(int n) => n + 3 + 0 * Trace(n);                     // synchronized: the forwarder takes the lock
        int Pick<T>(int n) => n + 6 + 0 * Trace(n);                    // generic method
        int Base(int n) => n + 7 + 0 * Trace(n);

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int Trace(int n) => n > 1000 ? 1 : 0;                   // a call, so none of them is left out as trivial
    }

    public class Box<T>
    {
        readonly T value;
        public Box(T value) { this.value = value; }

        public static int Square(int n) => n * n + 1 + 0 * n.GetHashCode();            // static, generic type
        public int Length(int n) => n + 5 + (value == null ? 1 : 0) + 0 * n.GetHashCode(); // instance, generic type
    }
}
