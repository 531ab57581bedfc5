using System.Linq;
using System.Runtime.CompilerServices;

namespace AsyncProf.ProbeLoops
{
    /// <summary>
    /// The probe events of one woven call, called exactly as woven code calls them (the shapes of
    /// benchmarks/ProbeBenchmarks), in loops of <c>n</c> calls the harness times. Each returns a checksum so the
    /// JIT keeps the work.
    /// </summary>
    public static class Loops
    {
        static readonly int Base = Probe.RegisterModule("sync\tAB.Leaf\t\t0\nasync\tAB.Async\t\t0\niterator\tAB.Items\t\t0\nsync\tAB.Caller\t\t0");

        /// <summary>Starts the whole-process session every loop records into.</summary>
        public static void StartRecording() => Profiler.Start();

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int Work(int x) => x * 31 + 7;

        /// <summary>A woven sync call with no profiled caller (a thread's top frame).</summary>
        public static long SyncCall(int n)
        {
            long sum = 0;
            for (var i = 0; i < n; i++) sum += WovenLeaf(Base, i);
            return sum;
        }

        /// <summary>A woven sync call inside a woven caller, as almost every call is: 16 per caller, the caller's own events included.</summary>
        public static long NestedSyncCall(int n)
        {
            long sum = 0;
            for (var i = 0; i < n; i += 16)
            {
                var token = Probe.Active ? Probe.Enter(Base + 3) : 0;
                try
                {
                    for (var j = 0; j < 16; j++) sum += WovenLeaf(Base, j);
                }
                catch { Probe.ExitFault(token); throw; }
                Probe.Exit(token);
            }
            return sum;
        }

        const int TreeCallers = 256, TreeCallees = 16;
        static readonly int TreeBase = Probe.RegisterModule(string.Join("\n",
            Enumerable.Range(0, TreeCallers + TreeCallees).Select(i => "sync\tAB.Tree" + i + "\t\t0")));

        /// <summary>
        /// Nested calls over a wide tree, the worst case for locality: under one root call, 256 callers taking turns
        /// in a stride, each calling 16 callees, so 4,096 tree nodes (more than a core's L2 cache holds), nearly
        /// all of them touched once per CPU window, and 16 children to find under every caller.
        /// </summary>
        public static long TreeCall(int n)
        {
            long sum = 0;
            var root = Probe.Active ? Probe.Enter(TreeBase) : 0;
            for (var i = 0; i < n; i += TreeCallees)
            {
                var caller = 1 + (i / TreeCallees * 97) % (TreeCallers - 1); // a stride, so neighbours in time are not in memory (0 is the root)
                var token = Probe.Active ? Probe.Enter(TreeBase + caller) : 0;
                try
                {
                    for (var j = 0; j < TreeCallees; j++) sum += WovenLeaf(TreeBase + TreeCallers + j, j);
                }
                catch { Probe.ExitFault(token); throw; }
                Probe.Exit(token);
            }
            Probe.Exit(root);
            return sum;
        }

        /// <summary>A woven method of <paramref name="functionId"/>, as the weaver weaves one (Enter, try/fault, Exit).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        static int WovenLeaf(int functionId, int x)
        {
            var token = Probe.Active ? Probe.Enter(functionId) : 0;
            int result;
            try { result = Work(x); }
            catch { Probe.ExitFault(token); throw; }
            Probe.Exit(token);
            return result;
        }

        /// <summary>A woven async call through a real builder: start, one suspension, resume, completion.</summary>
        public static long AsyncCallWithOneSuspension(int n)
        {
            long sum = 0;
            for (var i = 0; i < n; i++)
            {
                var sm = new Machine();
                var builder = AsyncTaskMethodBuilder.Create();
                builder.Start(ref sm);
                sum += sm.Result;
            }
            return sum;
        }

        static AsyncCall items;

        /// <summary>One item of a woven iterator: MoveNext resume and yield.</summary>
        public static long IteratorItem(int n)
        {
            long sum = 0;
            for (var i = 0; i < n; i++)
            {
                if (Probe.Active) Probe.IteratorMoveNext(ref items, Base + 2);
                sum += Work(i);
                Probe.Yield(true, ref items);
            }
            return sum;
        }

        struct Machine : IAsyncStateMachine
        {
            public int Result;
            AsyncCall call;

            public void MoveNext()
            {
                if (Probe.Active) Probe.AsyncMoveNext(ref call, Base + 1);
                Result = Work(1);
                Probe.Suspend(ref call);
                Probe.MoveNextReturn(); // the suspended MoveNext returns
                if (Probe.Active) Probe.AsyncMoveNext(ref call, Base + 1);
                Result += Work(2);
                Probe.Complete(ref call);
            }

            public void SetStateMachine(IAsyncStateMachine stateMachine) { }
        }
    }
}
