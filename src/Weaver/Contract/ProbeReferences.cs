using System;
using Mono.Cecil;

namespace AsyncProf.Weaver.Contract
{
    /// <summary>
    /// References to the probe API (src/Runtime/Probe.cs) built by name, so the weaver never loads AsyncProf.dll and
    /// woven modules bind to whatever AsyncProf 1.0.0.0 sits beside them at run time. Every signature here must match
    /// Probe.cs exactly: the runtime binds member references by name and signature.
    /// </summary>
    internal sealed class ProbeReferences
    {
        public const string AssemblyName = "AsyncProf";
        public static readonly Version AssemblyVersion = new Version(1, 0, 0, 0);
        public const string Namespace = "AsyncProf";

        public TypeReference AsyncCall { get; }

        /// <summary><c>static bool Probe.Active</c></summary>
        public FieldReference Active { get; }

        /// <summary><c>static int RegisterModule(string methodTable)</c></summary>
        public MethodReference RegisterModule { get; }
        /// <summary><c>static int Enter(int methodId)</c></summary>
        public MethodReference Enter { get; }
        /// <summary><c>static void Exit(int token)</c></summary>
        public MethodReference Exit { get; }
        /// <summary><c>static void ExitFault(int token)</c></summary>
        public MethodReference ExitFault { get; }
        /// <summary><c>static void AsyncMoveNext(ref AsyncCall, int methodId)</c></summary>
        public MethodReference AsyncMoveNext { get; }
        /// <summary><c>static void IteratorMoveNext(ref AsyncCall, int methodId)</c></summary>
        public MethodReference IteratorMoveNext { get; }
        /// <summary><c>static void Suspend(ref AsyncCall)</c></summary>
        public MethodReference Suspend { get; }
        /// <summary><c>static void SuspendQueued(ref AsyncCall)</c>: Suspend at an await that queues its continuation at once (Task.Yield)</summary>
        public MethodReference SuspendQueued { get; }
        /// <summary><c>static void Complete(ref AsyncCall)</c></summary>
        public MethodReference Complete { get; }
        /// <summary><c>static void Fault(ref AsyncCall)</c></summary>
        public MethodReference Fault { get; }
        /// <summary><c>static void Yield(bool hasMore, ref AsyncCall)</c></summary>
        public MethodReference Yield { get; }
        /// <summary><c>static void Dispose(ref AsyncCall)</c></summary>
        public MethodReference Dispose { get; }
        /// <summary><c>static void Restart(ref AsyncCall)</c></summary>
        public MethodReference Restart { get; }
        /// <summary><c>static void MoveNextReturn()</c></summary>
        public MethodReference MoveNextReturn { get; }

        readonly TypeReference probe;
        readonly ModuleDefinition module;
        readonly System.Collections.Generic.Dictionary<string, MethodReference> exitTaskByScope = new System.Collections.Generic.Dictionary<string, MethodReference>();
        MethodReference? exitAwaitable;

        /// <summary><c>static void ExitTask(Task task, int token)</c>, with Task as <paramref name="taskType"/> names it.</summary>
        public MethodReference ExitTask(TypeReference taskType)
        {
            var key = taskType.Scope?.Name ?? string.Empty;
            if (!exitTaskByScope.TryGetValue(key, out var method))
                exitTaskByScope[key] = method = Static("ExitTask", module.TypeSystem.Void, taskType, module.TypeSystem.Int32);
            return method;
        }

        /// <summary><c>static void ExitAwaitable&lt;TAwaitable&gt;(TAwaitable awaitable, int token)</c> instantiated for <paramref name="awaitable"/>.</summary>
        public MethodReference ExitAwaitable(TypeReference awaitable)
        {
            if (exitAwaitable == null)
            {
                exitAwaitable = new MethodReference("ExitAwaitable", module.TypeSystem.Void, probe) { HasThis = false };
                var parameter = new GenericParameter("TAwaitable", exitAwaitable);
                exitAwaitable.GenericParameters.Add(parameter);
                exitAwaitable.Parameters.Add(new ParameterDefinition(parameter));
                exitAwaitable.Parameters.Add(new ParameterDefinition(module.TypeSystem.Int32));
            }
            var instance = new GenericInstanceMethod(exitAwaitable);
            instance.GenericArguments.Add(awaitable);
            return instance;
        }

