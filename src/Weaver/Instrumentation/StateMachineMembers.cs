using System.Collections.Generic;
using System.Linq;
using AsyncProf.Weaver.Contract;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Members of a state machine type as its own methods must reference them. A generic state machine
    /// (<c>G`1/&lt;M&gt;d__0`1&lt;T,U&gt;</c>) must be referenced through a GenericInstanceType over its own
    /// parameters, or the JIT throws; a plain FieldDefinition only works for non-generic types.
    /// </summary>
    internal static class StateMachineMembers
    {
        public const string CallFieldName = "<>ap__call";

        /// <summary>Adds the <c>AsyncProf.AsyncCall &lt;&gt;ap__call</c> field that holds the call's state.</summary>
        public static FieldReference AddCallField(TypeDefinition stateMachine, ProbeReferences probes)
        {
            var field = new FieldDefinition(CallFieldName, FieldAttributes.Private, probes.AsyncCall);
            stateMachine.Fields.Add(field);
            return SelfReference(field);
        }

        public static FieldReference SelfReference(FieldDefinition field)
        {
            var owner = field.DeclaringType;
            if (!owner.HasGenericParameters)
                return field;
            var self = new GenericInstanceType(owner);
            foreach (var parameter in owner.GenericParameters)
                self.GenericArguments.Add(parameter);
            return new FieldReference(field.Name, field.FieldType, self);
        }

        /// <summary><c>ldarg.0; ldflda field</c>: the field's address, whether the state machine is a class (this) or a struct (this is a byref).</summary>
        public static IEnumerable<Instruction> LoadAddress(FieldReference field)
        {
            yield return Instruction.Create(OpCodes.Ldarg_0);
            yield return Instruction.Create(OpCodes.Ldflda, field);
        }

        /// <summary>True when the reference names a member of the state machine type (any instantiation).</summary>
        public static bool IsDeclaredBy(MemberReference member, TypeDefinition type) =>
            member.DeclaringType != null && member.DeclaringType.GetElementType().FullName == type.FullName;

        public static FieldDefinition? FindField(TypeDefinition type, FieldReference reference) =>
            IsDeclaredBy(reference, type) ? type.Fields.FirstOrDefault(f => f.Name == reference.Name) : null;

        /// <summary>The state field, by shape: MoveNext starts by loading it (<c>ldarg.0; ldfld int32 state</c>).</summary>
        public static FieldDefinition? FindStateField(MethodDefinition moveNext, TypeDefinition type)
        {
            var load = moveNext.Body.Instructions.FirstOrDefault(i => i.OpCode == OpCodes.Ldfld);
            if (load?.Operand is FieldReference field && field.FieldType.MetadataType == MetadataType.Int32 &&
                FindField(type, field) is FieldDefinition found)
                return found;
            return type.Fields.FirstOrDefault(f => f.Name == "<>1__state" || f.Name == "$State");
        }

        /// <summary><c>ldarg.0</c> of an instance method, in its short or (after SimplifyMacros) long form.</summary>
        public static bool IsLoadThis(Instruction? instruction, MethodDefinition method) =>
            instruction != null && !method.IsStatic &&
            (instruction.OpCode == OpCodes.Ldarg_0 ||
             (instruction.OpCode == OpCodes.Ldarg && instruction.Operand == method.Body.ThisParameter));

        public static MethodDefinition? FindMoveNext(TypeDefinition type) =>
            type.Methods.FirstOrDefault(m => m.Name == "MoveNext" && m.HasBody && !m.IsStatic && m.Parameters.Count == 0);
    }
}
