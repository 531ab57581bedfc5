using System.Collections.Generic;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Points the calls a profiled copy makes to another split method of the module straight at that method's copy:
    /// <c>M$profiled</c> calls <c>N$profiled</c>, not <c>N</c>. A copy only runs while a session records, when N's
    /// forwarder would send the call there anyway; going direct saves a frame per recorded call (the forwarder's
    /// prologue, Active check and jump: the JIT gives it the whole original's prologue), which the probe-cost
    /// correction cannot see and so left in the figures. Idle code never calls a copy.
    /// </summary>
    /// <remarks>
    /// Only calls the copy itself dispatches: <c>call</c>, and <c>callvirt</c> of a method that is not virtual (the
    /// C# compiler's null-checked instance call). A virtual call's target is chosen at run time, a <c>constrained.</c>
    /// call's too, and a delegate (<c>ldftn</c>) may outlive the session: those stay as compiled. A synchronized
    /// method is never called direct: its forwarder holds the lock, the copy does not.
    /// </remarks>
    internal static class ProfiledCallSites
    {
        /// <summary>Redirects the call sites of every copy in <paramref name="copies"/> (original → copy); returns how many.</summary>
        public static int Redirect(IReadOnlyDictionary<MethodDefinition, MethodDefinition> copies)
        {
            var redirected = 0;
            foreach (var copy in copies.Values)
            {
                Instruction? previous = null;
                foreach (var instruction in copy.Body.Instructions)
                {
                    if (previous?.OpCode.Code != Code.Constrained && instruction.Operand is MethodReference target &&
                        (instruction.OpCode.Code == Code.Call || instruction.OpCode.Code == Code.Callvirt) &&
                        CopyOf(target, copies) is MethodDefinition callee &&
                        (instruction.OpCode.Code == Code.Call || !callee.IsVirtual))
                    {
                        instruction.Operand = Reference(target, copies[callee]);
                        redirected++;
                    }
                    previous = instruction;
                }
            }
            return redirected;
        }

        /// <summary>The split method a call site names, or null (another module's, not split, synchronized, or an interface's, whose copy is private).</summary>
        static MethodDefinition? CopyOf(MethodReference target, IReadOnlyDictionary<MethodDefinition, MethodDefinition> copies)
        {
            var element = target is GenericInstanceMethod generic ? generic.ElementMethod : target;
            var definition = element as MethodDefinition;
            // a method of a generic type of this module, named through an instantiation of it
            if (definition == null && element.DeclaringType is GenericInstanceType owner && owner.ElementType is TypeDefinition)
                definition = element.Resolve();
            if (definition == null || !copies.ContainsKey(definition) || definition.IsSynchronized || definition.DeclaringType.IsInterface)
                return null;
            return definition;
        }

        /// <summary><paramref name="target"/>, renamed to the copy: the same owner, instantiation and signature.</summary>
        static MethodReference Reference(MethodReference target, MethodDefinition copy)
        {
            if (target is GenericInstanceMethod generic)
            {
                var instance = new GenericInstanceMethod(Reference(generic.ElementMethod, copy));
                foreach (var argument in generic.GenericArguments)
                    instance.GenericArguments.Add(argument);
                return instance;
            }
            if (target is MethodDefinition)
                return copy;
            var reference = new MethodReference(copy.Name, target.ReturnType, target.DeclaringType)
            {
                HasThis = target.HasThis,
                ExplicitThis = target.ExplicitThis,
                CallingConvention = target.CallingConvention,
            };
            foreach (var parameter in target.Parameters)
                reference.Parameters.Add(new ParameterDefinition(parameter.ParameterType));
            foreach (var parameter in target.GenericParameters)
                reference.GenericParameters.Add(new GenericParameter(parameter.Name, reference));
            return reference;
        }
    }
}
