using Mono.Cecil.Cil;
using Mono.Collections.Generic;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Turns long branches back into short ones where they fit, in a few linear passes. Cecil's OptimizeMacros does it
    /// one branch at a time, recomputing every offset after each change: quadratic, and most of the weaving time in a
    /// library with large methods (Newtonsoft.Json's reader and serializer). Shortening only ever shrinks code, so a
    /// distance measured before a pass is never smaller than the final one: whatever fits then still fits after.
    /// Passes repeat until nothing changes, which shortens at least every branch Cecil's method would.
    /// </summary>
    internal static class BranchShortener
    {
        public static void Shorten(MethodBody body)
        {
            var instructions = body.Instructions;
            bool changed;
            do
            {
                ComputeOffsets(instructions);
                changed = false;
                foreach (var instruction in instructions)
                {
                    if (instruction.OpCode.OperandType != OperandType.InlineBrTarget || !(instruction.Operand is Instruction target))
                        continue;
                    // Measured from the end of the long form: for a forward branch the same distance as from the end of
                    // the short one (the target moves up with it), for a backward one 3 bytes more cautious.
                    var distance = target.Offset - (instruction.Offset + instruction.OpCode.Size + 4);
                    if (distance < sbyte.MinValue || distance > sbyte.MaxValue)
                        continue;
                    instruction.OpCode = ShortForm(instruction.OpCode);
                    changed = true;
                }
            } while (changed);
        }

        static void ComputeOffsets(Collection<Instruction> instructions)
        {
            var offset = 0;
            foreach (var instruction in instructions)
            {
                instruction.Offset = offset;
                offset += instruction.GetSize();
            }
        }

        static OpCode ShortForm(OpCode opCode)
        {
            switch (opCode.Code)
            {
                case Code.Br: return OpCodes.Br_S;
                case Code.Brfalse: return OpCodes.Brfalse_S;
                case Code.Brtrue: return OpCodes.Brtrue_S;
                case Code.Beq: return OpCodes.Beq_S;
                case Code.Bge: return OpCodes.Bge_S;
                case Code.Bgt: return OpCodes.Bgt_S;
                case Code.Ble: return OpCodes.Ble_S;
                case Code.Blt: return OpCodes.Blt_S;
                case Code.Bne_Un: return OpCodes.Bne_Un_S;
                case Code.Bge_Un: return OpCodes.Bge_Un_S;
                case Code.Bgt_Un: return OpCodes.Bgt_Un_S;
                case Code.Ble_Un: return OpCodes.Ble_Un_S;
                case Code.Blt_Un: return OpCodes.Blt_Un_S;
                case Code.Leave: return OpCodes.Leave_S;
                default: return opCode;
            }
        }
    }
}
