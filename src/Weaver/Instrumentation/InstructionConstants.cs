using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>Reads int32 constants in any of their encodings (ldc.i4.1, ldc.i4.s 1, ldc.i4 1).</summary>
    internal static class InstructionConstants
    {
        public static bool TryGetInt32(Instruction? instruction, out int value)
        {
            value = 0;
            if (instruction == null)
                return false;
            switch (instruction.OpCode.Code)
            {
                case Code.Ldc_I4_M1: value = -1; return true;
                case Code.Ldc_I4_0: value = 0; return true;
                case Code.Ldc_I4_1: value = 1; return true;
                case Code.Ldc_I4_2: value = 2; return true;
                case Code.Ldc_I4_3: value = 3; return true;
                case Code.Ldc_I4_4: value = 4; return true;
                case Code.Ldc_I4_5: value = 5; return true;
                case Code.Ldc_I4_6: value = 6; return true;
                case Code.Ldc_I4_7: value = 7; return true;
                case Code.Ldc_I4_8: value = 8; return true;
                case Code.Ldc_I4_S: value = (sbyte)instruction.Operand; return true;
                case Code.Ldc_I4: value = (int)instruction.Operand; return true;
                default: return false;
            }
        }
    }
}
