using System.Linq;
using AsyncProf.Weaver.Contract;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// An iterator's GetEnumerator (GetAsyncEnumerator) hands out the state machine object itself when it is
    /// finished (state -2) and asked on its creating thread; with the .NET 10 SDK, Dispose sets the state back to -2,
    /// so one object can run several enumerations. Each enumeration is a call of its own: where GetEnumerator
    /// re-initializes <c>this</c> for handing it out (<c>ldarg.0; ldc.i4 initial; stfld state</c>),
    /// <c>Probe.Restart(ref this.&lt;&gt;ap__call)</c> turns a finished call back into a not-started one, or the next
    /// MoveNext would find it done and record nothing. The other path hands out a new object, fresh already.
    /// </summary>
    internal static class EnumeratorReuse
    {
        public static void RestartCallOnReuse(TypeDefinition machine, FieldDefinition state, FieldReference callField, ProbeReferences probes)
        {
            foreach (var method in machine.Methods.Where(m => m.HasBody &&
                         (m.Name.EndsWith("GetEnumerator") || m.Name.EndsWith("GetAsyncEnumerator"))))
            {
                var reinitializations = method.Body.Instructions.Where(i =>
                    i.OpCode == OpCodes.Stfld && i.Operand is FieldReference field && field.Name == state.Name &&
                    StateMachineMembers.IsDeclaredBy(field, machine) &&
                    StateMachineMembers.IsLoadThis(i.Previous?.Previous, method)).ToList();
                if (reinitializations.Count == 0)
                    continue;

                var editor = new BodyEditor(method);
                foreach (var store in reinitializations)
                {
                    editor.InsertAfter(store, StateMachineHooks.CallProbe(probes.Restart, callField));
                }
                editor.Complete();
            }
        }
    }
}
