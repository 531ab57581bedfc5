using System.Collections.Generic;
using AsyncProf.Weaver.Contract;
using AsyncProf.Weaver.Discovery;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Instruments an ordinary method (also lambdas, local functions, constructors, and state machine MoveNext in
    /// naive mode):
    /// <code>
    /// token = 0; if (Probe.Active) token = Probe.Enter(Base + index);
    /// try { body, returns routed to EPILOGUE } fault { Probe.ExitFault(token); }
    /// EPILOGUE: Probe.Exit(token); return result;
    /// </code>
    /// A method returning an awaitable (see <see cref="AwaitableReturn"/>) hands it to the probe instead:
    /// <c>EPILOGUE: Probe.ExitTask(result, token)</c> (or <c>ExitAwaitable&lt;T&gt;</c>); <c>return result;</c>.
    /// </summary>
    internal static class OrdinaryMethodWeaver
    {
        public static void Weave(MethodDefinition method, int index, MethodTable table, ProbeReferences probes,
            AwaitableReturnKind returns = AwaitableReturnKind.None)
        {
            var editor = new BodyEditor(method);
            var token = new VariableDefinition(method.Module.TypeSystem.Int32);
            editor.Body.Variables.Add(token);
            var bodyStart = editor.Instructions[0];

            FaultWrapper.Wrap(editor, method,
                faultHandler: new[]
                {
                    Instruction.Create(OpCodes.Ldloc, token),
                    Instruction.Create(OpCodes.Call, probes.ExitFault),
                },
                beforeResult: returns != AwaitableReturnKind.None ? new Instruction[0] : new[]
                {
                    Instruction.Create(OpCodes.Ldloc, token),
                    Instruction.Create(OpCodes.Call, probes.Exit),
                },
                afterResult: returns == AwaitableReturnKind.None ? new Instruction[0] : new[]
                {
                    Instruction.Create(OpCodes.Dup),
                    Instruction.Create(OpCodes.Ldloc, token),
                    Instruction.Create(OpCodes.Call, AwaitableExit(method, probes, returns)),
                });

            // The token is stored on every path (locals may not be zero-initialized under SkipLocalsInit).
            var prologue = new List<Instruction>
            {
                Instruction.Create(OpCodes.Ldc_I4_0),
                Instruction.Create(OpCodes.Stloc, token),
                Instruction.Create(OpCodes.Ldsfld, probes.Active),
                Instruction.Create(OpCodes.Brfalse, bodyStart),
            };
            prologue.AddRange(table.EmitId(index));
            prologue.Add(Instruction.Create(OpCodes.Call, probes.Enter));
            prologue.Add(Instruction.Create(OpCodes.Stloc, token));
            editor.InsertPrologue(prologue);
            editor.Complete();
        }

        static MethodReference AwaitableExit(MethodDefinition method, ProbeReferences probes, AwaitableReturnKind returns)
        {
            var returned = AwaitableReturn.Unmodified(method.ReturnType);
            return returns == AwaitableReturnKind.Task
                ? probes.ExitTask(AwaitableReturn.TaskType(returned, method.Module))
                : probes.ExitAwaitable(returned);
        }
    }
}
