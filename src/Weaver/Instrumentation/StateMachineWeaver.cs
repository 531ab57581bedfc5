using System;
using System.Collections.Generic;
using System.Linq;
using AsyncProf.Weaver.Contract;
using AsyncProf.Weaver.Discovery;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// What weaving any state machine takes, whatever its kind (async method, sync iterator, async iterator): a shape
    /// check before anything is changed (<see cref="Problem"/>), the call field added to the machine, and
    /// <c>if (Probe.Active) Probe.X(ref call, id)</c> at the start of MoveNext. Each kind adds its own probes in
    /// <see cref="Instrument"/> (suspensions, yields, completion, faults, disposal).
    /// </summary>
    internal abstract class StateMachineWeaver
    {
        readonly MethodDefinition? moveNext;

        protected StateMachineWeaver(StateMachine machine)
        {
            Machine = machine;
            moveNext = StateMachineMembers.FindMoveNext(machine.Type);
        }

        /// <summary>The weaver for the kind of <paramref name="machine"/>.</summary>
        public static StateMachineWeaver For(StateMachine machine) => machine.Kind switch
        {
            MethodKind.Async => new AsyncMethodWeaver(machine),
            MethodKind.Iterator => new IteratorWeaver(machine),
            MethodKind.AsyncIterator => new AsyncIteratorWeaver(machine),
            _ => throw new ArgumentException("not a state machine kind: " + machine.Kind, nameof(machine)),
        };

        public StateMachine Machine { get; }
        public MethodKind Kind => Machine.Kind;

        /// <summary>The MoveNext body, or null when the machine has none (then <see cref="Problem"/> says so).</summary>
        protected MethodDefinition? FoundMoveNext => moveNext;
        public MethodDefinition MoveNext => moveNext!;

        /// <summary>Why this state machine cannot be woven (it is then left unchanged), or null.</summary>
        public string? Problem { get; protected set; }

        /// <summary>What weaving had to do without and what that costs the profile (the caller warns), or null.</summary>
        public virtual string? Caveat => null;

        /// <summary>Adds the call field, then this kind's probes.</summary>
        public void Weave(int index, MethodTable table, ProbeReferences probes) =>
            Instrument(new Hooks(StateMachineMembers.AddCallField(Machine.Type, probes), index, table, probes));

        protected abstract void Instrument(Hooks hooks);

        /// <summary>The probe calls a state machine's code gets, bound to its call field and its method id.</summary>
        protected sealed class Hooks
        {
            readonly int index;
            readonly MethodTable table;

            public Hooks(FieldReference callField, int index, MethodTable table, ProbeReferences probes)
            {
                CallField = callField;
                this.index = index;
                this.table = table;
                Probes = probes;
            }

            public FieldReference CallField { get; }
            public ProbeReferences Probes { get; }

            /// <summary><c>Probe.X(ref this.&lt;&gt;ap__call)</c>.</summary>
            public List<Instruction> Call(MethodReference probe) => StateMachineHooks.CallProbe(probe, CallField);

            /// <summary>
            /// <c>if (Probe.Active) Probe.X(ref this.&lt;&gt;ap__call, Base + index)</c> for the start of MoveNext, which
            /// otherwise goes on at <paramref name="originalStart"/>. <paramref name="extraCondition"/> may add tests
            /// between the two: it gets the instruction that records (branch there to record) and must otherwise branch
            /// to the original code, with an empty stack.
            /// </summary>
            public List<Instruction> MoveNextPrologue(MethodReference probe, Instruction originalStart,
                Func<Instruction, IEnumerable<Instruction>>? extraCondition = null)
            {
                var record = StateMachineMembers.LoadAddress(CallField).ToList();
                record.AddRange(table.EmitId(index));
                record.Add(Instruction.Create(OpCodes.Call, probe));

                var code = new List<Instruction>
                {
                    Instruction.Create(OpCodes.Ldsfld, Probes.Active),
                    Instruction.Create(OpCodes.Brfalse, originalStart),
                };
                if (extraCondition != null)
                    code.AddRange(extraCondition(record[0]));
                code.AddRange(record);
                return code;
            }
        }
    }
}
