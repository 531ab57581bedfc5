using System;
using System.Collections.Generic;
using System.Linq;
using AsyncProf.Weaver.Contract;
using AsyncProf.Weaver.Discovery;
using AsyncProf.Weaver.Instrumentation;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Weaver
{
    /// <summary>
    /// Decides what each method of a module is (ordinary method, state machine, compiler plumbing, unsupported
    /// shape) and hands it to the matching weaver; builds the method table as it goes.
    /// </summary>
    internal sealed class ModuleRewriter
    {
        readonly ModuleDefinition module;
        readonly string file;
        readonly WeaverSettings settings;
        readonly IWeaverLog log;
        readonly ProbeReferences probes;
        readonly MethodTable table;
        readonly NameFilter filter;
        readonly WeaveResult result = new WeaveResult();
        StateMachineMap machines = null!;
        readonly Dictionary<MethodDefinition, MethodDefinition> copies = new Dictionary<MethodDefinition, MethodDefinition>(); // ordinary splits: original → copy

        public ModuleRewriter(ModuleDefinition module, string file, WeaverSettings settings, IWeaverLog log)
        {
            this.module = module;
            this.file = file;
            this.settings = settings;
            this.log = log;
            probes = new ProbeReferences(module);
            table = new MethodTable(module, probes);
            filter = new NameFilter(settings.Include, settings.Exclude);
        }

        public WeaveResult Run()
        {
            var types = AllTypes(module).Where(t => t.Name != "<Module>").ToList();
            machines = new StateMachineMap(types);

            foreach (var type in types)
            {
                try
                {
                    WeaveType(type);
                }
                catch (Exception e) when (!(e is WeavingException))
                {
                    // A bug or a shape nobody foresaw, found halfway through editing a body: writing the module now
                    // could produce invalid IL, so stop and say where.
                    throw new WeavingException(file + ": internal error weaving " + type.FullName + ": " + e.Message, e);
                }
            }

            try
            {
                result.DirectCalls = ProfiledCallSites.Redirect(copies);
            }
            catch (Exception e) when (!(e is WeavingException))
            {
                throw new WeavingException(file + ": internal error pointing profiled copies at each other: " + e.Message, e);
            }
            table.AddToModule();
            return result;
        }

        void WeaveType(TypeDefinition type)
        {
            if (machines.TryGet(type, out var machine))
            {
                WeaveStateMachine(machine);
            }
            else if (StateMachineMap.IsUnattributedAsyncStateMachine(type))
            {
                // F# task { } (Release) and other compilers: a struct IAsyncStateMachine with no kickoff attribute
                // and shared await tails. Weaving its MoveNext as a method would count every resume as a call.
                var moveNext = StateMachineMembers.FindMoveNext(type);
                Skip(DisplayNames.TypeName(DisplayNames.UserTypeOf(type)) + " (state machine " + type.Name + ")",
                    "IAsyncStateMachine without a kickoff [AsyncStateMachine] attribute (F# task { }, another compiler, hand-written) is not supported",
                    moveNext != null ? SourceLocation.Of(moveNext) : SourceLocation.Unknown);
            }
            else
            {
                var generated = CompilerNames.IsGeneratedType(type);
                foreach (var method in type.Methods.ToList())
                    WeaveIfOrdinary(method, generated);
            }
        }

        void WeaveIfOrdinary(MethodDefinition method, bool inGeneratedType)
        {
            if (!method.HasBody)
                return;
            if (machines.IsKickoff(method))
            {
                // Its state machine is woven instead; weaving the stub itself would end the call at the first await.
                if (machines.IsOrphanKickoff(method))
                    Skip(DisplayNames.Of(method), "its state machine attribute names no type of this module", SourceLocation.Of(method));
                return;
            }

            var leftOut = WeaveSelection.Classify(method, inGeneratedType, settings.WeaveAll);
            // Compiler plumbing has no source method to name; a trivial or inlined one named by --include is woven.
            string? name = null;
            if (leftOut == LeftOutReason.Trivial || leftOut == LeftOutReason.AggressiveInlining)
                if (filter.HasLiteralIncludes && filter.NamesExactly(name = DisplayNames.Of(method)))
                    leftOut = LeftOutReason.None;
            if (leftOut != LeftOutReason.None)
            {
                result.CountLeftOut(leftOut);
                return;
            }

            name ??= DisplayNames.Of(method);
            if (!filter.Accepts(name))
                return;

            var location = SourceLocation.Of(method);
            if (BodyEditor.Uses(method.Body, OpCodes.Jmp))
            {
                Skip(name, "method uses the jmp instruction, which cannot be wrapped", location);
                return;
            }
            if (BodyEditor.Uses(method.Body, OpCodes.Tail))
            {
                // Wrapped, its tail calls would become ordinary calls: deep recursion that relied on them (F#) would
                // overflow the stack.
                Skip(name, "method makes tail calls (tail. prefix), which wrapping would turn into ordinary calls", location);
                return;
            }

            if (RuntimeAsyncMethodWeaver.IsRuntimeAsync(method))
            {
                var weaver = new RuntimeAsyncMethodWeaver(method);
                if (weaver.Problem != null) { Skip(name, weaver.Problem, location); return; }
                var asyncIndex = table.Add(MethodKind.Async, name, location);
                // split like an ordinary method, so an idle frame keeps the JIT's fused awaits (no allocation); its
                // awaits are AsyncHelpers.Await calls, not awaiter GetResult calls: a GetResult here is the code's own
                var helpers = weaver.Helpers;
                var copy = helpers != null ? SplitAndMarkSites(method, asyncIndex, () => ProfiledCopy.SplitRuntimeAsync(method, probes, helpers)) : null;
                if (copy != null) weaver = new RuntimeAsyncMethodWeaver(copy);
                weaver.Weave(asyncIndex, table, probes);
                result.RuntimeAsyncMethods++; // kind "async" in the table, counted apart in the summary
                return;
            }

            var returns = AwaitableReturn.Of(method);
            var index = table.Add(returns == AwaitableReturnKind.None ? MethodKind.Sync : MethodKind.Task, name, location);
            var woven = ProfiledCopy.CanSplit(method) ? SplitAndMarkSites(method, index, () => ProfiledCopy.Split(method, probes))! : method;
            if (woven != method) copies.Add(method, woven);
            OrdinaryMethodWeaver.Weave(woven, index, table, probes, returns);
            result.Count(returns == AwaitableReturnKind.None ? MethodKind.Sync : MethodKind.Task);
        }

        /// <summary>
        /// Splits off <paramref name="method"/>'s profiled copy with <paramref name="split"/> (null: none) and marks
        /// the copy's blocking call sites (with the lines of the original, located before the split) and its queue
        /// sites (Task.Run and the like: queued work learns its wait for a thread). The original body, which runs
        /// while idle, stays as it was.
        /// </summary>
        MethodDefinition? SplitAndMarkSites(MethodDefinition method, int index, Func<MethodDefinition?> split)
        {
            var blockingSites = BlockingSiteWeaver.Locate(method);
            var copy = split();
            if (copy == null) return null;
            if (blockingSites.Count > 0) result.BlockingSites += BlockingSiteWeaver.Mark(copy, index, blockingSites, table, probes);
            QueueSiteWeaver.Mark(copy, probes);
            return copy;
        }

        void WeaveStateMachine(StateMachine machine)
        {
            var name = DisplayNames.Of(machine.Kickoff);
            if (!filter.Accepts(name))
                return;

            var moveNext = StateMachineMembers.FindMoveNext(machine.Type);
            var location = moveNext != null ? SourceLocation.Of(moveNext) : SourceLocation.Unknown;
            if (!location.IsKnown)
                location = SourceLocation.Of(machine.Kickoff);

            if (settings.NaiveStateMachines)
            {
                // The naive way (for demonstrations only): every resumption becomes a call.
                if (moveNext == null)
                {
                    Skip(name, "state machine has no MoveNext body", location);
                    return;
                }
                OrdinaryMethodWeaver.Weave(moveNext, table.Add(MethodKind.Sync, name, location), table, probes);
                result.Count(MethodKind.Sync);
                return;
            }

            var weaver = StateMachineWeaver.For(machine);
            if (weaver.Problem != null) { Skip(name, weaver.Problem, location); return; }
            if (weaver.Caveat != null)
                log.Warning(name + ": " + weaver.Caveat, location.File, location.Line);
            var index = table.Add(weaver.Kind, name, location);
            // blocking sites first, on the body as compiled: the weaver's own probes are not call sites
            if (weaver.Kind == MethodKind.Async && moveNext != null)
            {
                result.BlockingSites += BlockingSiteWeaver.Mark(moveNext, index, BlockingSiteWeaver.Locate(moveNext, stateMachine: true), table, probes, stateMachine: true);
                QueueSiteWeaver.Mark(moveNext, probes);
            }
            weaver.Weave(index, table, probes);
            result.Count(weaver.Kind);
        }

        void Skip(string name, string reason, SourceLocation location)
        {
            log.Warning(name + ": " + reason + "; not profiled", location.IsKnown ? location.File : null, location.Line);
            result.Skipped++;
        }

        static IEnumerable<TypeDefinition> AllTypes(ModuleDefinition module)
        {
            var pending = new Stack<TypeDefinition>(module.Types.Reverse());
            while (pending.Count > 0)
            {
                var type = pending.Pop();
                yield return type;
                for (int i = type.NestedTypes.Count - 1; i >= 0; i--)
                    pending.Push(type.NestedTypes[i]);
            }
        }
    }
}
