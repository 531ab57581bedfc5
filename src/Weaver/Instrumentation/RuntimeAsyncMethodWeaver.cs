using System.Collections.Generic;
using System.Linq;
using AsyncProf.Weaver.Contract;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Instruments a runtime-async method (.NET 11, <c>MethodImplAttributes.Async</c> 0x2000): no state machine, the
    /// runtime suspends and resumes the frame itself, each await is a call to <c>AsyncHelpers.Await*</c>, and the
    /// frame's locals survive a suspension, so the call's state lives in a local:
    /// <code>
    /// call = default; if (Probe.Active) Probe.RuntimeAsyncStart(ref call, Base + index);
    /// try {
    ///   body, each await site as: [awaited] dup; Probe.RuntimeAsyncAwait(awaited, ref call); AsyncHelpers.Await(awaited);
    ///                             Probe.RuntimeAsyncResume(ref call);
    ///   (AwaitAwaiter/UnsafeAwaitAwaiter: Probe.Suspend(ref call) before, the compiler calls them only when IsCompleted was false)
    ///   every catch, filter and finally handler starting with Probe.RuntimeAsyncResume(ref call),
    ///   returns routed to EPILOGUE
    /// } fault { Probe.RuntimeAsyncResume(ref call); Probe.Fault(ref call); }
    /// EPILOGUE: Probe.Complete(ref call); return result;
    /// </code>
    /// The awaited task's IsCompleted, read before the Await call, tells whether the frame suspends there (Await
    /// suspends exactly when it is false). There is no instruction of ours where the suspended frame returns, so its
    /// segment stays on top across the Await call until the thread's next probe event (the caller's own, normally):
    /// the runtime's suspension work is the callee's, as a state machine's AwaitUnsafeOnCompleted is.
    /// </summary>
    internal sealed class RuntimeAsyncMethodWeaver
    {
        const MethodImplAttributes RuntimeAsync = (MethodImplAttributes)0x2000;
        const string HelpersType = "System.Runtime.CompilerServices.AsyncHelpers";

        /// <summary>What <c>AsyncHelpers.Await(X)</c> overloads take, each with a matching Probe.RuntimeAsyncAwait overload.</summary>
        static readonly HashSet<string> AwaitedTypes = new HashSet<string>
        {
            "System.Threading.Tasks.Task", "System.Threading.Tasks.Task`1",
            "System.Threading.Tasks.ValueTask", "System.Threading.Tasks.ValueTask`1",
            "System.Runtime.CompilerServices.ConfiguredTaskAwaitable", "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1",
            "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable", "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1",
        };

        readonly MethodDefinition method;
        readonly List<(Instruction Call, bool AlwaysSuspends)> awaits = new List<(Instruction, bool)>();

        public static bool IsRuntimeAsync(MethodDefinition method) => (method.ImplAttributes & RuntimeAsync) != 0;

        public RuntimeAsyncMethodWeaver(MethodDefinition method)
        {
            this.method = method;
            foreach (var instruction in method.Body.Instructions)
            {
                if (!(instruction.Operand is MethodReference callee) || callee.DeclaringType.FullName != HelpersType)
                    continue;
                if (instruction.OpCode != OpCodes.Call)
                {
                    Problem = "calls AsyncHelpers." + callee.Name + " with " + instruction.OpCode + " (only call is understood)";
                    return;
                }
                if (callee.Name == "AwaitAwaiter" || callee.Name == "UnsafeAwaitAwaiter")
                    awaits.Add((instruction, true));
                else if (callee.Name == "Await" && callee.Parameters.Count == 1 && AwaitedTypes.Contains(ElementName(callee.Parameters[0].ParameterType)))
                    awaits.Add((instruction, false));
                else if (callee.Name.Contains("Await"))
                {
                    Problem = "awaits through AsyncHelpers." + callee.Name + "(" +
                              string.Join(", ", callee.Parameters.Select(p => p.ParameterType.Name)) + "), which this weaver does not know";
                    return;
                }
            }
            if (ResultType(method) is ByReferenceType)
                Problem = "returns a byref, which a runtime-async method cannot";
        }

        /// <summary>The AsyncHelpers type as this body names it (from its first await), or null if it never awaits.</summary>
        public TypeReference? Helpers => awaits.Count == 0 ? null : ((MethodReference)awaits[0].Call.Operand).DeclaringType;

        /// <summary>Why this method cannot be woven, or null.</summary>
        public string? Problem { get; }

        public void Weave(int index, MethodTable table, ProbeReferences probes)
        {
            var editor = new BodyEditor(method);
            var call = new VariableDefinition(probes.AsyncCall);
            editor.Body.Variables.Add(call);
            var bodyStart = editor.Instructions[0];

            foreach (var (site, alwaysSuspends) in awaits)
            {
                var before = alwaysSuspends
                    ? new List<Instruction>
                    {
                        Instruction.Create(OpCodes.Ldloca, call),
                        Instruction.Create(OpCodes.Call, StateMachineHooks.QueuesContinuation((MethodReference)site.Operand) ? probes.SuspendQueued : probes.Suspend),
                    }
                    : new List<Instruction>
                    {
                        Instruction.Create(OpCodes.Dup),
                        Instruction.Create(OpCodes.Ldloca, call),
                        Instruction.Create(OpCodes.Call, probes.RuntimeAsyncAwait((MethodReference)site.Operand)),
                    };
                editor.InsertBefore(site, before);
                editor.MarkHidden(before[0]);
                var after = new[] { Instruction.Create(OpCodes.Ldloca, call), Instruction.Create(OpCodes.Call, probes.RuntimeAsyncResume) };
                editor.InsertAfter(site, after);
                editor.MarkHidden(after[0]);
            }

            // An awaited task that faults throws out of the Await call after the frame resumed, skipping the resume
            // probe after it: the next code the frame runs is one of its handlers, so each one starts by resuming
            // (a no-op while the call runs).
            foreach (var handler in editor.Body.ExceptionHandlers.ToList())
            {
                var start = handler.HandlerType == ExceptionHandlerType.Filter ? handler.FilterStart : handler.HandlerStart;
                var resume = new[] { Instruction.Create(OpCodes.Ldloca, call), Instruction.Create(OpCodes.Call, probes.RuntimeAsyncResume) };
                editor.InsertBefore(start, resume);
                editor.MarkHidden(resume[0]); // (a filter's handler runs after its filter, which resumed already)
            }

            FaultWrapper.Wrap(editor, method,
                faultHandler: new[]
                {
                    Instruction.Create(OpCodes.Ldloca, call),
                    Instruction.Create(OpCodes.Call, probes.RuntimeAsyncResume),
                    Instruction.Create(OpCodes.Ldloca, call),
                    Instruction.Create(OpCodes.Call, probes.Fault),
                },
                beforeResult: new[] { Instruction.Create(OpCodes.Ldloca, call), Instruction.Create(OpCodes.Call, probes.Complete) },
                afterResult: new Instruction[0],
                resultType: ResultType(method));

            // Zeroed on every path: the method may skip locals init, and a resumed frame must never see a stale call.
            var prologue = new List<Instruction>
            {
                Instruction.Create(OpCodes.Ldloca, call),
                Instruction.Create(OpCodes.Initobj, probes.AsyncCall),
                Instruction.Create(OpCodes.Ldsfld, probes.Active),
                Instruction.Create(OpCodes.Brfalse, bodyStart),
                Instruction.Create(OpCodes.Ldloca, call),
            };
            prologue.AddRange(table.EmitId(index));
            prologue.Add(Instruction.Create(OpCodes.Call, probes.RuntimeAsyncStart));
            editor.InsertPrologue(prologue);
            editor.Complete();
        }

        /// <summary>What the body's ret instructions return: T for Task&lt;T&gt;/ValueTask&lt;T&gt;, nothing for Task/ValueTask.</summary>
        static TypeReference ResultType(MethodDefinition method)
        {
            var declared = method.ReturnType;
            if (declared is GenericInstanceType generic && generic.GenericArguments.Count == 1)
                return generic.GenericArguments[0];
            return method.Module.TypeSystem.Void;
        }

        static string ElementName(TypeReference type) => type is GenericInstanceType generic ? generic.ElementType.FullName : type.FullName;
    }
}
