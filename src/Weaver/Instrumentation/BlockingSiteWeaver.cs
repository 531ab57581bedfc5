using System.Collections.Generic;
using System.Linq;
using AsyncProf.Weaver.Contract;
using AsyncProf.Weaver.Discovery;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Marks the blocking call sites of a profiled body (<c>Task.Wait</c>, <c>Task&lt;T&gt;.Result</c>,
    /// <c>TaskAwaiter[&lt;T&gt;].GetResult</c>, <c>Monitor.Enter</c>, <c>SemaphoreSlim.Wait</c>, <c>Thread.Sleep</c>,
    /// <c>Thread.Join</c>, <c>WaitHandle.WaitOne</c>):
    /// <code>
    /// start = BlockingProbe.Enter();          // .Result: dup; start = BlockingProbe.EnterTask(task)
    /// call the blocking method
    /// if (start != 0) BlockingProbe.Exit(start, SiteBase + site);
    /// </code>
    /// Each site is registered with the function it is in and its source line (the sequence point before it in the
    /// original body). Ordinary methods are marked in their profiled copy only; an async method's MoveNext, which has
    /// no idle copy, in place: idle, a site costs a static read, and <c>SiteBase</c> (whose type initializer
    /// registers the module) is read only when something records. The awaiter GetResult calls the compiler emits for
    /// every await of a state machine never block (the awaiter is complete by then) and are left alone there.
    /// </summary>
    internal static class BlockingSiteWeaver
    {
        /// <summary>(declaring type, method name) of the blocking calls; every overload counts.</summary>
        static readonly HashSet<(string Type, string Method)> Blocking = new HashSet<(string, string)>
        {
            ("System.Threading.Tasks.Task", "Wait"),
            ("System.Threading.Tasks.Task`1", "get_Result"),
            ("System.Runtime.CompilerServices.TaskAwaiter", "GetResult"),
            ("System.Runtime.CompilerServices.TaskAwaiter`1", "GetResult"),
            ("System.Threading.Monitor", "Enter"),
            ("System.Threading.SemaphoreSlim", "Wait"),
            ("System.Threading.Thread", "Sleep"),
            ("System.Threading.Thread", "Join"),
            ("System.Threading.WaitHandle", "WaitOne"),
        };

        static bool IsBlocking(Instruction i, out MethodReference callee)
        {
            callee = (i.Operand as MethodReference)!;
            if ((i.OpCode != OpCodes.Call && i.OpCode != OpCodes.Callvirt) || callee == null) return false;
            return Blocking.Contains((callee.DeclaringType.GetElementType().FullName, callee.Name));
        }

        static bool IsAwaiterResult(MethodReference callee) =>
            callee.Name == "GetResult" && callee.DeclaringType.GetElementType().FullName.StartsWith("System.Runtime.CompilerServices.TaskAwaiter", System.StringComparison.Ordinal);

        /// <summary>"System.Threading.Thread.Sleep": what the report says the site calls.</summary>
        static string CallName(MethodReference callee)
        {
            var type = callee.DeclaringType.GetElementType().FullName;
            var tick = type.IndexOf('`');
            if (tick >= 0) type = type.Substring(0, tick) + "<T>";
            var name = callee.Name.StartsWith("get_") ? callee.Name.Substring(4) : callee.Name;
            return type + "." + name;
        }

        /// <summary>The blocking calls of <paramref name="original"/>'s body with their source lines, in IL order.</summary>
        public static List<SourceLocation> Locate(MethodDefinition original, bool stateMachine = false)
        {
            var found = new List<SourceLocation>();
            if (!original.HasBody) return found;
            var points = original.DebugInformation.HasSequencePoints
                ? original.DebugInformation.SequencePoints.Where(p => !p.IsHidden).OrderBy(p => p.Offset).ToList()
                : new List<SequencePoint>();
            var fallback = SourceLocation.Of(original);
            foreach (var i in original.Body.Instructions)
            {
                if (!IsBlocking(i, out var callee) || (stateMachine && IsAwaiterResult(callee))) continue;
                var point = points.LastOrDefault(p => p.Offset <= i.Offset);
                found.Add(point != null ? new SourceLocation(point.Document?.Url ?? string.Empty, point.StartLine) : fallback);
            }
            return found;
        }

        /// <summary>
        /// Marks the blocking calls of <paramref name="body"/> (the profiled copy), the n-th with the n-th of
        /// <paramref name="locations"/>. Returns how many were marked.
        /// </summary>
        public static int Mark(MethodDefinition body, int methodIndex, IReadOnlyList<SourceLocation> locations, MethodTable table, ProbeReferences probes,
            bool stateMachine = false)
        {
            var calls = body.Body.Instructions.Where(i => IsBlocking(i, out var callee) && !(stateMachine && IsAwaiterResult(callee))).ToList();
            if (calls.Count == 0) return 0;
            var editor = new BodyEditor(body);
            var start = new VariableDefinition(body.Module.TypeSystem.Int64);
            editor.Body.Variables.Add(start);
            var marked = 0;
            for (var n = 0; n < calls.Count; n++)
            {
                var call = calls[n];
                IsBlocking(call, out var callee);
                // a prefixed call (constrained., readonly.) must stay right after its prefix
                if (call.Previous != null && call.Previous.OpCode.OpCodeType == OpCodeType.Prefix) continue;
                var location = n < locations.Count ? locations[n] : SourceLocation.Of(body);
                var site = table.AddSite(methodIndex, CallName(callee), location);
                var isResult = callee.Name == "get_Result";
                var before = isResult
                    ? new[] { Instruction.Create(OpCodes.Dup), Instruction.Create(OpCodes.Call, probes.BlockingEnterTask(callee.DeclaringType)), Instruction.Create(OpCodes.Stloc, start) }
                    : new[] { Instruction.Create(OpCodes.Call, probes.BlockingEnter), Instruction.Create(OpCodes.Stloc, start) };
                var next = call.Next;
                var after = new List<Instruction>
                {
                    Instruction.Create(OpCodes.Ldloc, start),
                    Instruction.Create(OpCodes.Brfalse, next),
                    Instruction.Create(OpCodes.Ldloc, start),
                };
                after.AddRange(table.EmitSiteId(site));
                after.Add(Instruction.Create(OpCodes.Call, probes.BlockingExit));
                editor.Surround(call, before, after);
                marked++;
            }
            editor.Complete();
            return marked;
        }
    }
}
