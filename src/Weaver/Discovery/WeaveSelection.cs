using AsyncProf.Weaver.Instrumentation;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Discovery
{
    /// <summary>Why an ordinary method is not woven although it could be: by choice, not a refused shape.</summary>
    internal enum LeftOutReason
    {
        None,
        /// <summary>A few bytes of IL with no call and no loop (auto-property accessor, field load, constant).</summary>
        Trivial,
        /// <summary>[MethodImpl(MethodImplOptions.AggressiveInlining)]: meant to vanish into its caller.</summary>
        AggressiveInlining,
        /// <summary>Compiler plumbing with no source method (closure constructors, record and anonymous type members).</summary>
        CompilerGenerated,
    }

    /// <summary>
    /// Which ordinary methods are worth a probe. A probe costs a few nanoseconds idle and tens recording, and keeps
    /// the JIT from inlining; for a method that is itself a few nanoseconds that cost is all a profile would show.
    /// Left out, its time is its caller's self time, exactly as if the JIT had inlined it.
    /// <see cref="WeaverSettings.WeaveAll"/> weaves the trivial and aggressive-inlining ones anyway; compiler plumbing
    /// (<see cref="CompilerNames.IsPlumbing"/>) is never woven: it has no source method to show, and the lambdas and
    /// local functions inside generated types are the user's code and woven regardless.
    /// State machines are chosen elsewhere and never left out here: their kickoff stub is tiny, their MoveNext is not.
    /// </summary>
    internal static class WeaveSelection
    {
        /// <summary>IL bytes (nops not counted) up to which a call-free, loop-free body is trivial: a field
        /// load or store with its ldarg.0 and ret is 7, a small struct constructor storing two fields about 15.</summary>
        public const int TrivialCodeSize = 16;

        public static LeftOutReason Classify(MethodDefinition method, bool inGeneratedType, bool weaveAll)
        {
            if (CompilerNames.IsPlumbing(method, inGeneratedType))
                return LeftOutReason.CompilerGenerated;
            if (weaveAll)
                return LeftOutReason.None;
            if (method.AggressiveInlining)
                return LeftOutReason.AggressiveInlining;
            // A runtime-async method's body is its whole async method, however short.
            if (!RuntimeAsyncMethodWeaver.IsRuntimeAsync(method) && IsTrivial(method.Body))
                return LeftOutReason.Trivial;
            return LeftOutReason.None;
        }

        /// <summary>At most <see cref="TrivialCodeSize"/> bytes of IL, no call of any kind (call, callvirt, calli,
        /// newobj, jmp), no backward branch (no loop), no exception handler.</summary>
        public static bool IsTrivial(MethodBody body)
        {
            if (body.HasExceptionHandlers)
                return false;
            var instructions = body.Instructions;
            // Every instruction is at least one byte: a longer list cannot be trivial, and the scan stays short.
            if (instructions.Count > TrivialCodeSize * 4)
                return false;
            int size = 0;
            foreach (var instruction in instructions)
            {
                var opCode = instruction.OpCode;
                if (opCode.Code == Code.Nop)
                    continue;
                if (opCode.FlowControl == FlowControl.Call)
                    return false;
                size += instruction.GetSize();
                if (size > TrivialCodeSize)
                    return false;
                if (IsBackwardBranch(instruction))
                    return false;
            }
            return true;
        }

        static bool IsBackwardBranch(Instruction instruction)
        {
            switch (instruction.Operand)
            {
                case Instruction target:
                    return target.Offset <= instruction.Offset;
                case Instruction[] targets:
                    foreach (var target in targets)
                        if (target.Offset <= instruction.Offset)
                            return true;
                    return false;
                default:
                    return false;
            }
        }
    }
}
