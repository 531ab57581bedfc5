using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace NaiveTimingWeaver
{
    /// <summary>
    /// Wraps method bodies as <c>long t = Stopwatch.GetTimestamp(); try { body } finally { Ticks[id] +=
    /// Stopwatch.GetTimestamp() - t; Calls[id]++; }</c>, with the arrays in a type it adds to the module.
    /// </summary>
    public static class TimingInjector
    {
        public static (int Woven, int Skipped) Weave(ModuleDefinition module)
        {
            var candidates = module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody).ToList();
            var timed = candidates.Where(CanWrap).ToList();
            var (ticks, calls) = AddCounters(module, timed.Count);
            // Stopwatch is in CoreLib at run time on every .NET this harness runs on.
            var getTimestamp = module.ImportReference(typeof(Stopwatch).GetMethod(nameof(Stopwatch.GetTimestamp)));
            for (var id = 0; id < timed.Count; id++) Wrap(timed[id], id, getTimestamp, ticks, calls);
            return (timed.Count, candidates.Count - timed.Count);
        }

        // Constructors call their base constructor on an uninitialised 'this'; tail calls and localloc cannot sit in
        // a protected region. Simple timing weavers leave such bodies alone too.
        static bool CanWrap(MethodDefinition m) =>
            !m.IsConstructor && !m.DeclaringType.Name.StartsWith("<NaiveTimings>") &&
            !m.Body.Instructions.Any(i => i.OpCode.Code is Code.Tail or Code.Localloc or Code.Jmp);

        static (FieldDefinition Ticks, FieldDefinition Calls) AddCounters(ModuleDefinition module, int count)
        {
            var longArray = new ArrayType(module.TypeSystem.Int64);
            var type = new TypeDefinition("", "<NaiveTimings>", TypeAttributes.NotPublic | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.BeforeFieldInit, module.TypeSystem.Object);
            var ticks = new FieldDefinition("Ticks", FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.InitOnly, longArray);
            var calls = new FieldDefinition("Calls", FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.InitOnly, longArray);
            type.Fields.Add(ticks);
            type.Fields.Add(calls);
            var cctor = new MethodDefinition(".cctor", MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName, module.TypeSystem.Void);
            var il = cctor.Body.GetILProcessor();
            foreach (var field in new[] { ticks, calls })
            {
                il.Emit(OpCodes.Ldc_I4, count);
                il.Emit(OpCodes.Newarr, module.TypeSystem.Int64);
                il.Emit(OpCodes.Stsfld, field);
            }
            il.Emit(OpCodes.Ret);
            type.Methods.Add(cctor);
            module.Types.Add(type);
            return (ticks, calls);
        }

        static void Wrap(MethodDefinition method, int id, MethodReference getTimestamp, FieldReference ticks, FieldReference calls)
        {
            var body = method.Body;
            body.SimplifyMacros();
            var il = body.GetILProcessor();
            var instructions = body.Instructions;
            // An init accessor returns "void modreq(IsExternalInit)": look through modifiers before asking.
            var returnType = method.ReturnType;
            while (returnType is IModifierType modified) returnType = modified.ElementType;
            var returnsValue = returnType.MetadataType != MetadataType.Void;
            var start = new VariableDefinition(method.Module.TypeSystem.Int64);
            body.Variables.Add(start);
            VariableDefinition? result = null;
            if (returnsValue) { result = new VariableDefinition(returnType); body.Variables.Add(result); }
            body.InitLocals = true;

            var tryStart = instructions[0];
            var exit = returnsValue ? Instruction.Create(OpCodes.Ldloc, result!) : Instruction.Create(OpCodes.Ret);

            // Every ret becomes "store the value, leave to the common exit"; branches to a ret keep their target,
            // which is now the store (or the leave).
            foreach (var ret in instructions.Where(i => i.OpCode == OpCodes.Ret).ToList())
            {
                if (returnsValue)
                {
                    ret.OpCode = OpCodes.Stloc;
                    ret.Operand = result;
                    il.InsertAfter(ret, Instruction.Create(OpCodes.Leave, exit));
                }
                else
                {
                    ret.OpCode = OpCodes.Leave;
                    ret.Operand = exit;
                }
            }

            var finallyStart = Instruction.Create(OpCodes.Ldsfld, ticks);
            var handler = new List<Instruction>
            {
                finallyStart, Instruction.Create(OpCodes.Ldc_I4, id), Instruction.Create(OpCodes.Ldelema, method.Module.TypeSystem.Int64),
                Instruction.Create(OpCodes.Dup), Instruction.Create(OpCodes.Ldind_I8),
                Instruction.Create(OpCodes.Call, getTimestamp), Instruction.Create(OpCodes.Ldloc, start), Instruction.Create(OpCodes.Sub),
                Instruction.Create(OpCodes.Add), Instruction.Create(OpCodes.Stind_I8),
                Instruction.Create(OpCodes.Ldsfld, calls), Instruction.Create(OpCodes.Ldc_I4, id), Instruction.Create(OpCodes.Ldelema, method.Module.TypeSystem.Int64),
                Instruction.Create(OpCodes.Dup), Instruction.Create(OpCodes.Ldind_I8), Instruction.Create(OpCodes.Ldc_I4_1), Instruction.Create(OpCodes.Conv_I8),
                Instruction.Create(OpCodes.Add), Instruction.Create(OpCodes.Stind_I8),
                Instruction.Create(OpCodes.Endfinally),
            };
            foreach (var h in handler) instructions.Add(h);
            instructions.Add(exit);
            if (returnsValue) instructions.Add(Instruction.Create(OpCodes.Ret));

            // Handlers that ran to the end of the body (end == null) now end where the finally starts.
            foreach (var existing in body.ExceptionHandlers)
            {
                if (existing.TryEnd == null) existing.TryEnd = finallyStart;
                if (existing.HandlerEnd == null) existing.HandlerEnd = finallyStart;
            }

            il.InsertBefore(tryStart, Instruction.Create(OpCodes.Call, getTimestamp));
            il.InsertBefore(tryStart, Instruction.Create(OpCodes.Stloc, start));
            body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Finally)
            {
                TryStart = tryStart, TryEnd = finallyStart, HandlerStart = finallyStart, HandlerEnd = exit,
            });
            body.OptimizeMacros();
        }
    }
}
