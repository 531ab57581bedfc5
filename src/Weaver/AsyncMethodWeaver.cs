using System.Linq;
using Mono.Cecil;

namespace AsyncProf.Weaving
{
    /// <summary>
    /// Instruments an async method's state machine (never the kickoff stub):
    /// <list type="bullet">
    /// <item>MoveNext start: <c>if (Probe.Active) Probe.AsyncMoveNext(ref this.&lt;&gt;ap__call, id)</c> (first call starts, later ones resume);</item>
    /// <item>before each builder Await*: <c>Probe.Suspend</c>;</item>
    /// <item>before the builder's SetResult / SetException: <c>Probe.Complete</c> / <c>Probe.Fault</c>, recorded before
    /// they can run the caller's continuation inline;</item>
    /// <item>before each <c>ret</c>: <c>Probe.MoveNextReturn</c>, where a suspended segment ends.</item>
    /// </list>
    /// Works for class (Debug) and struct (Release) state machines, any builder with the standard shape.
    /// </summary>
    internal sealed class AsyncMethodWeaver
    {
        readonly StateMachine machine;
        readonly MethodDefinition? moveNext;
        readonly FieldDefinition? builder;

        public AsyncMethodWeaver(StateMachine machine)
        {
            this.machine = machine;
            moveNext = StateMachineMembers.FindMoveNext(machine.Type);
            builder = BuilderLocator.Find(machine);
            if (moveNext == null)
                Problem = "state machine has no MoveNext body";
            else if (builder == null)
                Problem = "cannot find the async method builder of its state machine";
        }

        /// <summary>Why this state machine cannot be woven, or null.</summary>
        public string? Problem { get; }

        public MethodDefinition MoveNext => moveNext!;

        public void Weave(int index, MethodTable table, ProbeReferences probes)
        {
            var callField = StateMachineMembers.AddCallField(machine.Type, probes);
            var editor = new BodyEditor(MoveNext);
            var builderType = builder!.FieldType;

            StateMachineHooks.InsertSuspends(editor, builderType, callField, probes);
            foreach (var call in editor.Instructions.ToList())
            {
                if (!BuilderLocator.IsCallOn(call, builderType, out var method))
                    continue;
                if (method.Name == "SetResult")
                    editor.InsertBefore(call, StateMachineHooks.CallProbe(probes.Complete, callField));
                else if (method.Name == "SetException")
                    editor.InsertBefore(call, StateMachineHooks.CallProbe(probes.Fault, callField));
            }

            editor.InsertPrologue(StateMachineHooks.MoveNextPrologue(probes.AsyncMoveNext, callField, index, table,
                probes, editor.Instructions[0]));
            StateMachineHooks.InsertReturnProbes(editor, probes);
            editor.Complete();
        }
    }
}