        public ProbeReferences(ModuleDefinition module)
        {
            this.module = module;
            var assembly = FindOrAddAssemblyReference(module);
            probe = new TypeReference(Namespace, "Probe", module, assembly, valueType: false);
            AsyncCall = new TypeReference(Namespace, "AsyncCall", module, assembly, valueType: true);

            var types = module.TypeSystem;
            var asyncCallByRef = new ByReferenceType(AsyncCall);

            Active = new FieldReference("Active", types.Boolean, probe);
            RegisterModule = Static("RegisterModule", types.Int32, types.String);
            Enter = Static("Enter", types.Int32, types.Int32);
            Exit = Static("Exit", types.Void, types.Int32);
            ExitFault = Static("ExitFault", types.Void, types.Int32);
            AsyncMoveNext = Static("AsyncMoveNext", types.Void, asyncCallByRef, types.Int32);
            IteratorMoveNext = Static("IteratorMoveNext", types.Void, asyncCallByRef, types.Int32);
            Suspend = Static("Suspend", types.Void, asyncCallByRef);
            SuspendQueued = Static("SuspendQueued", types.Void, asyncCallByRef);
            Complete = Static("Complete", types.Void, asyncCallByRef);
            Fault = Static("Fault", types.Void, asyncCallByRef);
            Yield = Static("Yield", types.Void, types.Boolean, asyncCallByRef);
            Dispose = Static("Dispose", types.Void, asyncCallByRef);
            Restart = Static("Restart", types.Void, asyncCallByRef);
            MoveNextReturn = Static("MoveNextReturn", types.Void);
        }

        // ==== runtime-async methods (issue 12): the probes of src/Runtime/Probe.cs's runtime-async section =========

        /// <summary><c>static void RuntimeAsyncStart(ref AsyncCall, int methodId)</c></summary>
        public MethodReference RuntimeAsyncStart => runtimeAsyncStart ??= Static("RuntimeAsyncStart",
            probe.Module.TypeSystem.Void, new ByReferenceType(AsyncCall), probe.Module.TypeSystem.Int32);
        MethodReference? runtimeAsyncStart;

        /// <summary><c>static void RuntimeAsyncResume(ref AsyncCall)</c></summary>
        public MethodReference RuntimeAsyncResume => runtimeAsyncResume ??= Static("RuntimeAsyncResume",
            probe.Module.TypeSystem.Void, new ByReferenceType(AsyncCall));
        MethodReference? runtimeAsyncResume;

        /// <summary>
        /// <c>static void RuntimeAsyncAwait[&lt;T&gt;](X awaited, ref AsyncCall)</c> for a call to
        /// <c>AsyncHelpers.Await[&lt;T&gt;](X)</c>: the same parameter, the same generic parameters and arguments.
        /// </summary>
        public MethodReference RuntimeAsyncAwait(MethodReference awaitCall)
        {
            var open = awaitCall is GenericInstanceMethod instance ? instance.ElementMethod : awaitCall;
            var method = new MethodReference("RuntimeAsyncAwait", probe.Module.TypeSystem.Void, probe) { HasThis = false };
            foreach (var parameter in open.GenericParameters)
                method.GenericParameters.Add(new GenericParameter(parameter.Name, method));
            method.Parameters.Add(new ParameterDefinition(Reparent(open.Parameters[0].ParameterType, method)));
            method.Parameters.Add(new ParameterDefinition(new ByReferenceType(AsyncCall)));
            if (!(awaitCall is GenericInstanceMethod generic))
                return method;
            var closed = new GenericInstanceMethod(method);
            foreach (var argument in generic.GenericArguments)
                closed.GenericArguments.Add(argument);
            return closed;
        }

        /// <summary>The Await parameter's type with its method generic parameters (!!0) now the probe's own.</summary>
        static TypeReference Reparent(TypeReference type, MethodReference owner)
        {
            if (type is GenericParameter parameter && parameter.Type == GenericParameterType.Method)
                return owner.GenericParameters[parameter.Position];
            if (!(type is GenericInstanceType instance))
                return type;
            var copy = new GenericInstanceType(instance.ElementType);
            foreach (var argument in instance.GenericArguments)
                copy.GenericArguments.Add(Reparent(argument, owner));
            return copy;
        }

