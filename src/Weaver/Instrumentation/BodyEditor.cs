using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Mono.Collections.Generic;

namespace AsyncProf.Weaver.Instrumentation
{
    /// <summary>
    /// Edits one method body in place. Keeps Cecil's instruction objects (never rebuilds the body) so branches,
    /// exception regions, sequence points and async stepping info keep pointing at the right code. Opening an editor
    /// expands short branches (SimplifyMacros) so inserted code cannot push a branch out of range;
    /// <see cref="Complete"/> shortens them again and fixes up debug info.
    /// </summary>
    internal sealed class BodyEditor
    {
        readonly MethodDefinition method;
        readonly List<Instruction> hidden = new List<Instruction>();

        public BodyEditor(MethodDefinition method)
        {
            this.method = method;
            Body = method.Body;
            Body.SimplifyMacros();
        }

        public MethodBody Body { get; }
        public Collection<Instruction> Instructions => Body.Instructions;

        /// <summary>
        /// Inserts <paramref name="code"/> right before <paramref name="target"/> so that every path into the target
        /// runs it first: branches, switch entries and exception-region boundaries that named the target now name the
        /// first inserted instruction (a region starting at the target now starts with the inserted code; a region
        /// ending just before the target still ends before it).
        /// </summary>
        public void InsertBefore(Instruction target, IReadOnlyList<Instruction> code)
        {
            if (code.Count == 0)
                return;
            Retarget(target, code[0]);
            var il = Body.GetILProcessor();
            foreach (var instruction in code)
                il.InsertBefore(target, instruction);
        }

        /// <summary>
        /// Inserts code at the start of the method that only the entry path runs: a loop branching back to the old
        /// first instruction and an exception region starting there are left alone. Hidden from debuggers.
        /// </summary>
        public void InsertPrologue(IReadOnlyList<Instruction> code)
        {
            if (code.Count == 0)
                return;
            var il = Body.GetILProcessor();
            var first = Instructions[0];
            foreach (var instruction in code)
                il.InsertBefore(first, instruction);
            MarkHidden(code[0]);
        }

        /// <summary>
        /// Appends code after the last instruction. Regions that ran to the end of the method (end == null) are
        /// closed first so they do not swallow the new code.
        /// </summary>
        public void Append(IReadOnlyList<Instruction> code)
        {
            if (code.Count == 0)
                return;
            foreach (var handler in Body.ExceptionHandlers)
            {
                if (handler.TryEnd == null) handler.TryEnd = code[0];
                if (handler.HandlerEnd == null) handler.HandlerEnd = code[0];
            }
            foreach (var instruction in code)
                Instructions.Add(instruction);
        }

        /// <summary>
        /// Inserts code right after <paramref name="anchor"/>, run only by the path through the anchor: branches to
        /// the instruction that followed it are left alone.
        /// </summary>
        public void InsertAfter(Instruction anchor, IReadOnlyList<Instruction> code)
        {
            var il = Body.GetILProcessor();
            var previous = anchor;
            foreach (var instruction in code)
            {
                il.InsertAfter(previous, instruction);
                previous = instruction;
            }
        }

        /// <summary>Gives injected code a hidden sequence point so debuggers step over it (when the method has symbols).</summary>
        public void MarkHidden(Instruction instruction) => hidden.Add(instruction);

        /// <summary>
        /// Puts probe code around a call site: <paramref name="before"/> right before it (branches to the call now
        /// land on it), <paramref name="after"/> right after, both hidden from the debugger (they have no source).
        /// </summary>
        public void Surround(Instruction call, IReadOnlyList<Instruction> before, IReadOnlyList<Instruction> after)
        {
            InsertBefore(call, before);
            InsertAfter(call, after);
            MarkHidden(before[0]);
            MarkHidden(after[0]);
        }

        /// <summary>Shortens branches, then adds the hidden sequence points and puts all of them back in IL order.</summary>
        public void Complete()
        {
            // Branches first, in linear passes: left to OptimizeMacros they cost a full offset pass each.
            BranchShortener.Shorten(Body);
            Body.OptimizeMacros(); // short forms of the rest; also recomputes every offset, which the steps below rely on
            var debug = method.DebugInformation;
            if (!debug.HasSequencePoints)
                return;

            var points = debug.SequencePoints;
            var document = points[0].Document;
            var taken = new HashSet<int>(points.Select(p => p.Offset));
            foreach (var instruction in hidden)
            {
                if (!taken.Add(instruction.Offset))
                    continue; // the instruction already has a sequence point
                points.Add(new SequencePoint(instruction, document) { StartLine = HiddenLine, EndLine = HiddenLine });
            }

            // Portable PDBs encode sequence points as increasing offset deltas.
            var ordered = points.OrderBy(p => p.Offset).ToList();
            points.Clear();
            foreach (var point in ordered)
                points.Add(point);
        }

        /// <summary>Whether the body holds an <paramref name="opCode"/> instruction (a loop: LINQ would box the enumerator).</summary>
        public static bool Uses(MethodBody body, OpCode opCode)
        {
            foreach (var instruction in body.Instructions)
                if (instruction.OpCode == opCode)
                    return true;
            return false;
        }

        /// <summary>The line of a hidden sequence point (debuggers step over it).</summary>
        public const int HiddenLine = 0xfeefee;

        void Retarget(Instruction from, Instruction to)
        {
            foreach (var instruction in Instructions)
            {
                if (instruction.Operand == from)
                    instruction.Operand = to;
                else if (instruction.Operand is Instruction[] targets)
                    for (int i = 0; i < targets.Length; i++)
                        if (targets[i] == from)
                            targets[i] = to;
            }
            foreach (var handler in Body.ExceptionHandlers)
            {
                if (handler.TryStart == from) handler.TryStart = to;
                if (handler.TryEnd == from) handler.TryEnd = to;
                if (handler.HandlerStart == from) handler.HandlerStart = to;
                if (handler.HandlerEnd == from) handler.HandlerEnd = to;
                if (handler.FilterStart == from) handler.FilterStart = to;
            }
        }
    }
}
