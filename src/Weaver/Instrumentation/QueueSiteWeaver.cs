using System.Linq;
using AsyncProf.Weaver.Contract;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Marks the calls of a profiled body that queue work to the thread pool and return its task (<c>Task.Run</c>,
    /// <c>TaskFactory[&lt;T&gt;].StartNew</c>), so the work knows how long it waited for a thread (the wall split's
    /// queued part):
    /// <code>
    /// start = QueueProbe.Before();
    /// call Task.Run(...)               // the task stays on the stack
    /// dup; QueueProbe.Queued(task, start)
    /// </code>
    /// Placed where blocking sites are (<see cref="BlockingSiteWeaver"/>): an ordinary method's profiled copy, an async
    /// MoveNext in place (idle, a static read).
    /// </summary>
    internal static class QueueSiteWeaver
    {
        static bool IsQueuing(Instruction i)
        {
            if ((i.OpCode != OpCodes.Call && i.OpCode != OpCodes.Callvirt) || !(i.Operand is MethodReference callee)) return false;
            var type = callee.DeclaringType.GetElementType().FullName;
            var queues = (type == "System.Threading.Tasks.Task" && callee.Name == "Run") ||
                         ((type == "System.Threading.Tasks.TaskFactory" || type == "System.Threading.Tasks.TaskFactory`1") && callee.Name == "StartNew");
            return queues && callee.ReturnType.GetElementType().FullName.StartsWith("System.Threading.Tasks.Task", System.StringComparison.Ordinal);
        }

        /// <summary>Marks the queuing calls of <paramref name="body"/>; returns how many.</summary>
        public static int Mark(MethodDefinition body, ProbeReferences probes)
        {
            if (!body.HasBody) return 0;
            var calls = body.Body.Instructions.Where(IsQueuing).ToList();
            if (calls.Count == 0) return 0;
            var editor = new BodyEditor(body);
            var start = new VariableDefinition(body.Module.TypeSystem.Int64);
            editor.Body.Variables.Add(start);
            var marked = 0;
            foreach (var call in calls)
            {
                if (call.Previous != null && call.Previous.OpCode.OpCodeType == OpCodeType.Prefix) continue; // a prefix stays right before its call
                var task = ((MethodReference)call.Operand).ReturnType.GetElementType();
                var before = new[] { Instruction.Create(OpCodes.Call, probes.QueueBefore), Instruction.Create(OpCodes.Stloc, start) };
                var after = new[]
                {
                    Instruction.Create(OpCodes.Dup),
                    Instruction.Create(OpCodes.Ldloc, start),
                    Instruction.Create(OpCodes.Call, probes.QueueQueued(task)),
                };
                editor.Surround(call, before, after);
                marked++;
            }
            editor.Complete();
            return marked;
        }
    }
}
