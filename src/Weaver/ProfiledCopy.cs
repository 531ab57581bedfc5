using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaving
{
    /// <summary>
    /// Splits an ordinary method in two, so that a woven app nobody profiles runs its original code:
    /// <code>
    /// M(args)          { if (Probe.Active) return M$profiled(args); original body, untouched }
    /// M$profiled(args) { a copy of the body, woven with Enter / try-fault / Exit (OrdinaryMethodWeaver) }
    /// </code>
    /// Idle, a call pays one static field check: no exception region (which stops the JIT from inlining the method
    /// and keeps the token in memory), no exit test. Recording, exits stay exact through the copy's fault handler.
    /// Measured in docs/performance.md: the try/fault region alone cost more than the whole rest of an idle probe.
    /// </summary>
    internal static class ProfiledCopy
    {
        public const string Suffix = "$profiled";

        /// <summary>
        /// Constructors stay woven in place (a copy could not call the base constructor nor set readonly fields),
        /// and so do varargs methods (their arguments cannot be forwarded).
        /// </summary>
        public static bool CanSplit(MethodDefinition method) =>
            method.HasBody && !method.IsConstructor && method.CallingConvention != MethodCallingConvention.VarArg &&
            !method.Body.Instructions.Any(i => i.OpCode == OpCodes.Arglist);

        /// <summary>Adds the copy to the method's type, makes the original forward to it while profiling, and returns the copy.</summary>
        public static MethodDefinition Split(MethodDefinition original, ProbeReferences probes) =>
            Split(original, probes, new Instruction[0]);

        /// <summary>
        /// The same for a runtime-async method, whose forwarder must await the copy (its ret returns T, not the task):
        /// <c>if (Probe.Active) return AsyncHelpers.Await(copy(args));</c>, the call-then-Await shape the JIT turns
        /// into a direct async call. <paramref name="helpers"/> is the AsyncHelpers type as the body already names it.
        /// Null when the method returns something no Await overload takes (then it is woven in place).
        /// </summary>
        public static MethodDefinition? SplitRuntimeAsync(MethodDefinition original, ProbeReferences probes, TypeReference helpers)
        {
            var await = AwaitOf(original.ReturnType, helpers, original.Module);
            return await == null ? null : Split(original, probes, new[] { Instruction.Create(OpCodes.Call, await) });
        }

        static MethodDefinition Split(MethodDefinition original, ProbeReferences probes, IReadOnlyList<Instruction> afterCall)
        {
            var copy = CreateCopy(original);
            original.DeclaringType.Methods.Add(copy);
            CopyBody(original, copy); // once the copy has a type: its `this` parameter needs one
            Forward(original, copy, probes, afterCall);
            return copy;
        }

        /// <summary><c>AsyncHelpers.Await(Task)</c>, <c>Await&lt;T&gt;(Task&lt;T&gt;)</c> and the ValueTask pair, for a method returning <paramref name="returned"/>.</summary>
        static MethodReference? AwaitOf(TypeReference returned, TypeReference helpers, ModuleDefinition module)
        {
            var name = returned is GenericInstanceType g ? g.ElementType.FullName : returned.FullName;
            switch (name)
            {
                case "System.Threading.Tasks.Task":
                case "System.Threading.Tasks.ValueTask":
                {
                    var await = new MethodReference("Await", module.TypeSystem.Void, helpers) { HasThis = false };
                    await.Parameters.Add(new ParameterDefinition(returned));
                    return await;
                }
                case "System.Threading.Tasks.Task`1":
                case "System.Threading.Tasks.ValueTask`1":
                {
                    var generic = (GenericInstanceType)returned;
                    var open = new MethodReference("Await", module.TypeSystem.Void, helpers) { HasThis = false };
                    var t = new GenericParameter("T", open);
                    open.GenericParameters.Add(t);
                    open.ReturnType = t;
                    var awaited = new GenericInstanceType(generic.ElementType);
                    awaited.GenericArguments.Add(t);
                    open.Parameters.Add(new ParameterDefinition(awaited));
                    var await = new GenericInstanceMethod(open);
                    await.GenericArguments.Add(generic.GenericArguments[0]);
                    return await;
                }
                default:
                    return null;
            }
        }

        static MethodDefinition CreateCopy(MethodDefinition original)
        {
            var attributes = MethodAttributes.Private | MethodAttributes.HideBySig | (original.Attributes & MethodAttributes.Static);
            var copy = new MethodDefinition(UniqueName(original), attributes, original.ReturnType)
            {
                ImplAttributes = original.ImplAttributes & ~MethodImplAttributes.Synchronized, // the forwarder holds the lock
                HasThis = original.HasThis,
                ExplicitThis = original.ExplicitThis,
                CallingConvention = original.CallingConvention,
            };
            // Generic parameters are encoded by position, so the copied body's references to the original's (!!0)
            // name the copy's own; constraints are copied so the JIT accepts the same instantiations.
            foreach (var parameter in original.GenericParameters)
            {
                var own = new GenericParameter(parameter.Name, copy) { Attributes = parameter.Attributes };
                foreach (var constraint in parameter.Constraints)
                    own.Constraints.Add(new GenericParameterConstraint(constraint.ConstraintType));
                copy.GenericParameters.Add(own);
            }
            foreach (var parameter in original.Parameters)
                copy.Parameters.Add(new ParameterDefinition(parameter.Name,
                    parameter.Attributes & ~(ParameterAttributes.HasDefault | ParameterAttributes.HasFieldMarshal), parameter.ParameterType));
            foreach (var attribute in original.CustomAttributes.Where(IsDiagnosticsAttribute))
                copy.CustomAttributes.Add(new CustomAttribute(attribute.Constructor, attribute.GetBlob()));
            return copy;
        }

        /// <summary>Attributes that change how the method shows in stack traces and debuggers: the copy runs the same code.</summary>
        static bool IsDiagnosticsAttribute(CustomAttribute attribute) =>
            attribute.AttributeType.Namespace == "System.Diagnostics";

        static string UniqueName(MethodDefinition original)
        {
            var name = original.Name + Suffix;
            var taken = new HashSet<string>(original.DeclaringType.Methods.Select(m => m.Name));
            for (var n = 2; taken.Contains(name); n++)
                name = original.Name + Suffix + n;
            return name;
        }

        static void CopyBody(MethodDefinition original, MethodDefinition copy)
        {
            var from = original.Body;
            var to = copy.Body;
            to.InitLocals = from.InitLocals;
            to.MaxStackSize = from.MaxStackSize;
            foreach (var variable in from.Variables)
                to.Variables.Add(new VariableDefinition(variable.VariableType));

            var instructions = new Dictionary<Instruction, Instruction>();
            foreach (var instruction in from.Instructions)
            {
                var own = Instruction.Create(OpCodes.Nop);
                own.OpCode = instruction.OpCode;
                own.Operand = instruction.Operand;
                instructions.Add(instruction, own);
                to.Instructions.Add(own);
            }
            foreach (var own in to.Instructions)
            {
                switch (own.Operand)
                {
                    case Instruction target: own.Operand = instructions[target]; break;
                    case Instruction[] targets: own.Operand = targets.Select(t => instructions[t]).ToArray(); break;
                    // the copy's variables and parameters sit at the original's indexes (`this` is -1)
                    case VariableDefinition variable: own.Operand = to.Variables[variable.Index]; break;
                    case ParameterDefinition parameter: own.Operand = parameter.Index < 0 ? to.ThisParameter : copy.Parameters[parameter.Index]; break;
                }
            }
            Instruction? Map(Instruction? i) => i == null ? null : instructions[i];
            foreach (var handler in from.ExceptionHandlers)
                to.ExceptionHandlers.Add(new ExceptionHandler(handler.HandlerType)
                {
                    CatchType = handler.CatchType,
                    TryStart = Map(handler.TryStart),
                    TryEnd = Map(handler.TryEnd),
                    HandlerStart = Map(handler.HandlerStart),
                    HandlerEnd = Map(handler.HandlerEnd),
                    FilterStart = Map(handler.FilterStart),
                });

            // Sequence points and local scopes, so stack traces and debuggers read the copy like the original.
            var debug = original.DebugInformation;
            var byOffset = new Dictionary<int, Instruction>();
            foreach (var instruction in from.Instructions)
                byOffset[instruction.Offset] = instructions[instruction];
            if (debug.HasSequencePoints)
                foreach (var point in debug.SequencePoints.Where(p => byOffset.ContainsKey(p.Offset)))
                    copy.DebugInformation.SequencePoints.Add(new SequencePoint(byOffset[point.Offset], point.Document)
                    {
                        StartLine = point.StartLine, StartColumn = point.StartColumn, EndLine = point.EndLine, EndColumn = point.EndColumn,
                    });
            if (debug.Scope != null)
                copy.DebugInformation.Scope = CopyScope(debug.Scope, byOffset, to.Variables);
        }

        /// <summary>The scope for the copy, or null when its start names no instruction (a damaged PDB): scopes only name locals.</summary>
        static ScopeDebugInformation? CopyScope(ScopeDebugInformation scope, Dictionary<int, Instruction> byOffset,
            Mono.Collections.Generic.Collection<VariableDefinition> variables)
        {
            Instruction? At(InstructionOffset offset) =>
                offset.IsEndOfMethod || !byOffset.TryGetValue(offset.Offset, out var own) ? null : own;
            var start = At(scope.Start);
            if (start == null)
                return null;
            var own = new ScopeDebugInformation(start, At(scope.End)) { Import = scope.Import };
            foreach (var variable in scope.Variables.Where(v => v.Index >= 0 && v.Index < variables.Count))
                own.Variables.Add(new VariableDebugInformation(variables[variable.Index], variable.Name) { Attributes = variable.Attributes });
            foreach (var constant in scope.Constants)
                own.Constants.Add(constant);
            foreach (var inner in scope.Scopes)
                if (CopyScope(inner, byOffset, variables) is ScopeDebugInformation copied)
                    own.Scopes.Add(copied);
            return own;
        }

        /// <summary>Prepends <c>if (Probe.Active) return copy(args);</c> to the original, whose body is otherwise untouched.</summary>
        static void Forward(MethodDefinition original, MethodDefinition copy, ProbeReferences probes, IReadOnlyList<Instruction> afterCall)
        {
            var editor = new BodyEditor(original);
            var bodyStart = editor.Instructions[0];
            var prologue = new List<Instruction>
            {
                Instruction.Create(OpCodes.Ldsfld, probes.Active),
                Instruction.Create(OpCodes.Brfalse, bodyStart),
            };
            if (original.HasThis)
                prologue.Add(Instruction.Create(OpCodes.Ldarg, editor.Body.ThisParameter));
            foreach (var parameter in original.Parameters)
                prologue.Add(Instruction.Create(OpCodes.Ldarg, parameter));
            prologue.Add(Instruction.Create(OpCodes.Call, SelfReference(original, copy)));
            prologue.AddRange(afterCall);
            prologue.Add(Instruction.Create(OpCodes.Ret));
            editor.InsertPrologue(prologue);
            editor.Complete();
        }

        /// <summary>
        /// The copy as the original's body must call it: through its type's own instantiation when that type is
        /// generic, and instantiated over the original's own generic parameters when the method is.
        /// </summary>
        static MethodReference SelfReference(MethodDefinition original, MethodDefinition copy)
        {
            var owner = copy.DeclaringType;
            MethodReference reference = copy;
            if (owner.HasGenericParameters)
            {
                var self = new GenericInstanceType(owner);
                foreach (var parameter in owner.GenericParameters)
                    self.GenericArguments.Add(parameter);
                reference = new MethodReference(copy.Name, copy.ReturnType, self)
                {
                    HasThis = copy.HasThis,
                    ExplicitThis = copy.ExplicitThis,
                    CallingConvention = copy.CallingConvention,
                };
                foreach (var parameter in copy.Parameters)
                    reference.Parameters.Add(new ParameterDefinition(parameter.ParameterType));
                foreach (var parameter in copy.GenericParameters)
                    reference.GenericParameters.Add(new GenericParameter(parameter.Name, reference));
            }
            if (!copy.HasGenericParameters)
                return reference;
            var instance = new GenericInstanceMethod(reference);
            foreach (var parameter in original.GenericParameters)
                instance.GenericArguments.Add(parameter);
            return instance;
        }
    }
}
