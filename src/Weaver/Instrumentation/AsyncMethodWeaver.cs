using System.Linq;
using AsyncProf.Weaver.Discovery;
using Mono.Cecil;

namespace AsyncProf.Weaver.Instrumentation
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
    internal sealed class AsyncMethodWeaver : StateMachineWeaver
    {
        readonly FieldDefinition? builder;

        public AsyncMethodWeaver(StateMachine machine) : base(machine)
        {
            builder = BuilderLocator.Find(machine);
            if (FoundMoveNext == null)
                Problem = "state machine has no MoveNext body";
            else if (builder == null)
                Problem = "cannot find the async method builder of its state machine";
        }

        protected override void Instrument(Hooks hooks)
        {
            var probes = hooks.Probes;
            var editor = new BodyEditor(MoveNext);
            var builderType = builder!.FieldType;

            StateMachineHooks.InsertSuspends(editor, builderType, hooks.CallField, probes);
            foreach (var call in editor.Instructions.ToList())
            {
                if (!BuilderLocator.IsCallOn(call, builderType, out var method))
                    continue;
                if (method.Name == "SetResult")
                    editor.InsertBefore(call, hooks.Call(probes.Complete));
                else if (method.Name == "SetException")
                    editor.InsertBefore(call, hooks.Call(probes.Fault));
            }

            editor.InsertPrologue(hooks.MoveNextPrologue(probes.AsyncMoveNext, editor.Instructions[0]));
            StateMachineHooks.InsertReturnProbes(editor, probes);
            editor.Complete();
        }
    }
}
