using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Wraps a whole method body as
    /// <c>try { body, every ret turned into (store result; leave EPILOGUE) } fault { handler } EPILOGUE: ... ret</c>.
    /// A ret can never sit inside a protected region in valid IL, so every ret lies in the new try and at stack depth
    /// one (or zero), which makes <c>stloc; leave</c> a faithful replacement.
    /// </summary>
    internal static class FaultWrapper
    {
        /// <param name="faultHandler">Code run when an exception leaves the body; endfinally is appended here.</param>
        /// <param name="beforeResult">Epilogue code run before the result is loaded.</param>
        /// <param name="afterResult">Epilogue code run with the result on the stack (must leave it there).</param>
        /// <param name="resultType">What a ret returns, when it is not the declared return type (runtime-async methods return T for Task&lt;T&gt;).</param>
        public static void Wrap(BodyEditor editor, MethodDefinition method, IReadOnlyList<Instruction> faultHandler,
            IReadOnlyList<Instruction> beforeResult, IReadOnlyList<Instruction> afterResult, TypeReference? resultType = null)
        {
            var body = editor.Body;
            var result = ResultVariable(resultType ?? method.ReturnType);
            if (result != null)
                body.Variables.Add(result);

            var tryStart = editor.Instructions[0];
            var epilogue = new List<Instruction>(beforeResult);
            if (result != null)
                epilogue.Add(Instruction.Create(OpCodes.Ldloc, result));
            epilogue.AddRange(afterResult);
            epilogue.Add(Instruction.Create(OpCodes.Ret));
            var epilogueStart = epilogue[0];

            foreach (var ret in editor.Instructions.Where(i => i.OpCode == OpCodes.Ret).ToList())
                RouteToEpilogue(editor, ret, result, epilogueStart);

            var handler = new List<Instruction>(faultHandler) { Instruction.Create(OpCodes.Endfinally) };
            editor.Append(handler);
            editor.Append(epilogue);
            editor.MarkHidden(handler[0]);
            editor.MarkHidden(epilogueStart);

            // Added last: handlers are listed innermost first, and this one encloses every existing region.
            body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Fault)
            {
                TryStart = tryStart,
                TryEnd = handler[0],
                HandlerStart = handler[0],
                HandlerEnd = epilogueStart,
            });
        }

        /// <summary>Rewrites the ret object itself, so branches to it and its sequence point stay valid.</summary>
        static void RouteToEpilogue(BodyEditor editor, Instruction ret, VariableDefinition? result, Instruction epilogue)
        {
            // (methods with "tail." calls are never wrapped: see ModuleRewriter)
            if (result == null)
            {
                ret.OpCode = OpCodes.Leave;
                ret.Operand = epilogue;
                return;
            }
            ret.OpCode = OpCodes.Stloc;
            ret.Operand = result;
            editor.InsertAfter(ret, new[] { Instruction.Create(OpCodes.Leave, epilogue) });
        }

        static VariableDefinition? ResultVariable(TypeReference type)
        {
            // Modifiers are part of the signature, not of the value: init setters return "void modreq(IsExternalInit)",
            // "ref readonly" returns "modreq(InAttribute) T&". A local needs neither.
            while (type is IModifierType modified)
                type = modified.ElementType;
            return type.MetadataType == MetadataType.Void ? null : new VariableDefinition(type);
        }
    }
}
