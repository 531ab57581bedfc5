using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Cli
{
    /// <summary>
    /// Finds where a method body's evaluation stack goes wrong (underflow, different depths where paths meet,
    /// a return with the wrong depth, running off the end), by following every path through its IL. The JIT says
    /// only "invalid program"; this says at which IL offset, for the kind of error a rewriter makes.
    /// </summary>
    public static class StackCheck
    {
        /// <summary>"IL_0012: pops 1 value from an empty stack", or null when every path is consistent.</summary>
        public static string? FirstProblem(MethodBody body)
        {
            var instructions = body.Instructions;
            if (instructions.Count == 0) return "the body has no instructions";
            var index = new Dictionary<Instruction, int>();
            for (var i = 0; i < instructions.Count; i++) index[instructions[i]] = i;
            var depthAt = new int?[instructions.Count];
            var pending = new Stack<(int at, int depth)>();
            pending.Push((0, 0));
            foreach (var h in body.ExceptionHandlers)
            {
                if (h.TryStart != null && index.TryGetValue(h.TryStart, out var t)) pending.Push((t, 0));
                var handlerDepth = h.HandlerType == ExceptionHandlerType.Catch || h.HandlerType == ExceptionHandlerType.Filter ? 1 : 0;
                if (h.HandlerStart != null && index.TryGetValue(h.HandlerStart, out var s)) pending.Push((s, handlerDepth));
                if (h.FilterStart != null && index.TryGetValue(h.FilterStart, out var f)) pending.Push((f, 1));
            }
            var returns = body.Method.ReturnType.MetadataType == MetadataType.Void ? 0 : 1;

            while (pending.Count > 0)
            {
                var (at, depth) = pending.Pop();
                while (true)
                {
                    if (at >= instructions.Count) return $"{Label(instructions[instructions.Count - 1])}: execution runs past the end of the method";
                    if (depthAt[at] is int seen)
                    {
                        if (seen != depth) return $"{Label(instructions[at])}: reached with {depth} values on the stack on one path and {seen} on another";
                        break;
                    }
                    depthAt[at] = depth;
                    var ins = instructions[at];
                    var pops = Pops(ins, returns, depth);
                    if (pops > depth) return $"{Label(ins)}: {ins.OpCode.Name} pops {pops} values from a stack of {depth}";
                    depth = depth - pops + Pushes(ins);
                    var flow = ins.OpCode.FlowControl;
                    if (ins.OpCode.Code == Code.Ret)
                    {
                        if (depth != 0) return $"{Label(ins)}: ret leaves {depth} extra values on the stack";
                        break;
                    }
                    if (ins.OpCode.Code == Code.Leave || ins.OpCode.Code == Code.Leave_S) depth = 0;
                    if (flow == FlowControl.Throw || ins.OpCode.Code == Code.Endfinally || ins.OpCode.Code == Code.Endfilter) break;
                    foreach (var target in Targets(ins))
                        if (index.TryGetValue(target, out var t)) pending.Push((t, depth));
                    if (flow == FlowControl.Branch) break;
                    at++;
                }
            }
            return null;
        }

        static IEnumerable<Instruction> Targets(Instruction ins) => ins.Operand switch
        {
            Instruction one => new[] { one },
            Instruction[] many => many,
            _ => Enumerable.Empty<Instruction>(),
        };

        static int Pops(Instruction ins, int returns, int depth)
        {
            switch (ins.OpCode.StackBehaviourPop)
            {
                case StackBehaviour.Pop0: return 0;
                case StackBehaviour.Pop1: case StackBehaviour.Popi: case StackBehaviour.Popref: return 1;
                case StackBehaviour.Pop1_pop1: case StackBehaviour.Popi_pop1: case StackBehaviour.Popi_popi:
                case StackBehaviour.Popi_popi8: case StackBehaviour.Popi_popr4: case StackBehaviour.Popi_popr8:
                case StackBehaviour.Popref_pop1: case StackBehaviour.Popref_popi: return 2;
                case StackBehaviour.Popi_popi_popi: case StackBehaviour.Popref_popi_popi: case StackBehaviour.Popref_popi_popi8:
                case StackBehaviour.Popref_popi_popr4: case StackBehaviour.Popref_popi_popr8: case StackBehaviour.Popref_popi_popref: return 3;
                case StackBehaviour.PopAll: return depth;
                case StackBehaviour.Varpop:
                    if (ins.OpCode.Code == Code.Ret) return returns;
                    if (ins.Operand is IMethodSignature sig)
                    {
                        var pops = sig.Parameters.Count;
                        if (sig.HasThis && !sig.ExplicitThis && ins.OpCode.Code != Code.Newobj) pops++;
                        if (ins.OpCode.Code == Code.Calli) pops++;
                        return pops;
                    }
                    return 0;
                default: return 0;
            }
        }

        static int Pushes(Instruction ins)
        {
            switch (ins.OpCode.StackBehaviourPush)
            {
                case StackBehaviour.Push0: return 0;
                case StackBehaviour.Push1_push1: return 2;
                case StackBehaviour.Varpush:
                    if (ins.OpCode.Code == Code.Newobj) return 1;
                    return ins.Operand is IMethodSignature sig && sig.ReturnType.MetadataType != MetadataType.Void ? 1 : 0;
                default: return 1;
            }
        }

        static string Label(Instruction ins) => $"IL_{ins.Offset:x4}";
    }
}
