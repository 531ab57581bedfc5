using System.Collections.Generic;
using System.Linq;
using AsyncProf.Weaver.Contract;
using AsyncProf.Weaver.Discovery;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>Probe calls shared by the state machine weavers. All of them are stack-neutral.</summary>
    internal static class StateMachineHooks
    {
        /// <summary><c>Probe.X(ref this.&lt;&gt;ap__call)</c>.</summary>
        public static List<Instruction> CallProbe(MethodReference probe, FieldReference callField)
        {
            var code = StateMachineMembers.LoadAddress(callField).ToList();
            code.Add(Instruction.Create(OpCodes.Call, probe));
            return code;
        }

        /// <summary>
        /// <c>if (Probe.Active) Probe.MoveNextReturn()</c> before every <c>ret</c> of an async MoveNext: a segment that
        /// suspended ends there, once the builder's Await call has allocated what the suspension costs. Reads no state
        /// machine field, so it is safe after the Await call.
        /// </summary>
        public static void InsertReturnProbes(BodyEditor editor, ProbeReferences probes)
        {
            foreach (var ret in editor.Instructions.Where(i => i.OpCode == OpCodes.Ret).ToList())
            {
                var code = new List<Instruction>
                {
                    Instruction.Create(OpCodes.Ldsfld, probes.Active),
                    Instruction.Create(OpCodes.Brfalse, ret),
                    Instruction.Create(OpCodes.Call, probes.MoveNextReturn),
                };
                editor.InsertBefore(ret, code);
                editor.MarkHidden(code[0]);
            }
        }

        /// <summary>
        /// <c>Probe.Suspend(ref call)</c> right before every AwaitOnCompleted/AwaitUnsafeOnCompleted of the builder:
        /// the arguments already pushed stay on the stack, and nothing is touched after the call, because by then the
        /// continuation may already run MoveNext on another thread (and a struct state machine may have been copied).
        /// </summary>
        public static void InsertSuspends(BodyEditor editor, TypeReference builderType, FieldReference callField, ProbeReferences probes)
        {
            var awaits = editor.Instructions
                .Where(i => BuilderLocator.IsCallOn(i, builderType, out var m) && BuilderLocator.IsAwait(m))
                .ToList();
            foreach (var call in awaits)
                editor.InsertBefore(call, CallProbe(QueuesContinuation((MethodReference)call.Operand) ? probes.SuspendQueued : probes.Suspend, callField));
        }

        /// <summary>
        /// True for an await whose awaiter queues the continuation at once (Task.Yield's): all of that suspension is
        /// spent waiting for a thread (the wall split's queued part). <paramref name="await"/> is the builder's
        /// Await*OnCompleted&lt;TAwaiter, TStateMachine&gt; or AsyncHelpers' (Unsafe)AwaitAwaiter&lt;TAwaiter&gt;.
        /// </summary>
        public static bool QueuesContinuation(MethodReference await) =>
            await is GenericInstanceMethod g && g.GenericArguments.Count > 0 &&
            g.GenericArguments[0].FullName == "System.Runtime.CompilerServices.YieldAwaitable/YieldAwaiter";
    }
}