        // ==== end of runtime-async methods ==========================================================================

        // ==== blocking call sites (issue 13): src/Runtime/BlockingProbe.cs =========================================

        TypeReference BlockingProbeType => blockingProbe ??= new TypeReference(Namespace, "BlockingProbe", module, probe.Scope, valueType: false);
        TypeReference? blockingProbe;

        MethodReference Blocking(string name, TypeReference returnType, params TypeReference[] parameters)
        {
            var method = new MethodReference(name, returnType, BlockingProbeType) { HasThis = false };
            foreach (var parameter in parameters)
                method.Parameters.Add(new ParameterDefinition(parameter));
            return method;
        }

        /// <summary><c>static int BlockingProbe.RegisterSites(string siteTable, int functionBase)</c></summary>
        public MethodReference RegisterSites => registerSites ??= Blocking("RegisterSites", module.TypeSystem.Int32, module.TypeSystem.String, module.TypeSystem.Int32);
        MethodReference? registerSites;

        /// <summary><c>static long BlockingProbe.Enter()</c></summary>
        public MethodReference BlockingEnter => blockingEnter ??= Blocking("Enter", module.TypeSystem.Int64);
        MethodReference? blockingEnter;

        /// <summary><c>static void BlockingProbe.Exit(long start, int site)</c></summary>
        public MethodReference BlockingExit => blockingExit ??= Blocking("Exit", module.TypeSystem.Void, module.TypeSystem.Int64, module.TypeSystem.Int32);
        MethodReference? blockingExit;

        /// <summary><c>static long BlockingProbe.EnterTask(Task task)</c>, with Task from the scope <paramref name="taskOfT"/> (Task&lt;T&gt;) comes from.</summary>
        public MethodReference BlockingEnterTask(TypeReference taskOfT)
        {
            var element = taskOfT.GetElementType();
            var task = new TypeReference(element.Namespace, "Task", module, element.Scope, valueType: false);
            return Blocking("EnterTask", module.TypeSystem.Int64, task);
        }

        // ==== end of blocking call sites ===========================================================================

        // ==== queuing call sites (issue 13, queuedNs): src/Runtime/QueueProbe.cs ===================================

        TypeReference QueueProbeType => queueProbe ??= new TypeReference(Namespace, "QueueProbe", module, probe.Scope, valueType: false);
        TypeReference? queueProbe;

        /// <summary><c>static long QueueProbe.Before()</c></summary>
        public MethodReference QueueBefore => queueBefore ??= new MethodReference("Before", module.TypeSystem.Int64, QueueProbeType) { HasThis = false };
        MethodReference? queueBefore;

        /// <summary><c>static void QueueProbe.Queued(Task task, long start)</c>, with Task from the scope the call's returned <paramref name="task"/> type comes from.</summary>
        public MethodReference QueueQueued(TypeReference task)
        {
            var taskType = new TypeReference(task.Namespace, "Task", module, task.Scope, valueType: false);
            var method = new MethodReference("Queued", module.TypeSystem.Void, QueueProbeType) { HasThis = false };
            method.Parameters.Add(new ParameterDefinition(taskType));
            method.Parameters.Add(new ParameterDefinition(module.TypeSystem.Int64));
            return method;
        }

        // ==== end of queuing call sites ============================================================================

        MethodReference Static(string name, TypeReference returnType, params TypeReference[] parameters)
        {
            var method = new MethodReference(name, returnType, probe) { HasThis = false };
            foreach (var parameter in parameters)
                method.Parameters.Add(new ParameterDefinition(parameter));
            return method;
        }

        /// <summary>Reuses the app's own reference to AsyncProf (it may call Profiler.Save) so the module names it once.</summary>
        static AssemblyNameReference FindOrAddAssemblyReference(ModuleDefinition module)
        {
            foreach (var existing in module.AssemblyReferences)
                if (existing.Name == AssemblyName)
                    return existing;

            var reference = new AssemblyNameReference(AssemblyName, AssemblyVersion)
            {
                Culture = string.Empty,
                PublicKeyToken = Array.Empty<byte>(),
            };
            // The writer only emits scopes it finds in this collection: a reference used but not listed gets token 0.
            module.AssemblyReferences.Add(reference);
            return reference;
        }
    }
}
