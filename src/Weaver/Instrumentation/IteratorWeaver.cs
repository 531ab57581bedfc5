using System.Linq;
using AsyncProf.Weaver.Discovery;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Instruments a sync iterator's state machine. MoveNext runs once per item, so one call spans many MoveNexts:
    /// <code>
    /// if (Probe.Active) Probe.IteratorMoveNext(ref this.&lt;&gt;ap__call, id);
    /// try { body, returns routed to EPILOGUE } fault { Probe.Fault(ref this.&lt;&gt;ap__call); }
    /// EPILOGUE: result; dup; Probe.Yield(hasMore, ref this.&lt;&gt;ap__call); return result;
    /// </code>
    /// and <c>Probe.Dispose(ref this.&lt;&gt;ap__call)</c> at the start of IDisposable.Dispose, which completes an
    /// enumeration abandoned before its end (see <see cref="EnumeratorReuse"/> for GetEnumerator).
    /// </summary>
    internal sealed class IteratorWeaver : StateMachineWeaver
    {
        readonly MethodDefinition? dispose;

        public IteratorWeaver(StateMachine machine) : base(machine)
        {
            dispose = FindDispose(machine.Type);
            if (FoundMoveNext == null || FoundMoveNext.ReturnType.MetadataType != MetadataType.Boolean)
                Problem = "iterator state machine has no bool MoveNext()";
            else if (dispose == null)
                Problem = "iterator state machine has no IDisposable.Dispose body";
        }

        protected override void Instrument(Hooks hooks)
        {
            var probes = hooks.Probes;
            var editor = new BodyEditor(MoveNext);
            var bodyStart = editor.Instructions[0];
            var yield = StateMachineMembers.LoadAddress(hooks.CallField).ToList();
            yield.Insert(0, Instruction.Create(OpCodes.Dup));
            yield.Add(Instruction.Create(OpCodes.Call, probes.Yield));
            FaultWrapper.Wrap(editor, MoveNext,
                faultHandler: hooks.Call(probes.Fault),
                beforeResult: new Instruction[0],
                afterResult: yield);
            editor.InsertPrologue(hooks.MoveNextPrologue(probes.IteratorMoveNext, bodyStart));
            editor.Complete();

            var disposeEditor = new BodyEditor(dispose!);
            disposeEditor.InsertPrologue(hooks.Call(probes.Dispose));
            disposeEditor.Complete();

            var state = StateMachineMembers.FindStateField(MoveNext, Machine.Type);
            if (state != null)
                EnumeratorReuse.RestartCallOnReuse(Machine.Type, state, hooks.CallField, probes);
        }

        static MethodDefinition? FindDispose(TypeDefinition type) =>
            type.Methods.FirstOrDefault(m => m.HasBody && m.Parameters.Count == 0 &&
                (m.Name == "System.IDisposable.Dispose" ||
                 m.Overrides.Any(o => o.Name == "Dispose" && o.DeclaringType.FullName == "System.IDisposable"))) ??
            type.Methods.FirstOrDefault(m => m.HasBody && m.Parameters.Count == 0 && m.Name == "Dispose");
    }
}
