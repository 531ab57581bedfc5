using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaving
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
    internal sealed class IteratorWeaver
    {
        readonly StateMachine machine;
        readonly MethodDefinition? moveNext;
        readonly MethodDefinition? dispose;

        public IteratorWeaver(StateMachine machine)
        {
            this.machine = machine;
            moveNext = StateMachineMembers.FindMoveNext(machine.Type);
            dispose = FindDispose(machine.Type);
            if (moveNext == null || moveNext.ReturnType.MetadataType != MetadataType.Boolean)
                Problem = "iterator state machine has no bool MoveNext()";
            else if (dispose == null)
                Problem = "iterator state machine has no IDisposable.Dispose body";
        }

        public string? Problem { get; }

        public MethodDefinition MoveNext => moveNext!;

        public void Weave(int index, MethodTable table, ProbeReferences probes)
        {
            var callField = StateMachineMembers.AddCallField(machine.Type, probes);

            var editor = new BodyEditor(MoveNext);
            var bodyStart = editor.Instructions[0];
            var yield = StateMachineMembers.LoadAddress(callField).ToList();
            yield.Insert(0, Instruction.Create(OpCodes.Dup));
            yield.Add(Instruction.Create(OpCodes.Call, probes.Yield));
            FaultWrapper.Wrap(editor, MoveNext,
                faultHandler: StateMachineHooks.CallProbe(probes.Fault, callField),
                beforeResult: new Instruction[0],
                afterResult: yield);
            editor.InsertPrologue(StateMachineHooks.MoveNextPrologue(probes.IteratorMoveNext, callField, index, table,
                probes, bodyStart));
            editor.Complete();

            var disposeEditor = new BodyEditor(dispose!);
            disposeEditor.InsertPrologue(StateMachineHooks.CallProbe(probes.Dispose, callField));
            disposeEditor.Complete();

            var state = StateMachineMembers.FindStateField(MoveNext, machine.Type);
            if (state != null)
                EnumeratorReuse.RestartCallOnReuse(machine.Type, state, callField, probes);
        }

        static MethodDefinition? FindDispose(TypeDefinition type) =>
            type.Methods.FirstOrDefault(m => m.HasBody && m.Parameters.Count == 0 &&
                (m.Name == "System.IDisposable.Dispose" ||
                 m.Overrides.Any(o => o.Name == "Dispose" && o.DeclaringType.FullName == "System.IDisposable"))) ??
            type.Methods.FirstOrDefault(m => m.HasBody && m.Parameters.Count == 0 && m.Name == "Dispose");
    }
}
