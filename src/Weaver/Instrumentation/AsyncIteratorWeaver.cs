using System.Collections.Generic;
using System.Linq;
using AsyncProf.Weaver.Discovery;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Instruments an async iterator's state machine (always a class). Awaits suspend through the builder
    /// (AsyncIteratorMethodBuilder), <c>yield return</c> by completing the <c>ManualResetValueTaskSourceCore&lt;bool&gt;</c>
    /// promise with true, the end by completing it with false (after <c>builder.Complete()</c>, which is ignored):
    /// <list type="bullet">
    /// <item>MoveNext start: <c>if (Probe.Active) Probe.AsyncMoveNext(ref call, id)</c>, except when DisposeAsync runs
    /// MoveNext on an enumerator that never started (no user code runs: it must not count as a call);</item>
    /// <item>before each builder Await*: <c>Probe.Suspend</c>;</item>
    /// <item>before the promise's <c>SetResult(bool)</c>: <c>dup; Probe.Yield(hasMore, ref call)</c>;</item>
    /// <item>before the promise's <c>SetException</c>: <c>Probe.Fault</c>.</item>
    /// </list>
    /// Disposing an enumerator suspended at a yield re-runs MoveNext to execute finally blocks: that is a resume of
    /// the same call, which then completes at the promise's SetResult(false). See <see cref="EnumeratorReuse"/> for
    /// GetAsyncEnumerator.
    /// </summary>
    internal sealed class AsyncIteratorWeaver : StateMachineWeaver
    {
        const string PromiseType = "System.Threading.Tasks.Sources.ManualResetValueTaskSourceCore`1";
        /// <summary>Roslyn's state of an async iterator whose enumerator was created but never moved.</summary>
        const int NotStartedState = -3;

        readonly FieldDefinition? builder;
        readonly FieldDefinition? promise;
        readonly FieldDefinition? state;
        readonly FieldDefinition? disposeMode;

        public AsyncIteratorWeaver(StateMachine machine) : base(machine)
        {
            builder = BuilderLocator.Find(machine);
            promise = machine.Type.Fields.FirstOrDefault(f => f.FieldType.GetElementType().FullName == PromiseType);
            if (FoundMoveNext == null)
                Problem = "state machine has no MoveNext body";
            else if (builder == null)
                Problem = "cannot find the async iterator builder of its state machine";
            else if (promise == null || !FoundMoveNext.Body.Instructions.Any(i => IsPromiseCall(i, "SetResult")))
                Problem = "cannot find where its state machine completes the value-or-end promise";
            else
            {
                state = StateMachineMembers.FindStateField(FoundMoveNext, machine.Type);
                disposeMode = FindDisposeModeField(machine.Type);
            }
        }

        /// <summary>Weaving proceeds without the not-started guard when these could not be found.</summary>
        public bool HasDisposeGuard => state != null && disposeMode != null;

        public override string? Caveat => HasDisposeGuard ? null :
            "cannot find the state and dispose-mode fields of its state machine; disposing it before the first MoveNextAsync will count as a call";

        protected override void Instrument(Hooks hooks)
        {
            var probes = hooks.Probes;
            var editor = new BodyEditor(MoveNext);

            StateMachineHooks.InsertSuspends(editor, builder!.FieldType, hooks.CallField, probes);
            foreach (var call in editor.Instructions.ToList())
            {
                if (IsPromiseCall(call, "SetResult"))
                {
                    var yield = new List<Instruction> { Instruction.Create(OpCodes.Dup) };
                    yield.AddRange(hooks.Call(probes.Yield));
                    editor.InsertBefore(call, yield);
                }
                else if (IsPromiseCall(call, "SetException"))
                    editor.InsertBefore(call, hooks.Call(probes.Fault));
            }

            var originalStart = editor.Instructions[0];
            editor.InsertPrologue(hooks.MoveNextPrologue(probes.AsyncMoveNext, originalStart,
                HasDisposeGuard ? record => NotStartedDisposal(record, originalStart) : null));
            StateMachineHooks.InsertReturnProbes(editor, probes);
            editor.Complete();

            if (state != null)
                EnumeratorReuse.RestartCallOnReuse(Machine.Type, state, hooks.CallField, probes);
        }

        /// <summary><c>if (this.disposeMode &amp;&amp; this.state == -3) skip recording</c>.</summary>
        IEnumerable<Instruction> NotStartedDisposal(Instruction record, Instruction originalStart)
        {
            yield return Instruction.Create(OpCodes.Ldarg_0);
            yield return Instruction.Create(OpCodes.Ldfld, StateMachineMembers.SelfReference(disposeMode!));
            yield return Instruction.Create(OpCodes.Brfalse, record);
            yield return Instruction.Create(OpCodes.Ldarg_0);
            yield return Instruction.Create(OpCodes.Ldfld, StateMachineMembers.SelfReference(state!));
            yield return Instruction.Create(OpCodes.Ldc_I4, NotStartedState);
            yield return Instruction.Create(OpCodes.Beq, originalStart);
        }

        /// <summary>
        /// <c>ldflda promise; &lt;one value&gt;; call ManualResetValueTaskSourceCore&lt;bool&gt;::Name</c>: the receiver
        /// check keeps a user's own ManualResetValueTaskSourceCore (reached through another field) out.
        /// </summary>
        bool IsPromiseCall(Instruction instruction, string name) =>
            instruction.OpCode == OpCodes.Call && instruction.Operand is MethodReference method &&
            method.Name == name && method.Parameters.Count == 1 &&
            method.DeclaringType.GetElementType().FullName == PromiseType &&
            instruction.Previous?.Previous is Instruction receiver && receiver.OpCode == OpCodes.Ldflda &&
            receiver.Operand is FieldReference field && field.Name == promise!.Name &&
            StateMachineMembers.IsDeclaredBy(field, Machine.Type);

        /// <summary>DisposeAsync sets it before re-running MoveNext: <c>ldarg.0; ldc.i4.1; stfld bool disposeMode</c>.</summary>
        static FieldDefinition? FindDisposeModeField(TypeDefinition type)
        {
            foreach (var method in type.Methods.Where(m => m.HasBody && m.Name.EndsWith("DisposeAsync")))
            foreach (var store in method.Body.Instructions)
            {
                if (store.OpCode == OpCodes.Stfld && store.Operand is FieldReference field &&
                    field.FieldType.MetadataType == MetadataType.Boolean &&
                    InstructionConstants.TryGetInt32(store.Previous, out var value) && value == 1 &&
                    StateMachineMembers.FindField(type, field) is FieldDefinition found)
                    return found;
            }
            return type.Fields.FirstOrDefault(f => f.Name == "<>w__disposeMode");
        }
    }
}
