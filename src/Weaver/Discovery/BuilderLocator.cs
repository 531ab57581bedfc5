using System.Linq;
using AsyncProf.Weaver.Instrumentation;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Discovery
{
    /// <summary>
    /// Finds an async state machine's builder by shape, not by a list of type names, so custom
    /// [AsyncMethodBuilder] types work: the state machine field that receives the result of the builder type's
    /// static parameterless <c>Create()</c> (stored by the kickoff stub, or by the constructor or
    /// GetAsyncEnumerator of an async iterator). Only calls on that builder type count as awaits/completions:
    /// user code inside the method may call e.g. TaskCompletionSource.SetResult.
    /// </summary>
    internal static class BuilderLocator
    {
        public static FieldDefinition? Find(StateMachine machine)
        {
            foreach (var method in new[] { machine.Kickoff }.Concat(machine.Type.Methods))
            {
                if (!method.HasBody)
                    continue;
                foreach (var instruction in method.Body.Instructions)
                {
                    if (IsCreateCall(instruction, out var create) &&
                        instruction.Next is Instruction store && store.OpCode == OpCodes.Stfld &&
                        store.Operand is FieldReference field &&
                        SameType(field.FieldType, create.DeclaringType) &&
                        StateMachineMembers.FindField(machine.Type, field) is FieldDefinition builder)
                        return builder;
                }
            }
            // Compilers' own names (C#, VB), should the shape ever change.
            return machine.Type.Fields.FirstOrDefault(f => f.Name == "<>t__builder" || f.Name == "$Builder");
        }

        /// <summary>A call or callvirt whose declaring type is the builder's type (any instantiation).</summary>
        public static bool IsCallOn(Instruction instruction, TypeReference builderType, out MethodReference method)
        {
            method = null!;
            if ((instruction.OpCode != OpCodes.Call && instruction.OpCode != OpCodes.Callvirt) ||
                !(instruction.Operand is MethodReference called) || !SameType(called.DeclaringType, builderType))
                return false;
            method = called;
            return true;
        }

        public static bool IsAwait(MethodReference method) =>
            method.Name == "AwaitOnCompleted" || method.Name == "AwaitUnsafeOnCompleted";

        static bool IsCreateCall(Instruction instruction, out MethodReference create)
        {
            create = null!;
            if (instruction.OpCode != OpCodes.Call || !(instruction.Operand is MethodReference method) ||
                method.Name != "Create" || method.HasThis || method.Parameters.Count != 0 ||
                !SameType(method.ReturnType, method.DeclaringType))
                return false;
            create = method;
            return true;
        }

        static bool SameType(TypeReference a, TypeReference b) =>
            a.GetElementType().FullName == b.GetElementType().FullName;
    }
}
