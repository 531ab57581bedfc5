using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using AsyncProf.Weaver.Contract;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
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
            !BodyEditor.Uses(method.Body, OpCodes.Arglist);

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
            // internal, so other types' copies can call it direct (ProfiledCallSites); private in an interface
            var access = original.DeclaringType.IsInterface ? MethodAttributes.Private : MethodAttributes.Assembly;
            var attributes = access | MethodAttributes.HideBySig | (original.Attributes & MethodAttributes.Static);
            var copy = new MethodDefinition(CopyName(original), attributes, original.ReturnType)
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

        /// <summary>
        /// <c>M$profiled</c>, shared by M's overloads (their signatures differ); a counter only where the type already
        /// has a method of that name. The type's own names are gathered once: rescanning them per method was
        /// quadratic in the type's size.
        /// </summary>
        static string CopyName(MethodDefinition original)
        {
            var taken = OriginalNames.GetValue(original.DeclaringType, type => new HashSet<string>(type.Methods.Select(m => m.Name)));
            var name = original.Name + Suffix;
            for (var n = 2; taken.Contains(name); n++)
                name = original.Name + Suffix + n;
            return name;
        }

        /// <summary>The names a type had before any copy was added to it (the first split in a type fills it).</summary>
        static readonly ConditionalWeakTable<TypeDefinition, HashSet<string>> OriginalNames = new ConditionalWeakTable<TypeDefinition, HashSet<string>>();

        static void CopyBody(MethodDefinition original, MethodDefinition copy)
        {
            var from = original.Body;
            var to = copy.Body;
            to.InitLocals = from.InitLocals;
            to.MaxStackSize = from.MaxStackSize;
            foreach (var variable in from.Variables)
                to.Variables.Add(new VariableDefinition(variable.VariableType));

            // The copy's instructions by the original's index: while copying, each original instruction carries its
            // index in Offset (restored after), so operands map through an array instead of a dictionary per method.
            var source = from.Instructions;
            var copied = to.Instructions;
            var count = source.Count;
            copied.Capacity = count + 32; // room for the probe code the copy is woven with, without regrowing
            var offsets = Buffers.Offsets(count);
            var maxOffset = 0;
            for (var i = 0; i < count; i++)
            {
                var instruction = source[i];
                offsets[i] = instruction.Offset;
                maxOffset = Math.Max(maxOffset, instruction.Offset); // offsets as read; code added by an earlier Fody weaver has 0
                instruction.Offset = i;
                var own = Instruction.Create(OpCodes.Nop);
                own.OpCode = instruction.OpCode;
                own.Operand = instruction.Operand;
                copied.Add(own);
            }
            Instruction Map(Instruction i) => copied[i.Offset];
            foreach (var own in copied)
            {
                switch (own.Operand)
                {
                    case Instruction target: own.Operand = Map(target); break;
                    case Instruction[] targets:
                        var mapped = new Instruction[targets.Length];
                        for (var i = 0; i < targets.Length; i++) mapped[i] = Map(targets[i]);
                        own.Operand = mapped;
                        break;
                    // the copy's variables and parameters sit at the original's indexes (`this` is -1)
                    case VariableDefinition variable: own.Operand = to.Variables[variable.Index]; break;
                    case ParameterDefinition parameter: own.Operand = parameter.Index < 0 ? to.ThisParameter : copy.Parameters[parameter.Index]; break;
                }
            }
            Instruction? MapOrNull(Instruction? i) => i == null ? null : Map(i);
            foreach (var handler in from.ExceptionHandlers)
                to.ExceptionHandlers.Add(new ExceptionHandler(handler.HandlerType)
                {
                    CatchType = handler.CatchType,
                    TryStart = MapOrNull(handler.TryStart),
                    TryEnd = MapOrNull(handler.TryEnd),
                    HandlerStart = MapOrNull(handler.HandlerStart),
                    HandlerEnd = MapOrNull(handler.HandlerEnd),
                    FilterStart = MapOrNull(handler.FilterStart),
                });

            // Sequence points and local scopes name the offsets the body was read at, so stack traces and debuggers
            // read the copy like the original.
            var byOffset = Buffers.ByOffset(maxOffset + 1);
            for (var i = 0; i < count; i++)
            {
                source[i].Offset = offsets[i];
                if (offsets[i] >= 0) byOffset[offsets[i]] = copied[i];
            }
            Instruction? At(int offset) => offset >= 0 && offset <= maxOffset ? byOffset[offset] : null;
            var debug = original.DebugInformation;
            if (debug.HasSequencePoints)
                foreach (var point in debug.SequencePoints)
                    if (At(point.Offset) is Instruction own)
                        copy.DebugInformation.SequencePoints.Add(new SequencePoint(own, point.Document)
                        {
                            StartLine = point.StartLine, StartColumn = point.StartColumn, EndLine = point.EndLine, EndColumn = point.EndColumn,
                        });
            if (debug.Scope != null)
                copy.DebugInformation.Scope = CopyScope(debug.Scope, At, to.Variables);
            Array.Clear(byOffset, 0, maxOffset + 1);
        }

        /// <summary>Tables reused from one copy to the next, so copying a body allocates only what the copy keeps.</summary>
        static class Buffers
        {
            [ThreadStatic] static int[]? offsets;
            [ThreadStatic] static Instruction?[]? byOffset;

            public static int[] Offsets(int size) => offsets != null && offsets.Length >= size ? offsets : offsets = new int[Math.Max(size, 1024)];

            /// <summary>Cleared: the caller clears what it used.</summary>
            public static Instruction?[] ByOffset(int size) => byOffset != null && byOffset.Length >= size ? byOffset : byOffset = new Instruction?[Math.Max(size, 4096)];
        }

        /// <summary>The scope for the copy, or null when its start names no instruction (a damaged PDB): scopes only name locals.</summary>
        static ScopeDebugInformation? CopyScope(ScopeDebugInformation scope, Func<int, Instruction?> byOffset,
            Mono.Collections.Generic.Collection<VariableDefinition> variables)
        {
            Instruction? At(InstructionOffset offset) => offset.IsEndOfMethod ? null : byOffset(offset.Offset);
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

        /// <summary>
        /// Prepends <c>if (Probe.Active) return copy(args);</c> to the original, whose body is otherwise left as it was
        /// read: code put before the first instruction moves no branch, handler or sequence point of the body relative
        /// to another, so nothing is re-encoded (no BodyEditor pass over a body we do not change).
        /// </summary>
        static void Forward(MethodDefinition original, MethodDefinition copy, ProbeReferences probes, IReadOnlyList<Instruction> afterCall)
        {
            var body = original.Body;
            var bodyStart = body.Instructions[0];
            var forward = new List<Instruction>();
            if (original.HasThis)
                forward.Add(Instruction.Create(OpCodes.Ldarg_0));
            foreach (var parameter in original.Parameters)
                forward.Add(LoadArgument(parameter, original.HasThis ? parameter.Index + 1 : parameter.Index));
            forward.Add(Instruction.Create(OpCodes.Call, SelfReference(original, copy)));
            forward.AddRange(afterCall);
            forward.Add(Instruction.Create(OpCodes.Ret));
            var skip = forward.Sum(i => i.GetSize()) <= sbyte.MaxValue ? OpCodes.Brfalse_S : OpCodes.Brfalse;

            var prologue = new List<Instruction> { Instruction.Create(OpCodes.Ldsfld, probes.Active), Instruction.Create(skip, bodyStart) };
            prologue.AddRange(forward);
            body.Instructions.Capacity = body.Instructions.Count + prologue.Count; // one exact regrowth, not a doubling
            for (var i = 0; i < prologue.Count; i++)
                body.Instructions.Insert(i, prologue[i]);

            // Hidden from debuggers; it comes first, so the sequence points stay in offset order.
            var debug = original.DebugInformation;
            if (debug.HasSequencePoints)
                debug.SequencePoints.Insert(0, new SequencePoint(prologue[0], debug.SequencePoints[0].Document)
                    { StartLine = BodyEditor.HiddenLine, EndLine = BodyEditor.HiddenLine });
        }

        /// <summary>The shortest form of <c>ldarg</c> for the argument at <paramref name="index"/> (<c>this</c> counts).</summary>
        static Instruction LoadArgument(ParameterDefinition parameter, int index)
        {
            switch (index)
            {
                case 0: return Instruction.Create(OpCodes.Ldarg_0);
                case 1: return Instruction.Create(OpCodes.Ldarg_1);
                case 2: return Instruction.Create(OpCodes.Ldarg_2);
                case 3: return Instruction.Create(OpCodes.Ldarg_3);
                default: return Instruction.Create(index <= byte.MaxValue ? OpCodes.Ldarg_S : OpCodes.Ldarg, parameter);
            }
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
